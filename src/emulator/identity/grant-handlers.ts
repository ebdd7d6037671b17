/**
 * Role grants: /v3/{projects|domains}/{id}/{users|groups}/{id}/roles[/{role_id}], one set of
 * handlers for the four combinations (list, grant, check with GET or HEAD, revoke). Revoking a
 * role a token relies on takes effect at once, as tokens resolve their roles when validated;
 * the revocation is also reported (TokenService.revokeGrant, Keystone's revoke_by_grant), so
 * that a provider whose tokens carry their roles publishes it.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { NotFound } from '../../openstack/faults.ts'
import type { AssignmentType } from '../../openstack/identity/model.ts'
import { collectionLinks, roleView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { requireAdmin } from './identity-deps.ts'

type TargetKind = 'project' | 'domain'
type ActorKind = 'user' | 'group'

export function grantHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  return {
    ...grants(deps, 'project', 'user'),
    ...grants(deps, 'project', 'group'),
    ...grants(deps, 'domain', 'user'),
    ...grants(deps, 'domain', 'group')
  }
}

function grants (deps: IdentityDeps, targetKind: TargetKind, actorKind: ActorKind): Record<string, RouteHandler> {
  const { state } = deps
  const type = `${actorKind === 'user' ? 'User' : 'Group'}${targetKind === 'project' ? 'Project' : 'Domain'}` as AssignmentType

  const target = (context: RequestContext): string => {
    if (targetKind === 'project') {
      const id = context.param('project_id')
      if (!state.projects.has(id)) throw new NotFound(`Could not find project: ${id}.`)
      return id
    }
    const id = context.param('domain_id')
    if (!state.domains.has(id)) throw new NotFound(`Could not find domain: ${id}.`)
    return id
  }
  const actor = (context: RequestContext): string => {
    if (actorKind === 'user') {
      const id = context.param('user_id')
      if (!state.users.has(id)) throw new NotFound(`Could not find user: ${id}.`)
      return id
    }
    const id = context.param('group_id')
    if (!state.groups.has(id)) throw new NotFound(`Could not find group: ${id}.`)
    return id
  }
  const role = (context: RequestContext): string => {
    const id = context.param('role_id')
    if (!state.roles.has(id)) throw new NotFound(`Could not find role: ${id}.`)
    return id
  }
  const notFound = (roleId: string, actorId: string, targetId: string): NotFound =>
    new NotFound(`Could not find role assignment with role: ${roleId}, user or group: ${actorId}, project, domain, or system: ${targetId}.`)
  const prefix = `grants:${targetKind}-${actorKind}`

  return {
    [`${prefix}:list`]: context => {
      requireAdmin(context, 'list_grants')
      const targetId = target(context)
      const actorId = actor(context)
      const roles = state.assignments.filter(a => a.type === type && a.actorId === actorId && a.targetId === targetId)
        .map(a => state.roles.get(a.roleId)).filter(r => r !== undefined)
      return jsonResponse(200, {
        roles: roles.map(r => roleView(r, context.serviceUrl)),
        links: collectionLinks(`${context.request.url.origin}${context.request.url.pathname}`)
      })
    },
    [`${prefix}:create`]: context => {
      requireAdmin(context, 'create_grant')
      const targetId = target(context)
      const actorId = actor(context)
      state.grant(type, actorId, targetId, role(context))
      return emptyResponse(204)
    },
    [`${prefix}:check`]: context => {
      requireAdmin(context, 'check_grant')
      const targetId = target(context)
      const actorId = actor(context)
      const roleId = role(context)
      if (state.assignments.find(a => a.type === type && a.actorId === actorId && a.targetId === targetId && a.roleId === roleId) === undefined) {
        throw notFound(roleId, actorId, targetId)
      }
      return emptyResponse(204)
    },
    [`${prefix}:delete`]: context => {
      requireAdmin(context, 'revoke_grant')
      const targetId = target(context)
      const actorId = actor(context)
      const roleId = role(context)
      if (!state.revoke(type, actorId, targetId, roleId)) throw notFound(roleId, actorId, targetId)
      const users = actorKind === 'user' ? [actorId] : state.memberships.filter(m => m.groupId === actorId).map(m => m.userId)
      for (const userId of users) deps.tokens.revokeGrant(userId, targetKind === 'project' ? targetId : null, roleId)
      return emptyResponse(204)
    }
  }
}
