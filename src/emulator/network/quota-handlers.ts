/**
 * Neutron's quotas extension (quotasv2, quota_details, quota-check-limit): limits per project
 * with Neutron's defaults, usage counted from the rows a project owns, updates by admins
 * refused when they would fall below what is already used (unless forced).
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { isPlainObject, prepareRequestBody } from '../../openstack/network/attributes.ts'
import { httpBadRequest, neutronFault, policyNotAuthorized } from '../../openstack/network/faults.ts'
import { QUOTA_RESOURCES } from '../../openstack/network/model.ts'
import type { QuotaResource } from '../../openstack/network/model.ts'
import { QUOTA_ATTRIBUTES } from '../../openstack/network/schemas.ts'
import type { RouteHandler } from '../service-host.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { callerOf, policyRule } from './network-deps.ts'
import { DEFAULT_QUOTAS } from './network-state.ts'

export function quotaHandlers (deps: NetworkDeps): Record<string, RouteHandler> {
  const { state } = deps

  const limitsOf = (projectId: string): Record<QuotaResource, number> =>
    Object.fromEntries(QUOTA_RESOURCES.map(r => [r, state.quotaLimit(projectId, r)])) as Record<QuotaResource, number>

  /** Reading another project's quota needs admin (policy get_quota). */
  const mayRead = (caller: Caller, projectId: string): void => {
    if (!caller.isAdmin && caller.projectId !== projectId) throw policyNotAuthorized(policyRule('get_quota', []))
  }

  const requireAdmin = (caller: Caller, action: string): void => {
    if (!caller.isAdmin) throw policyNotAuthorized(policyRule(action, []))
  }

  const projectKey = (key: 'project' | 'tenant'): RouteHandler => context => {
    const caller = callerOf(context)
    if (caller.projectId === null) throw neutronFault(400, 'QuotaMissingTenant', 'Tenant-id was missing from quota request.')
    return jsonResponse(200, { [key]: { [`${key}_id`]: caller.projectId } })
  }

  return {
    'quotas:list': context => {
      const caller = callerOf(context)
      const rows = state.quotas.filter(q => caller.isAdmin || q.id === caller.projectId)
      return jsonResponse(200, { quotas: rows.map(q => ({ ...limitsOf(q.id), project_id: q.id, tenant_id: q.id })) })
    },
    'quotas:project': projectKey('project'),
    'quotas:tenant': projectKey('tenant'),
    'quotas:show': context => {
      const projectId = context.param('project_id')
      mayRead(callerOf(context), projectId)
      return jsonResponse(200, { quota: limitsOf(projectId) })
    },
    'quotas:default': context => {
      const projectId = context.param('project_id')
      mayRead(callerOf(context), projectId)
      return jsonResponse(200, { quota: { ...DEFAULT_QUOTAS } })
    },
    'quotas:details': context => {
      const projectId = context.param('project_id')
      mayRead(callerOf(context), projectId)
      const quota = Object.fromEntries(QUOTA_RESOURCES.map(r => [r, { limit: state.quotaLimit(projectId, r), used: state.usage(projectId, r), reserved: 0 }]))
      return jsonResponse(200, { quota })
    },
    'quotas:update': async context => {
      const caller = callerOf(context)
      const projectId = context.param('project_id')
      const body = await context.jsonBody()
      requireAdmin(caller, 'update_quota')
      let force = false
      if (isPlainObject(body) && isPlainObject(body.quota)) {
        force = body.quota.force === true
        const { force: _force, check_limit: _checkLimit, ...rest } = body.quota
        body.quota = rest
      }
      const prepared = prepareRequestBody(body, {
        resource: 'quota', collection: 'quotas', attributes: QUOTA_ATTRIBUTES, isCreate: false, projectId: caller.projectId, isAdmin: true
      })
      const changes = (prepared.items[0] ?? {}) as Partial<Record<QuotaResource, number>>
      if (!force) {
        for (const [resource, limit] of Object.entries(changes) as Array<[QuotaResource, number]>) {
          const used = state.usage(projectId, resource)
          if (limit !== -1 && used > limit) {
            throw httpBadRequest(`Quota limit ${limit} for ${resource} must be greater than or equal to already used ${used}`)
          }
        }
      }
      state.atomically(() => {
        const current = state.quotas.get(projectId)?.limits ?? {}
        state.quotas.put({ id: projectId, limits: { ...current, ...changes } })
      })
      return jsonResponse(200, { quota: limitsOf(projectId) })
    },
    'quotas:delete': context => {
      requireAdmin(callerOf(context), 'delete_quota')
      state.atomically(() => { state.quotas.delete(context.param('project_id')) })
      return emptyResponse(204)
    }
  }
}
