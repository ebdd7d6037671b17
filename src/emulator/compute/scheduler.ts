/**
 * The emulated nova-scheduler: Placement's allocation candidates (the hosts of the cloudlet,
 * one resource provider each, with room for the flavor), then the filters the request asks
 * for — a forced host, same_host/different_host hints, the zone — and weighing as Nova's
 * default RAM weigher does, spreading servers to the host with the most free RAM (ties by host
 * name). When nothing is left it says why, since Nova words the two cases differently: no
 * candidates at all, or candidates that the filters ruled out (servers/scheduling-faults.ts).
 */
import { flavorPlacementResources } from '../../openstack/compute/flavors/flavor-resources.ts'
import type { NoValidHostReason } from '../../openstack/compute/servers/scheduling-faults.ts'
import type { ResourceProviderRow, Resources } from '../../openstack/placement/model.ts'
import type { PlacementState } from '../placement/placement-state.ts'
import type { ComputeState } from './compute-state.ts'

export interface ScheduleRequest {
  readonly resources: Resources
  readonly forcedHost: string | null
  readonly sameHostServers: readonly string[]
  readonly differentHostServers: readonly string[]
  /** False when the request names a zone this cloudlet is not in (Nova's AvailabilityZoneFilter). */
  readonly zoneMatches?: boolean
}

export type ScheduleResult =
  | { readonly provider: ResourceProviderRow, readonly reason: null }
  | { readonly provider: null, readonly reason: NoValidHostReason }

export function pickHost (placement: PlacementState, state: ComputeState, request: ScheduleRequest): ScheduleResult {
  const candidates = placement.providerList().filter(provider => placement.fits(provider, request.resources))
  if (candidates.length === 0) return { provider: null, reason: 'no-capacity' }
  const hostsOf = (ids: readonly string[]): Set<string> =>
    new Set(ids.map(id => state.servers.get(id)?.host).filter((h): h is string => h !== null && h !== undefined))
  const same = request.sameHostServers.length > 0 ? hostsOf(request.sameHostServers) : null
  const different = hostsOf(request.differentHostServers)
  let best: ResourceProviderRow | null = null
  let bestFreeRam = Number.NEGATIVE_INFINITY
  for (const provider of candidates) {
    if (request.zoneMatches === false) continue
    if (request.forcedHost !== null && provider.name !== request.forcedHost) continue
    if (same !== null && !same.has(provider.name)) continue
    if (different.has(provider.name)) continue
    const freeRam = placement.freeOf(provider).MEMORY_MB
    if (freeRam > bestFreeRam) {
      best = provider
      bestFreeRam = freeRam
    }
  }
  return best === null ? { provider: null, reason: 'filtered' } : { provider: best, reason: null }
}

/** What a flavor asks of Placement, as Nova requests it (openstack/compute/flavors/flavor-resources.ts). */
export function flavorResources (flavor: { vcpus: number, ramMb: number, diskGb: number, ephemeralGb: number, swapMb: number, extraSpecs: Readonly<Record<string, string>> }): Resources {
  return flavorPlacementResources({ ...flavor, rootGb: flavor.diskGb })
}
