/**
 * POST /servers through the agent: read the request's flavor and hints, let the scheduler pick
 * a cloudlet (power of two choices over the overlay, issue 4), and have that cloudlet's agent
 * create the server ("placed" directive, with the reservation it gives back once its cloudlet
 * accepted the create). The location is recorded here too, so a show through this agent goes
 * straight to the right place.
 *
 * A cloudlet that refuses the create for its quota (Nova's quotas are per cloudlet) is left out
 * and the create placed again; the client gets the 403 only when no cloudlet has room.
 *
 * What the scheduler cannot place is left to this agent's own cloudlet, whose Nova answers as
 * Nova does (a server in ERROR with "No valid host was found", or 400 for a zone it does not
 * know). A body that is not a valid create is also passed to the own cloudlet, so the client
 * gets Nova's own 400.
 */
import { readBody } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import type { ForwardFailure } from './proxy-call.ts'
import { flavorSizesFromView } from '../openstack/compute/flavors/flavor-resources.ts'
import type { FlavorSizes } from '../openstack/compute/flavors/flavor-resources.ts'
import { LEGACY_VERSION_HEADER } from '../openstack/compute/microversions.ts'
import { serverPlacementHints } from '../openstack/compute/server-placement-hints.ts'
import { OpenStackFault } from '../openstack/faults.ts'
import { requestedMicroversion } from '../openstack/microversion.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { PlacementRequest } from '../protocol/placement/placement-request.ts'
import { remoteFlavor } from './flavors.ts'
import { materializeFor } from './materialize.ts'
import { networkCall } from './network-copies.ts'
import { networkHolders } from './network-holders.ts'
import { askAgents } from './peer-fan-out.ts'
import type { AgentRef } from './proxy-ports.ts'
import { placementRequestFromCreate } from './placement-request-from-create.ts'
import { cloudletUnavailableFault, renderProxyFault } from '../proxy/proxy-faults.ts'
import { getCall, isForwardFailure } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import { bodyText, MAX_JSON_BODY_BYTES } from './upstream-call.ts'

export async function createServer (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const options = proxy
  const text = call.request.body === null ? '' : new TextDecoder().decode(await readBody(call.request.body, MAX_JSON_BODY_BYTES))
  const local = async (): Promise<HttpResponse> => await proxy.serveLocally(call, { body: text })
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return await local()
  }
  const version = requestedMicroversion(call.request.headers, 'compute', proxy.computeRange(), LEGACY_VERSION_HEADER)
  let hints: ReturnType<typeof serverPlacementHints>
  try {
    hints = serverPlacementHints(body, version)
  } catch (error) {
    if (error instanceof OpenStackFault) return await local()
    throw error
  }
  const flavor = await flavorOf(proxy, call, hints.flavorId)
  if (flavor === null) return await local()
  const plan = await placementRequestFromCreate(hints, flavor, {
    server: async id => {
      const location = options.locations.get(id) ?? await proxy.locate(call, id)
      return location === null ? null : agentId(location.agent.id)
    }
  })
  if (plan.kind === 'no-valid-host') return await local()
  // A port lives in one cloudlet: a server given one is created there.
  const portAgent = await portsAgent(proxy, call, body)
  if (portAgent === 'unknown') return await local()
  const pinned = <R extends PlacementRequest | null>(request: R): R =>
    request === null || portAgent === null ? request : { ...request, requirements: { ...request.requirements, sameAgent: agentId(portAgent.id) } }
  const first = pinned(plan.request)
  const fallback = pinned(plan.fallback)
  const excluded: string[] = []
  // The plan's request, its soft-policy fallback, then the request again (or more tries while
  // cloudlets refuse for their quota): each try excludes the agents that could not take it.
  const tries = [first, fallback, fallback ?? first, first, first, first]
  let refusedForQuota: HttpResponse | null = null
  for (const [attempt, request] of tries.entries()) {
    if (request === null) continue
    if (attempt >= 3 && refusedForQuota === null) break
    const outcome = await options.scheduler.place(withExcluded(request, excluded))
    proxy.recordPlacement(outcome.decisionMs, outcome.kind)
    if (outcome.kind !== 'placed') continue
    const target = { id: outcome.agent.id, address: outcome.agent.address }
    let response: HttpResponse | ForwardFailure
    if (target.id === options.self.id) {
      try {
        response = await proxy.serveLocally(call, { body: await materializeFor(proxy, call, text) })
      } finally {
        await options.scheduler.landed(outcome.reservationId).catch(() => {})
      }
    } else {
      response = await proxy.forwardTo(target, call, { mode: 'placed', reservationId: outcome.reservationId, body: text })
    }
    if (isForwardFailure(response)) {
      // Not reached: nothing was created there, so another agent may be chosen. No answer in
      // time: the server may exist there, so trying elsewhere could make two; say so instead.
      if (response.failed === 'timeout') return renderProxyFault('compute', cloudletUnavailableFault({ resource: 'server', agentId: target.id }), { request: call.request, identityUrl: `${call.publicBase}/identity`, requestId: '' })
      excluded.push(target.id)
      continue
    }
    if (isQuotaRefusal(response)) {
      // Quotas are still per cloudlet: this one's is used up for the project, another may have room.
      refusedForQuota = response
      excluded.push(target.id)
      continue
    }
    if (target.id === options.self.id) return response
    recordCreated(proxy, call, response, target)
    return response
  }
  return refusedForQuota ?? await local()
}

