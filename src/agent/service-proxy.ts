/**
 * The agent's service proxy: the OpenStack APIs (identity, compute, image, network) on the
 * agent's own endpoints, over many cloudlets. Each call is classified (src/proxy/classify.ts)
 * from the route tables the emulator serves (src/openstack/*\/routes.ts):
 * - a server create is placed by the scheduler and forwarded to the chosen agent, which creates
 *   it in its cloudlet; the location is recorded (here and there);
 * - a call by server id goes to the agent whose cloudlet holds the server (server-locator.ts);
 * - a server list fans out to the agents of the project's footprint, and is merged, sorted and
 *   re-paginated (server-list.ts);
 * - keypairs, flavors and images are one cloud's worth (keypairs.ts, flavors.ts, images.ts):
 *   lists gather the copies' holders, changes reach every copy, image bytes go through the image
 *   store, and a server create copies what it needs into the chosen cloudlet first (materialize.ts);
 * - networks, subnets, ports, security groups and rules are one cloud's worth too (networks.ts,
 *   network-copies.ts, network-ids.ts): lists gather the holders, each leaving its copies out;
 *   by-id calls go to the object's home, changes reach every copy, and a server create copies
 *   the networks and groups it needs into the chosen cloudlet, each with its own pool slice;
 * - anything else is served by this agent's own cloudlet.
 * A call another agent forwarded with a signed directive (forwarded-call.ts) is served from
 * this agent's own cloudlet, never forwarded again. Identity calls go to the identity front.
 */
import { jsonResponse, readBody } from '../core/http.ts'
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/http.ts'
import type { Clock, Logger } from '../core/ports.ts'
import { Forbidden, OpenStackFault, ServiceUnavailable } from '../openstack/faults.ts'
import { COMPUTE_VERSION_RANGE, LEGACY_VERSION_HEADER } from '../openstack/compute/microversions.ts'
import { formatMicroversion, requestedMicroversion } from '../openstack/microversion.ts'
import type { MicroversionRange } from '../openstack/microversion.ts'
import { classifyRequest } from '../proxy/classify.ts'
import { withComputeRange } from '../proxy/microversion-range.ts'
import { renderProxyFault } from '../proxy/proxy-faults.ts'
import { urlRewriter } from '../proxy/url-rewrite.ts'
import type { UrlRewriter } from '../proxy/url-rewrite.ts'
import type { ForwardSigner } from './forwarded-call.ts'
import type { TokenSource } from './keystone-token-source.ts'
import { VISITED_HEADER } from './forwarded-call.ts'
import { getCall, RECENT_DECISIONS } from './proxy-call.ts'
import type { ForwardFailure, ForwardOptions, LocalOverrides, ProxiedService, ProxyCall, ProxyContext, ProxyStats } from './proxy-call.ts'
import { CloudletSessionError } from './proxy-ports.ts'
import type { AgentRef, CloudletSessions, Footprint, Locations, ResourceLocation, Scheduler, UserTokens } from './proxy-ports.ts'
import { absoluteLimits, hypervisorStatistics, tenantUsage } from './compute-totals.ts'
import { changeFlavor, FLAVORS_FOOTPRINT_KEY, listFlavors, readFlavor } from './flavors.ts'
import type { ImageStoreClient } from './image-store-client.ts'
import { callImageHome, changeImage, learnImage, listImages, readImage, uploadImage } from './images.ts'
import { deleteKeypair, listKeypairs, showKeypair, userFootprintKey } from './keypairs.ts'
import { materializeFor } from './materialize.ts'
import { SLICE_PATH, serveSliceRequest } from './network-copies.ts'
import { networkFootprintKey } from './network-holders.ts'
import { learnNetworkAnswer } from './network-learning.ts'
import type { NetworkIds } from './network-ids.ts'
import { routeNetwork, serveForwardedNetworkCall } from './networks.ts'
import { createServer } from './server-create.ts'
import { listServers } from './server-list.ts'
import { ServerLocator } from './server-locator.ts'
import { bodyText, callUpstream, isJson, MAX_JSON_BODY_BYTES, passedRequestHeaders } from './upstream-call.ts'

