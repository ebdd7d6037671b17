/**
 * os-simple-tenant-usage across cloudlets: each cloudlet knows only its own servers, so the
 * agent asks every cloudlet (of the project's footprint, or all for the admin's list) with the
 * client's start/end/detailed and adds the answers up per project — total hours and the vcpu,
 * memory and disk usage summed, server_usages concatenated (each instance once, by started_at
 * then instance_id), start and stop as the cloudlets gave them (the same query). Paging of
 * usages (limit/marker from 2.40) is not re-applied across cloudlets.
 */
import { comparatorOf } from './sort-order.ts'

export type WireUsage = Readonly<Record<string, unknown>>

const TOTALS = ['total_hours', 'total_vcpus_usage', 'total_memory_mb_usage', 'total_local_gb_usage'] as const

function mergeUsagesOfOneProject (usages: readonly WireUsage[]): Record<string, unknown> {
  const first = usages[0] ?? {}
  const merged: Record<string, unknown> = { ...first }
  for (const key of TOTALS) merged[key] = usages.reduce((sum, u) => sum + (typeof u[key] === 'number' ? u[key] : 0), 0)
  if (usages.some(u => Array.isArray(u.server_usages))) {
    const seen = new Set<unknown>()
    const servers: WireUsage[] = []
    for (const u of usages) {
      for (const s of (Array.isArray(u.server_usages) ? u.server_usages : []) as WireUsage[]) {
        if (seen.has(s.instance_id)) continue
        seen.add(s.instance_id)
        servers.push(s)
      }
    }
    merged.server_usages = servers.sort(comparatorOf<WireUsage>([
      { value: s => s.started_at, descending: false },
      { value: s => s.instance_id, descending: false }
    ]))
  }
  return merged
}

/** GET /os-simple-tenant-usage: the cloudlets' `tenant_usages`, one entry per project (by tenant_id). */
export function mergeTenantUsageLists (lists: ReadonlyArray<readonly WireUsage[]>): { tenant_usages: Array<Record<string, unknown>> } {
  const byProject = new Map<string, WireUsage[]>()
  for (const list of lists) {
    for (const usage of list) {
      const project = String(usage.tenant_id)
      const group = byProject.get(project)
      if (group === undefined) byProject.set(project, [usage])
      else group.push(usage)
    }
  }
  const projects = [...byProject.keys()].sort()
  return { tenant_usages: projects.map(p => mergeUsagesOfOneProject(byProject.get(p) ?? [])) }
}

/** GET /os-simple-tenant-usage/{project_id}: the cloudlets' `tenant_usage` ({} where the project had no server). */
export function mergeTenantUsage (usages: readonly WireUsage[]): { tenant_usage: Record<string, unknown> } {
  const present = usages.filter(u => Object.keys(u).length > 0)
  return { tenant_usage: present.length === 0 ? {} : mergeUsagesOfOneProject(present) }
}
