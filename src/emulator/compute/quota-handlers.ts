/**
 * Quota sets and limits: GET os-quota-sets/{project} (own project, or any as admin), /detail
 * with in_use, /defaults, admin PUT and DELETE; GET /limits with the absolute limits and what
 * the project uses. Keys follow the microversion (network keys go at 2.36, injected files at 2.57).
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest } from '../../openstack/faults.ts'
import { DEFAULT_QUOTAS, QUOTA_KEYS } from '../../openstack/compute/model.ts'
import type { QuotaKey } from '../../openstack/compute/model.ts'
import { quotaUpdateSchema } from '../../openstack/compute/quotas/schemas.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import type { Microversion } from '../../openstack/microversion.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { callerProject, policyForbids, requireAdmin } from './compute-deps.ts'
import { quotaLimits, serverUsage } from './quota-usage.ts'

const LEGACY_NETWORK_QUOTAS = { fixed_ips: -1, floating_ips: -1, security_groups: -1, security_group_rules: -1, networks: -1 }

function keysFor (version: Microversion): QuotaKey[] {
  return QUOTA_KEYS.filter(k => !(k.startsWith('injected_') && isAtLeast(version, '2.57')))
}

export function quotaHandlers (deps: ComputeDeps): Record<string, RouteHandler> {
  const { state } = deps
  const targetProject = (context: RequestContext): string => {
    const projectId = context.param('project_id')
    if (!context.isAdmin && projectId !== context.auth.project?.id) throw policyForbids('os_compute_api:os-quota-sets:show')
    return projectId
  }
  /** In use: servers counted per project; key pairs per user (the caller), as Nova counts them. */
  const usageOf = (projectId: string, userId: string): Record<string, number> => {
    const used = serverUsage(state, projectId)
    return { instances: used.instances, cores: used.cores, ram: used.ram, key_pairs: state.keypairs.filter(k => k.userId === userId).length }
  }
  const quotaSet = (context: RequestContext, projectId: string, values: Record<string, unknown>): Record<string, unknown> => {
    const set: Record<string, unknown> = { id: projectId }
    for (const key of keysFor(context.microversion)) set[key] = values[key]
    if (!isAtLeast(context.microversion, '2.36')) Object.assign(set, LEGACY_NETWORK_QUOTAS)
    return set
  }

  return {
    'quota-sets:show': context => {
      const projectId = targetProject(context)
      return jsonResponse(200, { quota_set: quotaSet(context, projectId, quotaLimits(state, projectId)) })
    },
    'quota-sets:detail': context => {
      const projectId = targetProject(context)
      const limits = quotaLimits(state, projectId)
      const used = usageOf(projectId, context.auth.userId)
      const detailed: Record<string, unknown> = {}
      for (const key of keysFor(context.microversion)) detailed[key] = { limit: limits[key], in_use: used[key] ?? 0, reserved: 0 }
      const set = quotaSet(context, projectId, detailed)
      if (!isAtLeast(context.microversion, '2.36')) {
        for (const key of Object.keys(LEGACY_NETWORK_QUOTAS)) set[key] = { limit: -1, in_use: 0, reserved: 0 }
      }
      return jsonResponse(200, { quota_set: set })
    },
    'quota-sets:defaults': context => jsonResponse(200, { quota_set: quotaSet(context, context.param('project_id'), DEFAULT_QUOTAS) }),
    'quota-sets:update': async context => {
      requireAdmin(context, 'os_compute_api:os-quota-sets:update')
      const projectId = context.param('project_id')
      const { quota_set: body } = await context.body(quotaUpdateSchema(context.microversion))
      const current = quotaLimits(state, projectId)
      const used = usageOf(projectId, context.auth.userId)
      const force = body.force !== undefined && ['true', '1', 'yes', 'on'].includes(String(body.force).toLowerCase())
      const limits: Partial<Record<QuotaKey, number>> = { ...state.quotas.get(projectId)?.limits }
      for (const key of QUOTA_KEYS) {
        const value = (body as Record<string, unknown>)[key]
        if (value === undefined) continue
        const n = Number(value)
        if (!force && n >= 0 && (used[key] ?? 0) > n) {
          throw new BadRequest(`Quota limit ${n} for ${key} must be greater than or equal to already used and reserved ${used[key] ?? 0}.`)
        }
        limits[key] = n
      }
      state.quotas.put({ id: projectId, limits })
      return jsonResponse(200, { quota_set: quotaSet(context, projectId, { ...current, ...limits }) })
    },
    'quota-sets:delete': context => {
      requireAdmin(context, 'os_compute_api:os-quota-sets:delete')
      state.quotas.delete(context.param('project_id'))
      return emptyResponse(202)
    },
    'limits:show': context => {
      const requested = context.query.get('tenant_id')
      let projectId = callerProject(context)
      if (requested !== null && requested !== projectId) {
        if (!context.isAdmin) throw policyForbids('os_compute_api:limits:other_project')
        projectId = requested
      }
      const limits = quotaLimits(state, projectId)
      const used = serverUsage(state, projectId)
      const absolute: Record<string, number> = {
        maxTotalInstances: limits.instances,
        maxTotalCores: limits.cores,
        maxTotalRAMSize: limits.ram,
        maxTotalKeypairs: limits.key_pairs,
        maxServerMeta: limits.metadata_items,
        maxServerGroups: limits.server_groups,
        maxServerGroupMembers: limits.server_group_members,
        totalInstancesUsed: used.instances,
        totalCoresUsed: used.cores,
        totalRAMUsed: used.ram,
        totalServerGroupsUsed: 0
      }
      if (!isAtLeast(context.microversion, '2.57')) {
        absolute.maxImageMeta = limits.metadata_items
        absolute.maxPersonality = limits.injected_files
        absolute.maxPersonalitySize = limits.injected_file_content_bytes
      }
      if (!isAtLeast(context.microversion, '2.36')) {
        Object.assign(absolute, { maxSecurityGroups: -1, maxSecurityGroupRules: -1, maxTotalFloatingIps: -1, totalSecurityGroupsUsed: 0, totalFloatingIpsUsed: 0 })
      }
      return jsonResponse(200, { limits: { rate: [], absolute } })
    }
  }
}