/** The agent's path prefix of each service; the route tables are relative to it. */
export const SERVICE_PREFIXES: ReadonlyArray<readonly [prefix: string, service: ProxiedService]> = [
  ['/compute', 'compute'], ['/image', 'image'], ['/network', 'network']
]

export interface ServiceProxyOptions {
  readonly self: AgentRef
  /** The base URL clients use; null: the scheme and Host of each request. */
  readonly publicUrl: string | null
  /** The own cloudlet's service roots (compute without /v2.1, image and network unversioned). */
  readonly cloudletRoots: Readonly<Record<ProxiedService, string>>
  /** Outbound HTTP to the cloudlet and to other agents. */
  readonly http: HttpHandler
  readonly users: UserTokens
  readonly sessions: CloudletSessions
  readonly locations: Locations
  readonly footprint: Footprint
  readonly scheduler: Scheduler
  readonly forward: ForwardSigner
  /** The agent's Keystone front, for everything under /identity. */
  readonly identity: HttpHandler
  readonly clock: Clock
  readonly logger: Logger
  readonly listTimeoutMs: number
  readonly forwardTimeoutMs: number
  /** The own cloudlet's admin token, for copying global objects in (flavors, images). */
  readonly cloudletAdmin: TokenSource
  /** The image store of the services node; null: images stay in the cloudlet they were made in. */
  readonly imageStore: ImageStoreClient | null
  /** The compute microversions every cloudlet honours (cluster-compute-range.ts); default: the emulator's. */
  readonly computeRange?: () => MicroversionRange
  /** The global network objects' ids in the own cloudlet (network-ids.ts). */
  readonly networkIds: NetworkIds
}

const WARN_INTERVAL_MS = 60_000

const UNAUTHENTICATED = '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}'

export class ServiceProxy implements ProxyContext {
  readonly options: ServiceProxyOptions
  readonly #locator: ServerLocator
  /** URL rewriters by the public base they rewrite to (one per base the clients use). */
  readonly #rewriters = new Map<string, UrlRewriter>()
  /** When each kind of warning was last logged (Clock.nowMs). */
  readonly #warned = new Map<string, number>()

  constructor (options: ServiceProxyOptions) {
    this.options = options
    this.#locator = new ServerLocator(this)
  }

  get self (): AgentRef { return this.options.self }
  get locations (): Locations { return this.options.locations }
  get footprint (): Footprint { return this.options.footprint }
  get scheduler (): Scheduler { return this.options.scheduler }
  get logger (): Logger { return this.options.logger }
  get listTimeoutMs (): number { return this.options.listTimeoutMs }
  get imageStore (): ImageStoreClient | null { return this.options.imageStore }
  get networkIds (): NetworkIds { return this.options.networkIds }

  async bodyOf (call: ProxyCall): Promise<string> {
    const body = call.request.body
    return body === null ? '' : new TextDecoder().decode(await readBody(body, MAX_JSON_BODY_BYTES))
  }

  computeRange (): MicroversionRange {
    return this.options.computeRange?.() ?? COMPUTE_VERSION_RANGE
  }

  async locate (call: ProxyCall, serverId: string): Promise<ResourceLocation | null> {
    return await this.#locator.locate(call, serverId)
  }

  readonly stats: ProxyStats = { placed: 0, noValidHost: 0, recentDecisionsMs: [] }

  recordPlacement (decisionMs: number, outcome: 'placed' | 'no-valid-host'): void {
    if (outcome === 'placed') this.stats.placed++
    else this.stats.noValidHost++
    const recent = this.stats.recentDecisionsMs
    recent.push(decisionMs)
    if (recent.length > RECENT_DECISIONS) recent.splice(0, recent.length - RECENT_DECISIONS)
  }

