/**
 * The emulated nova-scheduler: the hosts of the cloudlet (one Placement resource provider
 * each) filtered by what the request needs — room for the flavor (Placement's capacity), a
 * forced host, same_host/different_host hints — and weighed as Nova's default RAM weigher
 * does, spreading servers to the host with the most free RAM (ties by host name).
 */
import type { ResourceProviderRow, Resources } from '../../openstack/placement/model.ts'
import type { PlacementState } from '../placement/placement-state.ts'
import type { ComputeState } from './compute-state.ts'

export interface ScheduleRequest {
  readonly resources: Resources
  readonly forcedHost: string | null
  readonly sameHostServers: readonly string[]
  readonly differentHostServers: readonly string[]
}

export function pickHost (placement: PlacementState, state: ComputeState, request: ScheduleRequest): ResourceProviderRow | null {
  const hostsOf = (ids: readonly string[]): Set<string> =>
    new Set(ids.map(id => state.servers.get(id)?.host).filter((h): h is string => h !== null && h !== undefined))
  const same = request.sameHostServers.length > 0 ? hostsOf(request.sameHostServers) : null
  const different = hostsOf(request.differentHostServers)
  let best: ResourceProviderRow | null = null
  let bestFreeRam = Number.NEGATIVE_INFINITY
  for (const provider of placement.providerList()) {
    if (request.forcedHost !== null && provider.name !== request.forcedHost) continue
    if (same !== null && !same.has(provider.name)) continue
    if (different.has(provider.name)) continue
    if (!placement.fits(provider, request.resources)) continue
    const freeRam = placement.freeOf(provider).MEMORY_MB
    if (freeRam > bestFreeRam) {
      best = provider
      bestFreeRam = freeRam
    }
  }
  return best
}

/** What a flavor asks of Placement: DISK_GB is root + ephemeral + swap (rounded up to GB), as Nova requests it. */
export function flavorResources (flavor: { vcpus: number, ramMb: number, diskGb: number, ephemeralGb: number, swapMb: number }): Resources {
  return { VCPU: flavor.vcpus, MEMORY_MB: flavor.ramMb, DISK_GB: flavor.diskGb + flavor.ephemeralGb + Math.ceil(flavor.swapMb / 1024) }
}
