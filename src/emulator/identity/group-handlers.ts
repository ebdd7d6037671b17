/**
 * Keystone's groups: CRUD on /v3/groups, membership (/v3/groups/{group_id}/users[/{user_id}])
 * and a user's groups (/v3/users/{user_id}/groups, which also lists the memberships a federated
 * login made, with their expiry). Policies are Keystone's with enforce_scope off: admin for
 * everything, and a user may list their own groups. A user who leaves a group, and the members
 * of a deleted group that had roles, lose their tokens, as in Keystone.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { hexId } from '../../core/ids.ts'
import { BadRequest, Conflict, NotFound } from '../../openstack/faults.ts'
import type { GroupRow, UserRow } from '../../openstack/identity/model.ts'
import { groupCreateSchema, groupUpdateSchema } from '../../openstack/identity/schemas.ts'
import { collectionLinks, groupView, userView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { checkMember, memberOf, requireAdmin, requireAdminOrOwner } from './identity-deps.ts'

const GROUP_KEYS = new Set(['id', 'name', 'domain_id', 'description', 'links'])

function extraOf (body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !GROUP_KEYS.has(key)))
}

function membershipId (groupId: string, userId: string): string {
  return `${groupId}:${userId}`
}

export function groupHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state, tokens } = deps
  const url = (context: RequestContext): string => context.serviceUrl

  const groupOr404 = (id: string): GroupRow => {
    const g = state.groups.get(id)
    if (g === undefined) throw new NotFound(`Could not find group: ${id}.`)
    return g
  }
  const userOr404 = (id: string): UserRow => {
    const u = state.users.get(id)
    if (u === undefined) throw new NotFound(`Could not find user: ${id}.`)
    return u
  }
  const duplicate = (name: string, domainId: string): Conflict =>
    new Conflict(`Conflict occurred attempting to store group - Duplicate entry found with name ${name} at domain ID ${domainId}.`)
  const notMember = (userId: string, groupId: string): NotFound => new NotFound(`User '${userId}' not found in group '${groupId}'`)

  return {
    'groups:list': context => {
      requireAdmin(context, 'list_groups')
      const q = context.query
      const groups = [...state.groups.values()].filter(g =>
        (q.get('name') === null || g.name === q.get('name')) && (q.get('domain_id') === null || g.domainId === q.get('domain_id')))
      return jsonResponse(200, { groups: groups.map(g => groupView(g, url(context))), links: collectionLinks(`${url(context)}/v3/groups`) })
    },

    'groups:create': async context => {
      requireAdmin(context, 'create_group')
      const raw = await memberOf(context, 'group')
      const body = checkMember(groupCreateSchema, raw)
      const domainId = body.domain_id ?? context.auth.domain?.id ?? context.auth.project?.domainId ?? context.auth.userDomainId
      if (!state.domains.has(domainId)) throw new NotFound(`Could not find domain: ${domainId}.`)
      if (state.groupByName(body.name, domainId) !== undefined) throw duplicate(body.name, domainId)
      const row: GroupRow = {
        id: hexId(deps.random),
        name: body.name,
        domainId,
        description: body.description ?? null,
        extra: extraOf(raw as Record<string, unknown>)
      }
      state.groups.put(row)
      return jsonResponse(201, { group: groupView(row, url(context)) })
    },

    'groups:show': context => {
      requireAdmin(context, 'get_group')
      return jsonResponse(200, { group: groupView(groupOr404(context.param('group_id')), url(context)) })
    },

    'groups:update': async context => {
      requireAdmin(context, 'update_group')
      const g = groupOr404(context.param('group_id'))
      const raw = await memberOf(context, 'group')
      const body = checkMember(groupUpdateSchema, raw)
      if (body.domain_id !== undefined && body.domain_id !== g.domainId) throw new BadRequest('Cannot change Domain ID')
      const name = body.name ?? g.name
      if (name !== g.name && state.groupByName(name, g.domainId) !== undefined) throw duplicate(name, g.domainId)
      const row: GroupRow = {
        ...g,
        name,
        description: body.description === undefined ? g.description : body.description,
        extra: { ...g.extra, ...extraOf(raw as Record<string, unknown>) }
      }
      state.groups.put(row)
      return jsonResponse(200, { group: groupView(row, url(context)) })
    },

    'groups:delete': context => {
      requireAdmin(context, 'delete_group')
      const g = groupOr404(context.param('group_id'))
      const hadRoles = state.assignments.find(a => a.actorId === g.id && a.type.startsWith('Group')) !== undefined
      const members = state.memberships.filter(m => m.groupId === g.id).map(m => m.userId)
      state.transaction(() => {
        for (const a of state.assignments.filter(a => a.actorId === g.id && a.type.startsWith('Group'))) state.assignments.delete(a.id)
        for (const m of state.memberships.filter(m => m.groupId === g.id)) state.memberships.delete(m.id)
        for (const m of state.expiringMemberships.filter(m => m.groupId === g.id)) state.expiringMemberships.delete(m.id)
        state.groups.delete(g.id)
      })
      state.changed()
      if (hadRoles) for (const userId of members) tokens.revokeUser(userId)
      return emptyResponse(204)
    },

    'groups:users': context => {
      requireAdmin(context, 'list_users_in_group')
      const g = groupOr404(context.param('group_id'))
      const q = context.query
      const users = state.memberships.filter(m => m.groupId === g.id)
        .map(m => state.users.get(m.userId)).filter(u => u !== undefined)
        .filter(u => (q.get('name') === null || u.name === q.get('name')) && (q.get('domain_id') === null || u.domainId === q.get('domain_id')))
      return jsonResponse(200, { users: users.map(u => userView(u, url(context))), links: collectionLinks(`${url(context)}/v3/groups/${g.id}/users`) })
    },

    'groups:add-user': context => {
      requireAdmin(context, 'add_user_to_group')
      const g = groupOr404(context.param('group_id'))
      const u = userOr404(context.param('user_id'))
      const id = membershipId(g.id, u.id)
      if (!state.memberships.has(id)) {
        state.memberships.put({ id, groupId: g.id, userId: u.id })
        state.changed()
      }
      return emptyResponse(204)
    },

    'groups:check-user': context => {
      requireAdmin(context, 'check_user_in_group')
      const g = groupOr404(context.param('group_id'))
      const u = userOr404(context.param('user_id'))
      if (!state.groupIdsOf(u.id).includes(g.id)) throw notMember(u.id, g.id)
      return emptyResponse(204)
    },

    'groups:remove-user': context => {
      requireAdmin(context, 'remove_user_from_group')
      const groupId = context.param('group_id')
      const userId = context.param('user_id')
      const id = membershipId(groupId, userId)
      if (!state.memberships.has(id)) {
        groupOr404(groupId)
        userOr404(userId)
        throw notMember(userId, groupId)
      }
      state.memberships.delete(id)
      state.changed()
      tokens.revokeUser(userId)
      return emptyResponse(204)
    },

    'users:groups': context => {
      const u = userOr404(context.param('user_id'))
      requireAdminOrOwner(context, u.id, 'list_groups_for_user')
      const name = context.query.get('name')
      const views: unknown[] = []
      const seen = new Set<string>()
      for (const m of state.memberships.filter(m => m.userId === u.id)) {
        const g = state.groups.get(m.groupId)
        if (g === undefined || seen.has(g.id) || (name !== null && g.name !== name)) continue
        seen.add(g.id)
        views.push(groupView(g, url(context)))
      }
      const now = deps.clock.wallClockMs()
      for (const m of state.expiringMemberships.filter(m => m.userId === u.id)) {
        const g = state.groups.get(m.groupId)
        const expiresAtMs = state.membershipExpiresAtMs(m)
        if (g === undefined || expiresAtMs <= now || (name !== null && g.name !== name)) continue
        views.push(groupView(g, url(context), expiresAtMs))
      }
      return jsonResponse(200, { groups: views, links: collectionLinks(`${url(context)}/v3/users/${u.id}/groups`) })
    }
  }
}
