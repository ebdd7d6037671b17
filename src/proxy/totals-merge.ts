/**
 * Totals that one cloud reports and each cloudlet knows only its part of: the hypervisor
 * statistics (every cloudlet's hosts added up) and the used counts of the absolute limits (a
 * project's servers, cores, RAM and server groups in every cloudlet added up; the maxima are
 * the own cloudlet's, since quotas are still per cloudlet).
 */

type Wire = Readonly<Record<string, unknown>>

const STATISTICS = ['count', 'vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used', 'local_gb_used', 'free_ram_mb', 'free_disk_gb', 'current_workload', 'running_vms', 'disk_available_least'] as const

/** GET /os-hypervisors/statistics: `hypervisor_statistics` of each cloudlet, summed field by field. */
export function sumHypervisorStatistics (parts: readonly Wire[]): { hypervisor_statistics: Record<string, number> } {
  const total: Record<string, number> = {}
  for (const key of STATISTICS) {
    if (!parts.some(p => typeof p[key] === 'number')) continue
    total[key] = parts.reduce((sum, p) => sum + (typeof p[key] === 'number' ? p[key] : 0), 0)
  }
  return { hypervisor_statistics: total }
}

/** GET /limits: the own answer's `limits.absolute` with every `total…Used` summed over all parts (the own first). */
export function sumAbsoluteLimits (own: Wire, others: readonly Wire[]): Record<string, unknown> {
  const limits = own.limits as Wire | undefined
  const absolute = limits?.absolute as Wire | undefined
  if (absolute === undefined) return own
  const summed: Record<string, unknown> = { ...absolute }
  for (const [key, value] of Object.entries(absolute)) {
    if (!/^total\w*Used$/.test(key) || typeof value !== 'number') continue
    summed[key] = others.reduce((sum, other) => {
      const part = ((other.limits as Wire | undefined)?.absolute as Wire | undefined)?.[key]
      return sum + (typeof part === 'number' ? part : 0)
    }, value)
  }
  return { ...own, limits: { ...limits, absolute: summed } }
}
