/**
 * What the Nova handlers share: state, the other services they call in process (Placement,
 * Neutron through ComputeNetworking, Glance through ComputeImages), the ports and settings,
 * and two helpers every handler needs — finding a server the caller may see, and policy.
 */
import type { Clock, Hashing, KeyGenerator, Logger, Random } from '../../core/ports.ts'
import { Forbidden, NotFound } from '../../openstack/faults.ts'
import type { ServerRow } from '../../openstack/compute/model.ts'
import type { ComputeImages } from '../image/compute-images.ts'
import type { ComputeNetworking } from '../network/compute-networking.ts'
import type { PlacementState } from '../placement/placement-state.ts'
import type { RequestContext } from '../request-context.ts'
import type { ComputeState } from './compute-state.ts'
import type { ServerLifecycle } from './server-lifecycle.ts'
import type { ServerListCache } from './server-list-cache.ts'
import type { ServerViewCache } from './server-view-cache.ts'

export interface ComputeSettings {
  readonly availabilityZone: string
  readonly transitionDelayMs: number
}

export interface ComputeDeps {
  readonly state: ComputeState
  readonly placement: PlacementState
  readonly network: ComputeNetworking
  readonly images: ComputeImages
  readonly lifecycle: ServerLifecycle
  readonly views: ServerViewCache
  readonly lists: ServerListCache
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly keys: KeyGenerator
  readonly logger: Logger
  readonly settings: ComputeSettings
}

/** Nova's policy failure. */
export function policyForbids (rule: string): Forbidden {
  return new Forbidden(`Policy doesn't allow ${rule} to be performed.`)
}

export function requireAdmin (context: RequestContext, rule: string): void {
  if (!context.isAdmin) throw policyForbids(rule)
}

/** The caller's project; a token without one cannot use compute. */
export function callerProject (context: RequestContext): string {
  const project = context.auth.project
  if (project === null) throw new Forbidden('Project-scoped token required.')
  return project.id
}

/** A live server the caller may see (own project, or any as admin); 404 as Nova says otherwise. */
export function findServer (deps: ComputeDeps, context: RequestContext, id = context.param('server_id')): ServerRow {
  const server = deps.state.servers.get(id)
  if (server === undefined || server.vmState === 'deleted' || (!context.isAdmin && server.projectId !== context.auth.project?.id)) {
    throw new NotFound(`Instance ${id} could not be found.`)
  }
  return server
}