/**
 * The agent whose cloudlet holds the ports a create names (location store, own cloudlet, the
 * network holders); null when it names none, 'unknown' when no agent has one (Nova answers).
 */
async function portsAgent (proxy: ProxyContext, call: ProxyCall, body: unknown): Promise<AgentRef | null | 'unknown'> {
  const networks = (body as { server?: { networks?: unknown } } | null)?.server?.networks
  const ports = Array.isArray(networks) ? networks.map(n => (n as { port?: unknown } | null)?.port).filter((p): p is string => typeof p === 'string' && p !== '') : []
  const port = ports[0]
  if (port === undefined) return null
  const known = proxy.locations.get(port)
  if (known !== null) return known.agent
  const path = `/v2.0/ports/${encodeURIComponent(port)}`
  if ((await proxy.rawLocal(call, 'GET', path, '', null, 'caller')).status === 200) return proxy.self
  for (const { agent, response } of await askAgents(proxy, networkCall(call, 'GET', path), networkHolders(proxy, call), { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (!isForwardFailure(response) && response.status === 200) {
      proxy.locations.put(port, 'ports', { agent, projectId: call.auth.project?.id ?? null, createdAt: null })
      return agent
    }
  }
  return 'unknown'
}

/** Nova's 403 for a create beyond the project's quota in that cloudlet. */
function isQuotaRefusal (response: HttpResponse): boolean {
  return response.status === 403 && /Quota exceeded/i.test(bodyText(response))
}

async function flavorOf (proxy: ProxyContext, call: ProxyCall, flavorId: string): Promise<FlavorSizes | null> {
  const response = await proxy.serveLocally(getCall(call, `/v2.1/flavors/${encodeURIComponent(flavorId)}`, null), { method: 'GET' })
  if (response.status === 404) {
    // Made through another agent and not copied here yet: as a holder shows it.
    const remote = await remoteFlavor(proxy, call, flavorId)
    try {
      return remote === null ? null : flavorSizesFromView({ flavor: remote.flavor }, remote.extraSpecs)
    } catch {
      return null
    }
  }
  if (response.status !== 200) return null
  try {
    const view = JSON.parse(bodyText(response)) as { flavor?: { extra_specs?: unknown } }
    if (view.flavor?.extra_specs !== undefined) return flavorSizesFromView(view)
    const specs = await proxy.serveLocally(getCall(call, `/v2.1/flavors/${encodeURIComponent(flavorId)}/os-extra_specs`, null), { method: 'GET' })
    const extra = specs.status === 200 ? (JSON.parse(bodyText(specs)) as { extra_specs?: Record<string, string> }).extra_specs : undefined
    return flavorSizesFromView(view, extra ?? {})
  } catch {
    return null
  }
}

function withExcluded (request: PlacementRequest, excluded: readonly string[]): PlacementRequest {
  if (excluded.length === 0) return request
  const notAgents = [...(request.requirements?.notAgents ?? []), ...excluded.map(agentId)]
  return { ...request, requirements: { ...request.requirements, notAgents } }
}

function recordCreated (proxy: ProxyContext, call: ProxyCall, response: HttpResponse, agent: { id: string, address: string }): void {
  if (response.status !== 202) return
  try {
    const id = (JSON.parse(bodyText(response)) as { server?: { id?: unknown } }).server?.id
    if (typeof id === 'string') proxy.locations.put(id, 'server', { agent, projectId: call.auth.project?.id ?? null, createdAt: null })
  } catch {
    // Not JSON: nothing to record; the client gets the answer as it is.
  }
}
