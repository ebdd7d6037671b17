/**
 * Nova's counted quotas: the limits of a project (its own overrides over the defaults) and
 * what it uses now — instances, cores and RAM counted from its live servers, key pairs from
 * the user's keypairs — and the check that refuses a request over the limit with Nova's message.
 */
import { Forbidden } from '../../openstack/faults.ts'
import { DEFAULT_QUOTAS } from '../../openstack/compute/model.ts'
import type { QuotaKey } from '../../openstack/compute/model.ts'
import type { ComputeState, ServerUsage } from './compute-state.ts'

export function quotaLimits (state: ComputeState, projectId: string): Record<QuotaKey, number> {
  return { ...DEFAULT_QUOTAS, ...state.quotas.get(projectId)?.limits }
}

export function serverUsage (state: ComputeState, projectId: string): ServerUsage {
  return state.usageOf(projectId)
}

/**
 * How many servers of the given size (up to `wanted`) fit in the project's quota; throws
 * Nova's 403 when fewer than `minimum` do.
 */
export function serversAllowedByQuota (state: ComputeState, projectId: string, size: { vcpus: number, ramMb: number }, minimum: number, wanted: number): number {
  const limits = quotaLimits(state, projectId)
  const used = serverUsage(state, projectId)
  const headroom = (limit: number, inUse: number, each: number): number =>
    limit < 0 || each === 0 ? Number.POSITIVE_INFINITY : Math.floor((limit - inUse) / each)
  const allowed = Math.min(
    wanted,
    headroom(limits.instances, used.instances, 1),
    headroom(limits.cores, used.cores, size.vcpus),
    headroom(limits.ram, used.ram, size.ramMb)
  )
  if (allowed >= minimum) return allowed
  const over: Array<[string, number, number, number]> = []
  if (limits.cores >= 0 && used.cores + minimum * size.vcpus > limits.cores) over.push(['cores', minimum * size.vcpus, used.cores, limits.cores])
  if (limits.instances >= 0 && used.instances + minimum > limits.instances) over.push(['instances', minimum, used.instances, limits.instances])
  if (limits.ram >= 0 && used.ram + minimum * size.ramMb > limits.ram) over.push(['ram', minimum * size.ramMb, used.ram, limits.ram])
  const names = over.map(o => o[0]).join(', ')
  throw new Forbidden(`Quota exceeded for ${names}: Requested ${over.map(o => o[1]).join(', ')}, but already used ${over.map(o => o[2]).join(', ')} of ${over.map(o => o[3]).join(', ')} ${names}`)
}
