/**
 * One client call as the parts of the service proxy see it (ProxyCall), and what those parts
 * may ask of the proxy (ProxyContext): serve a call from this agent's own cloudlet, forward it
 * to another agent, find a server. The parts (server-create.ts, server-list.ts,
 * server-locator.ts) depend on this, not on service-proxy.ts, so the dependencies go one way.
 */
import type { HttpRequest, HttpResponse } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import type { AuthContext } from '../openstack/identity/auth-context.ts'
import type { MicroversionRange } from '../openstack/microversion.ts'
import type { RouteSpec } from '../openstack/route-table.ts'
import type { ForwardDirective } from './forwarded-call.ts'
import type { ImageStoreClient } from './image-store-client.ts'
import type { NetworkIds } from './network-ids.ts'
import type { AgentRef, Footprint, Locations, ResourceLocation, Scheduler } from './proxy-ports.ts'

export type ProxiedService = 'compute' | 'image' | 'network'

export interface ProxyCall {
  readonly request: HttpRequest
  readonly service: ProxiedService
  /** Path relative to the service prefix, and the query, e.g. '/v2.1/servers/detail' and '?limit=5'. */
  readonly path: string
  readonly search: string
  readonly route: RouteSpec | null
  readonly params: Readonly<Record<string, string>>
  readonly auth: AuthContext
  /** The base URL the client called (links point there). */
  readonly publicBase: string
  /** The signed directive, for a call another agent forwarded. */
  readonly directive: ForwardDirective | null
}

export interface ForwardOptions {
  readonly mode: 'local' | 'placed'
  readonly reservationId?: string
  /** Overrides of the call's method, path (relative to the service prefix), query and body. */
  readonly method?: string
  readonly path?: string
  readonly search?: string
  readonly body?: string
  readonly timeoutMs?: number
}

export interface ForwardFailure {
  readonly failed: 'unreachable' | 'timeout' | 'loop'
}

export function isForwardFailure (value: HttpResponse | ForwardFailure): value is ForwardFailure {
  return 'failed' in value
}

export interface LocalOverrides {
  readonly method?: string
  readonly body?: string
}

export interface ProxyContext {
  readonly self: AgentRef
  readonly locations: Locations
  readonly footprint: Footprint
  readonly scheduler: Scheduler
  readonly logger: Logger
  readonly listTimeoutMs: number
  /** The image store of the services node; null when the agent has none (images stay per cloudlet). */
  readonly imageStore: ImageStoreClient | null
  /** The global network objects' ids in this cloudlet (copies, default groups, rules; network-ids.ts). */
  readonly networkIds: NetworkIds
  /** The call's JSON body as text (read once; empty when it has none). */
  bodyOf(call: ProxyCall): Promise<string>
  /**
   * A network call to the own cloudlet, as the caller or as the cloudlet's admin, whose answer
   * is left as the cloudlet gave it (local ids: copies are made and mapped from it); the body's
   * and query's global ids are translated for the cloudlet.
   */
  rawLocal(call: ProxyCall, method: string, path: string, search: string, body: string | null, as: 'caller' | 'admin'): Promise<{ status: number, text: string }>
  /** The compute microversions every cloudlet honours (the range clients are told and held to). */
  computeRange(): MicroversionRange
  /**
   * A call to the own cloudlet as its admin (copying global objects in): the body's global ids
   * are translated for the cloudlet as for the caller's session, the answer's back.
   */
  asCloudletAdmin(call: ProxyCall, method: string, path: string, body: string | null): Promise<HttpResponse>
  /** The call as this agent's own cloudlet answers it, for the caller. */
  serveLocally(call: ProxyCall, overrides?: LocalOverrides): Promise<HttpResponse>
  /**
   * The call made at another agent, which serves it from its own cloudlet; or why there is no
   * answer: the agent could not be reached (nothing was done there), it did not answer in time
   * (something may have been done), or it is one the call already passed through.
   */
  forwardTo(agent: AgentRef, call: ProxyCall, options: ForwardOptions): Promise<HttpResponse | ForwardFailure>
  /** Where a server is (store, own cloudlet, footprint, overlay view); null when nobody has it. */
  locate(call: ProxyCall, serverId: string): Promise<ResourceLocation | null>
  /** Counts a create's placement: how long the decision took, and where it went. */
  recordPlacement(decisionMs: number, outcome: 'placed' | 'no-valid-host'): void
}

/** What the proxy counts for operators and benchmarks. */
export interface ProxyStats {
  placed: number
  noValidHost: number
  /** The decision times of the latest placements (at most RECENT_DECISIONS), oldest first. */
  readonly recentDecisionsMs: number[]
}

export const RECENT_DECISIONS = 10_000

/** The same call, made as a GET of another path (a lookup on the caller's behalf). */
export function getCall (call: ProxyCall, path: string, route: RouteSpec | null, search = ''): ProxyCall {
  return { ...call, route, path, search, request: { ...call.request, method: 'GET', body: null } }
}

export const SERVER_SHOW_ROUTE: RouteSpec = { method: 'GET', path: '/v2.1/servers/{server_id}', name: 'servers:show', kind: 'by-id' }
