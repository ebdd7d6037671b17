/**
 * The messages of placement, between agents (added beside Cyclon's; kinds are only ever added,
 * and an agent ignores a kind it does not know):
 *
 * - SampleWalk / SampleFound: sampling candidates uniformly from the live agents, not only from
 *   the requester's own cache. A walk hops `hopsLeft` times to a random entry of each agent's
 *   Cyclon cache; where it ends, an agent that meets the walk's filter reports itself to the
 *   origin. One that does not passes the walk on, up to `extraHopsLeft` more hops.
 * - LoadQuery / LoadReport: the fresh load of a candidate, for a given request, at the moment
 *   of the decision (not the load piggybacked on cache entries: stale load makes "least loaded"
 *   herd). The round trip also measures the RTT for the latency requirement. A candidate that
 *   fits holds the request's resources for a moment (`holdId`), so that placements deciding at
 *   the same time see each other's pending demand instead of all picking the same idle
 *   cloudlet; the requester turns the winner's hold into a reservation and releases the others.
 * - Reserve / ReserveReply: the chosen candidate holds the capacity until the create completes
 *   (or `ttlMs` passes), so concurrent placements see it as load and do not herd onto it.
 * - Release: the requester gives a reservation or a hold back (the create landed or failed, or
 *   the candidate was not chosen).
 */
import type { AgentId, PeerDescriptor } from '../cyclon/peer-descriptor.ts'
import type { CloudletLoad } from './cloudlet-load.ts'
import type { ResourceAmounts } from './placement-request.ts'

export const PLACEMENT_PROTOCOL_VERSION = 1

/** The static requirements a walk carries, checked where it ends (cloudlet metadata and identity). */
export interface WalkFilter {
  readonly availabilityZone?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly notAgents?: readonly AgentId[]
}

export interface SampleWalk {
  readonly kind: 'SampleWalk'
  readonly walkId: number
  readonly origin: { readonly id: AgentId, readonly address: string }
  readonly hopsLeft: number
  readonly extraHopsLeft: number
  readonly filter?: WalkFilter
}

export interface SampleFound {
  readonly kind: 'SampleFound'
  readonly walkId: number
  readonly candidate: PeerDescriptor
}

export interface LoadQuery {
  readonly kind: 'LoadQuery'
  readonly queryId: number
  readonly resources: ResourceAmounts
}

export interface LoadReport {
  readonly kind: 'LoadReport'
  readonly queryId: number
  /** Placement's load, with this agent's reservations already added to `used`. */
  readonly load: CloudletLoad
  readonly fits: boolean
  /** utilizationAfter(load, reservations, resources): the figure compared. */
  readonly utilization: number
  /** The short hold taken for this request when it fits: Reserve it or Release it. */
  readonly holdId?: string
}

export interface Reserve {
  readonly kind: 'Reserve'
  readonly reserveId: number
  readonly resources: ResourceAmounts
  readonly ttlMs: number
  /** The hold the candidate's LoadReport gave, which this reservation replaces. */
  readonly holdId?: string
}

export interface ReserveReply {
  readonly kind: 'ReserveReply'
  readonly reserveId: number
  /** Absent when refused: the capacity is no longer there. */
  readonly reservationId?: string
}

export interface Release {
  readonly kind: 'Release'
  readonly reservationId: string
}

export type PlacementMessage = SampleWalk | SampleFound | LoadQuery | LoadReport | Reserve | ReserveReply | Release

export type PlacementMessageKind = PlacementMessage['kind']

export const PLACEMENT_MESSAGE_KINDS: readonly PlacementMessageKind[] = ['SampleWalk', 'SampleFound', 'LoadQuery', 'LoadReport', 'Reserve', 'ReserveReply', 'Release']