  readonly handle: HttpHandler = async request => {
    const path = request.url.pathname
    if (path === '/identity' || path.startsWith('/identity/')) return await this.options.identity(request)
    const entry = SERVICE_PREFIXES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))
    if (entry === undefined) return jsonResponse(404, { error: { code: 404, title: 'Not Found', message: `The resource could not be found: ${path}` } })
    const [prefix, service] = entry
    const relative = path.slice(prefix.length)
    const publicBase = this.#publicBase(request)
    const classified = classifyRequest(service, request.method, relative === '' ? '/' : relative)
    const route = classified.result === 'route' ? classified : null
    if (route !== null && !route.authenticated) return await this.#unauthenticated(request, service, relative, publicBase)

    const token = request.headers['x-auth-token']
    const auth = token === undefined || token === '' ? null : await this.options.users.verify(token)
    if (auth === null) {
      return { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': `Keystone uri="${publicBase}/identity"` }, body: UNAUTHENTICATED }
    }
    const target = `${path}${request.url.search}`
    const checked = this.options.forward.check(this.options.self.id, request.method, target, request.headers)
    if (checked !== null && !checked.ok) {
      // Refused rather than served as a client call: a forwarded call whose directive failed
      // (clock skew, a replay, a forgery) would otherwise be forwarded again.
      this.#warnOnce(`directive:${checked.problem}`, { problem: checked.problem, path }, 'refused a call with a bad forward directive')
      return renderProxyFault(service, new Forbidden(`The call carries a p2pstack forward directive that was refused (${checked.problem}).`), { request, identityUrl: `${publicBase}/identity`, requestId: '' })
    }
    const directive = checked?.ok === true ? checked.directive : null
    let pinned: HttpRequest
    try {
      pinned = service === 'compute' ? this.#pinComputeVersion(request) : request
    } catch (error) {
      if (error instanceof OpenStackFault) return renderProxyFault(service, error, { request, identityUrl: `${publicBase}/identity`, requestId: '' })
      throw error
    }
    const call: ProxyCall = {
      request: pinned,
      service,
      path: relative,
      search: request.url.search,
      route: route?.route ?? null,
      params: route?.params ?? {},
      auth,
      publicBase: directive?.publicBase ?? publicBase,
      directive
    }
    try {
      return await this.#route(call)
    } catch (error) {
      return this.#failure(call, error)
    }
  }

  async #route (call: ProxyCall): Promise<HttpResponse> {
    const { route, directive } = call
    if (directive !== null) {
      if (directive.mode === 'placed' && route?.name === 'servers:create') {
        // Chosen by the scheduler: the global objects the server needs are copied here first.
        const text = await materializeFor(this, call, await this.bodyOf(call))
        const response = await this.serveLocally(call, { body: text })
        if (directive.reservationId !== undefined) await this.#landed(call, response, directive.reservationId)
        return response
      }
      if (call.service === 'network') {
        const slice = call.request.method === 'POST' ? SLICE_PATH.exec(call.path) : null
        return slice?.[1] !== undefined ? await serveSliceRequest(this, call, decodeURIComponent(slice[1])) : await serveForwardedNetworkCall(this, call)
      }
      const response = await this.serveLocally(call)
      if (directive.mode === 'placed' && directive.reservationId !== undefined) await this.#landed(call, response, directive.reservationId)
      return response
    }
    if (route === null) return await this.serveLocally(call)
    if (call.service === 'image') return await this.#routeImage(call, route.name)
    if (call.service === 'network') return await routeNetwork(this, call)
    if (call.service !== 'compute') return await this.serveLocally(call)
    switch (route.name) {
      case 'servers:create': return await createServer(this, call)
      case 'servers:list': case 'servers:detail': return await listServers(this, call)
      case 'hypervisors:statistics': return await hypervisorStatistics(this, call)
      case 'limits:show': return await absoluteLimits(this, call)
      case 'usage:list': case 'usage:show': return await tenantUsage(this, call)
      case 'keypairs:list': return await listKeypairs(this, call)
      case 'keypairs:show': return await showKeypair(this, call)
      case 'keypairs:delete': return await deleteKeypair(this, call)
      case 'flavors:list': case 'flavors:detail': return await listFlavors(this, call)
      case 'flavors:show': case 'flavor-access:list': case 'extra-specs:list': case 'extra-specs:show': return await readFlavor(this, call)
      case 'flavors:update': case 'flavors:delete': case 'flavors:action': case 'extra-specs:create': case 'extra-specs:update': case 'extra-specs:delete': {
        const text = call.request.body === null ? null : new TextDecoder().decode(await readBody(call.request.body, MAX_JSON_BODY_BYTES))
        return await changeFlavor(this, call, text)
      }
    }
    const serverId = call.params.server_id
    if (route.kind === 'by-id' && serverId !== undefined) return await this.#locator.serve(call, serverId)
    return await this.serveLocally(call)
  }

  async #routeImage (call: ProxyCall, name: string): Promise<HttpResponse> {
    switch (name) {
      case 'images:list': return await listImages(this, call)
      case 'images:show': case 'images:download': case 'members:list': case 'members:show': case 'locations:list':
        return await readImage(this, call)
      case 'images:update': case 'images:delete': case 'tags:add': case 'tags:delete': case 'members:create': case 'members:update':
      case 'members:delete': case 'images:deactivate': case 'images:reactivate':
        return await changeImage(this, call)
      case 'images:upload': {
        const store = this.options.imageStore
        return store === null ? await this.serveLocally(call) : await uploadImage(this, call, store)
      }
      case 'images:stage': case 'images:import': case 'locations:add':
        return await callImageHome(this, call)
      default: return await this.serveLocally(call)
    }
  }

  /** The call as this agent's own cloudlet answers it, for the caller. */
  async serveLocally (call: ProxyCall, override: LocalOverrides = {}): Promise<HttpResponse> {
    const session = await this.options.sessions.session(call.auth)
    const root = this.options.cloudletRoots[call.service]
    const url = `${root}${session.toLocal(call.path)}${session.toLocal(call.search)}`
    let body: string | HttpRequest['body'] = override.body ?? call.request.body
    if (override.body === undefined && body !== null && isJson(call.request.headers['content-type'])) {
      body = new TextDecoder().decode(await readBody(body, MAX_JSON_BODY_BYTES))
    }
    if (typeof body === 'string') body = session.toLocal(body)
    const rewriter = this.#rewriter(call.publicBase)
    const ids = this.options.networkIds
    const list = call.route?.kind === 'list'
    const text = call.service === 'network'
      ? (raw: string): string => {
          ids.learn(raw)
          return rewriter.rewriteText(ids.adjust(session.toGlobal(raw), list))
        }
      : (raw: string): string => rewriter.rewriteText(session.toGlobal(raw))
    const send = async (token: string): Promise<HttpResponse> => await callUpstream(this.options.http, {
      method: override.method ?? call.request.method,
      url,
      headers: passedRequestHeaders(call.request.headers, { 'x-auth-token': token }),
      body
    }, { text })
    let response = await send(session.token)
    if (response.status === 401 && (typeof body === 'string' || body === null)) {
      // The cloudlet no longer takes the cached session (its Keystone restarted, the token was
      // revoked there): log in again once.
      this.options.sessions.invalidate(call.auth)
      response = await send((await this.options.sessions.session(call.auth)).token)
    }
    this.#learn(call, response)
    return response
  }

  async asCloudletAdmin (call: ProxyCall, method: string, path: string, body: string | null): Promise<HttpResponse> {
    const session = await this.options.sessions.session(call.auth)
    const rewriter = this.#rewriter(call.publicBase)
    const send = async (token: string): Promise<HttpResponse> => await callUpstream(this.options.http, {
      method,
      url: `${this.options.cloudletRoots[call.service]}${path}`,
      headers: { 'x-auth-token': token, accept: 'application/json', 'openstack-api-version': 'compute 2.55', ...(body === null ? {} : { 'content-type': 'application/json' }) },
      body: body === null ? null : session.toLocal(body)
    }, { text: text => rewriter.rewriteText(session.toGlobal(text)) })
    const token = await this.options.cloudletAdmin.token()
    const response = await send(token)
    if (response.status !== 401) return response
    this.options.cloudletAdmin.invalidate(token)
    return await send(await this.options.cloudletAdmin.token())
  }

  async rawLocal (call: ProxyCall, method: string, path: string, search: string, body: string | null, as: 'caller' | 'admin'): Promise<{ status: number, text: string }> {
    const session = await this.options.sessions.session(call.auth)
    const send = async (token: string): Promise<HttpResponse> => await callUpstream(this.options.http, {
      method,
      url: `${this.options.cloudletRoots.network}${path}${session.toLocal(search)}`,
      headers: { 'x-auth-token': token, accept: 'application/json', ...(body === null ? {} : { 'content-type': 'application/json' }) },
      body: body === null ? null : session.toLocal(body)
    }, { text: text => text })
    let response: HttpResponse
    if (as === 'caller') {
      response = await send(session.token)
    } else {
      const token = await this.options.cloudletAdmin.token()
      response = await send(token)
      if (response.status === 401) {
        this.options.cloudletAdmin.invalidate(token)
        response = await send(await this.options.cloudletAdmin.token())
      }
    }
    return { status: response.status, text: bodyText(response) }
  }

  /** The call made at another agent, which serves it from its own cloudlet; null when that agent cannot be reached. */
  async forwardTo (agent: AgentRef, call: ProxyCall, options: ForwardOptions): Promise<HttpResponse | ForwardFailure> {
    const passed = (call.request.headers[VISITED_HEADER] ?? '').split(',')
    if (agent.id === this.options.self.id || passed.includes(agent.id)) return { failed: 'loop' }
    const method = options.method ?? call.request.method
    const prefix = SERVICE_PREFIXES.find(([, s]) => s === call.service)?.[0] ?? ''
    const target = `${prefix}${options.path ?? call.path}${options.search ?? call.search}`
    const directive = this.options.forward.headers({
      from: this.options.self.id,
      to: agent.id,
      mode: options.mode,
      ...(options.reservationId === undefined ? {} : { reservationId: options.reservationId }),
      publicBase: call.publicBase,
      method,
      target
    })
    const visited = [call.request.headers[VISITED_HEADER], this.options.self.id].filter(v => v !== undefined && v !== '').join(',')
    const headers = passedRequestHeaders(call.request.headers, { ...directive, [VISITED_HEADER]: visited, 'x-auth-token': call.auth.token })
    let body: string | HttpRequest['body'] = options.body ?? (options.method === undefined ? call.request.body : null)
    if (typeof body !== 'string' && body !== null && isJson(call.request.headers['content-type'])) body = new TextDecoder().decode(await readBody(body, MAX_JSON_BODY_BYTES))
    const timeoutMs = options.timeoutMs ?? this.options.forwardTimeoutMs
    const controller = new AbortController()
    const timer = setTimeout(() => { controller.abort() }, timeoutMs)
    try {
      return await callUpstream(this.options.http, { method, url: `${agent.address}${target}`, headers, body, signal: controller.signal }, { text: text => text })
    } catch (error) {
      const failed = controller.signal.aborted ? 'timeout' : 'unreachable'
      this.#warnOnce(`forward:${agent.id}:${failed}`, { agent: agent.id, target, failed, err: (error as Error).message }, 'another agent did not answer')
      return { failed }
    } finally {
      clearTimeout(timer)
    }
  }

  /** Remembers where the servers in a response of this agent's cloudlet are, and who holds a user's keypairs. */
  #learn (call: ProxyCall, response: HttpResponse): void {
    if (response.status >= 300) return
    if (call.service === 'image') {
      learnImage(this, call, response)
      return
    }
    if (call.service === 'network') {
      learnNetworkAnswer(this, call, response)
      return
    }
    if (call.service !== 'compute') return
    const routeName = call.route?.name
    if (routeName === 'keypairs:create' || routeName === 'keypairs:delete') {
      this.#learnKeypairs(call, routeName)
      return
    }
    if (routeName === 'flavors:create') {
      this.options.footprint.add(FLAVORS_FOOTPRINT_KEY)
      return
    }
    if (typeof response.body !== 'string') return
    if (routeName !== 'servers:create' && routeName !== 'servers:show' && routeName !== 'servers:list' && routeName !== 'servers:detail') return
    // A list another agent asked for is recorded by that agent, which merges it; this agent's own
    // servers are in its store already (own-cloudlet-index.ts, creates, its own lists).
    if (call.directive !== null && routeName !== 'servers:create' && routeName !== 'servers:show') return
    // The hot path (a show of a server already recorded here) needs no parse.
    const shown = call.params.server_id
    if (routeName === 'servers:show' && shown !== undefined && this.options.locations.get(shown)?.agent.id === this.options.self.id) return
    let parsed: { server?: { id?: unknown, tenant_id?: unknown, created?: unknown }, servers?: Array<{ id?: unknown, tenant_id?: unknown, created?: unknown }> }
    try {
      parsed = JSON.parse(response.body)
    } catch {
      return
    }
    const servers = parsed.server !== undefined ? [parsed.server] : parsed.servers ?? []
    const projectId = call.auth.project?.id ?? null
    for (const server of servers) {
      if (typeof server.id !== 'string') continue
      const known = this.options.locations.get(server.id)
      if (known !== null && known.agent.id === this.options.self.id) continue
      this.options.locations.put(server.id, 'server', {
        agent: this.options.self,
        projectId: typeof server.tenant_id === 'string' ? server.tenant_id : projectId,
        createdAt: typeof server.created === 'string' ? server.created : null
      })
    }
    if (routeName === 'servers:create' && projectId !== null) {
      this.options.footprint.add(projectId)
      // Nova made the server's ports here.
      const key = networkFootprintKey(projectId)
      if (key !== null) this.options.footprint.add(key)
    }
  }

  /** A keypair made here puts this agent in its user's footprint; the user's last one gone here takes it out. */
  #learnKeypairs (call: ProxyCall, routeName: 'keypairs:create' | 'keypairs:delete'): void {
    const key = userFootprintKey(call.auth.userId)
    if (key === null || new URLSearchParams(call.search).has('user_id')) return
    if (routeName === 'keypairs:create') {
      this.options.footprint.add(key)
      return
    }
    this.serveLocally(getCall(call, '/v2.1/os-keypairs', null), { method: 'GET' }).then(list => {
      if (list.status === 200 && /"keypairs"\s*:\s*\[\s*\]/.test(bodyText(list))) this.options.footprint.withdraw(key)
    }).catch((error: unknown) => { this.options.logger.warn({ err: (error as Error).message }, 'could not check the keypairs left here') })
  }

  async #landed (call: ProxyCall, response: HttpResponse, reservationId: string): Promise<void> {
    try {
      await this.options.scheduler.landed(reservationId)
    } catch (error) {
      this.options.logger.warn({ err: error, reservationId, status: response.status, path: call.path }, 'could not give a reservation back')
    }
  }

  /**
   * A compute call with the microversion it asks for made explicit: 'latest' becomes the highest
   * that every cloudlet honours, so that the call means the same wherever it lands; a version
   * outside that range is refused here as Nova refuses it (406), whichever cloudlet would serve it.
   */
  #pinComputeVersion (request: HttpRequest): HttpRequest {
    const standard = request.headers['openstack-api-version']
    const legacy = request.headers[LEGACY_VERSION_HEADER]
    if (standard === undefined && legacy === undefined) return request
    const text = formatMicroversion(requestedMicroversion(request.headers, 'compute', this.computeRange(), LEGACY_VERSION_HEADER))
    const headers = { ...request.headers }
    if (standard !== undefined) headers['openstack-api-version'] = `compute ${text}`
    if (legacy !== undefined) headers[LEGACY_VERSION_HEADER] = text
    return { ...request, headers }
  }

  async #unauthenticated (request: HttpRequest, service: ProxiedService, relative: string, publicBase: string): Promise<HttpResponse> {
    const url = `${this.options.cloudletRoots[service]}${relative}${request.url.search}`
    const rewriter = this.#rewriter(publicBase)
    // Version documents say the range every cloudlet honours, not this cloudlet's.
    const range = service === 'compute' ? this.computeRange() : null
    try {
      return await callUpstream(this.options.http, { method: request.method, url, headers: passedRequestHeaders(request.headers, {}), body: null }, {
        text: text => range === null ? rewriter.rewriteText(text) : withComputeRange(rewriter.rewriteText(text), range)
      })
    } catch (error) {
      this.#warnOnce('unauthenticated-call', { err: (error as Error).message, url }, 'own cloudlet unavailable')
      return renderProxyFault(service, new ServiceUnavailable(`The cloudlet behind agent ${this.options.self.id} is not reachable; try again later.`), { request, identityUrl: `${publicBase}/identity`, requestId: '' })
    }
  }

  #rewriter (publicBase: string): UrlRewriter {
    let rewriter = this.#rewriters.get(publicBase)
    if (rewriter === undefined) {
      if (this.#rewriters.size >= 64) this.#rewriters.clear()
      rewriter = urlRewriter(SERVICE_PREFIXES.map(([prefix, service]) => ({ from: this.options.cloudletRoots[service], to: `${publicBase}${prefix}` })))
      this.#rewriters.set(publicBase, rewriter)
    }
    return rewriter
  }

  /** Logs a warning of this kind at most once a minute, so that a stream of bad input does not flood the log. */
  #warnOnce (kind: string, details: Record<string, unknown>, message: string): void {
    const now = this.options.clock.nowMs()
    const last = this.#warned.get(kind)
    if (last !== undefined && now - last < WARN_INTERVAL_MS) return
    if (this.#warned.size >= 256) this.#warned.clear()
    this.#warned.set(kind, now)
    this.options.logger.warn(details, message)
  }

  #publicBase (request: HttpRequest): string {
    if (this.options.publicUrl !== null) return this.options.publicUrl
    return `${request.url.protocol}//${request.url.host}`
  }

  #failure (call: ProxyCall, error: unknown): HttpResponse {
    const context = { request: call.request, identityUrl: `${call.publicBase}/identity`, requestId: '' }
    if (error instanceof CloudletSessionError) {
      if (error.status === 401) return { status: 401, headers: { 'content-type': 'application/json' }, body: UNAUTHENTICATED }
      this.options.logger.warn({ err: error.message, path: call.path }, 'own cloudlet unavailable')
      return renderProxyFault(call.service, new ServiceUnavailable(`The cloudlet behind agent ${this.options.self.id} is not reachable; try again later.`), context)
    }
    if (error instanceof OpenStackFault) return renderProxyFault(call.service, error, context)
    this.options.logger.error({ err: error, path: call.path, method: call.request.method }, 'proxy failed')
    return renderProxyFault(call.service, new OpenStackFault(500, 'An unexpected error occurred in the p2pstack agent.'), context)
  }
}
