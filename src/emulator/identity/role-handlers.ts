/**
 * Keystone's role APIs: roles, implied roles (/v3/roles/{id}/implies, /v3/role_inferences) and
 * role assignments, including the `effective` view that expands group grants into the
 * members' and adds implied roles, as `openstack role assignment list --effective` shows.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { hexId } from '../../core/ids.ts'
import { BadRequest, Conflict, Forbidden, NotFound } from '../../openstack/faults.ts'
import type { AssignmentRow, RoleRow } from '../../openstack/identity/model.ts'
import { roleCreateSchema, roleUpdateSchema } from '../../openstack/identity/schemas.ts'
import { collectionLinks, roleBriefView, roleView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { forbidden, requireAdmin } from './identity-deps.ts'

/** Keystone's [assignment] prohibited_implied_role. */
const PROHIBITED_IMPLIED_ROLES = ['admin']

export function roleHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state } = deps
  const url = (context: RequestContext): string => context.serviceUrl
  const roleOr404 = (id: string): RoleRow => {
    const r = state.roles.get(id)
    if (r === undefined) throw new NotFound(`Could not find role: ${id}.`)
    return r
  }
  const inference = (context: RequestContext, prior: RoleRow, implies: RoleRow | RoleRow[], self: string): unknown => ({
    role_inference: {
      prior_role: roleBriefView(prior, url(context)),
      implies: Array.isArray(implies) ? implies.map(r => roleBriefView(r, url(context))) : roleBriefView(implies, url(context))
    },
    links: { self }
  })
  const impliedPair = (context: RequestContext): { prior: RoleRow, implied: RoleRow, id: string } => {
    const prior = roleOr404(context.param('role_id'))
    const implied = roleOr404(context.param('implied_role_id'))
    return { prior, implied, id: `${prior.id}:${implied.id}` }
  }
  const requireImplication = (prior: RoleRow, implied: RoleRow, id: string): void => {
    if (!state.impliedRoles.has(id)) throw new NotFound(`${prior.id} does not imply ${implied.id}.`)
  }

  return {
    'roles:list': context => {
      requireAdmin(context, 'list_roles')
      const name = context.query.get('name')
      const roles = [...state.roles.values()].filter(r => name === null || r.name === name)
      return jsonResponse(200, { roles: roles.map(r => roleView(r, url(context))), links: collectionLinks(`${url(context)}/v3/roles`) })
    },
    'roles:create': async context => {
      requireAdmin(context, 'create_role')
      const { role: body } = await context.body(roleCreateSchema)
      if (state.roles.find(r => r.name.toLowerCase() === body.name.toLowerCase() && r.domainId === (body.domain_id ?? null)) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store role - Duplicate entry found with name ${body.name}.`)
      }
      const row: RoleRow = { id: hexId(deps.random), name: body.name, domainId: body.domain_id ?? null, description: body.description ?? null }
      state.roles.put(row)
      state.changed()
      return jsonResponse(201, { role: roleView(row, url(context)) })
    },
    'roles:show': context => {
      requireAdmin(context, 'get_role')
      return jsonResponse(200, { role: roleView(roleOr404(context.param('role_id')), url(context)) })
    },
    'roles:update': async context => {
      requireAdmin(context, 'update_role')
      const r = roleOr404(context.param('role_id'))
      const { role: body } = await context.body(roleUpdateSchema)
      const row: RoleRow = { ...r, name: body.name ?? r.name, description: body.description === undefined ? r.description : body.description }
      state.roles.put(row)
      state.changed()
      return jsonResponse(200, { role: roleView(row, url(context)) })
    },
    'roles:delete': context => {
      requireAdmin(context, 'delete_role')
      const r = roleOr404(context.param('role_id'))
      // As Keystone does, a deleted role takes with it the application credentials of everyone who
      // held it on a project, there.
      for (const a of state.assignments.filter(a => a.roleId === r.id && a.type === 'UserProject')) {
        for (const c of state.applicationCredentials.filter(c => c.userId === a.actorId && c.projectId === a.targetId)) deps.applicationCredentials.delete(c.id)
      }
      for (const a of state.assignments.filter(a => a.roleId === r.id)) state.assignments.delete(a.id)
      for (const i of state.impliedRoles.filter(i => i.priorRoleId === r.id || i.impliedRoleId === r.id)) state.impliedRoles.delete(i.id)
      state.roles.delete(r.id)
      state.changed()
      return emptyResponse(204)
    },
    'roles:inferences': context => {
      requireAdmin(context, 'list_role_inference_rules')
      const byPrior = new Map<string, string[]>()
      for (const rule of state.impliedRoles.values()) byPrior.set(rule.priorRoleId, [...(byPrior.get(rule.priorRoleId) ?? []), rule.impliedRoleId])
      const brief = (id: string): unknown => {
        const r = state.roles.get(id)
        return { id, name: r?.name ?? id, links: { self: `${url(context)}/v3/roles/${id}` } }
      }
      return jsonResponse(200, {
        role_inferences: [...byPrior].map(([prior, implies]) => ({ prior_role: brief(prior), implies: implies.map(brief) })),
        links: collectionLinks(`${url(context)}/v3/role_inferences`)
      })
    },

    'implied-roles:list': context => {
      requireAdmin(context, 'list_implied_roles')
      const prior = roleOr404(context.param('role_id'))
      const implied = state.impliedRoles.filter(i => i.priorRoleId === prior.id)
        .map(i => state.roles.get(i.impliedRoleId)).filter(r => r !== undefined)
      return jsonResponse(200, inference(context, prior, implied, `${url(context)}/v3/roles/${prior.id}/implies`))
    },
    'implied-roles:create': context => {
      requireAdmin(context, 'create_implied_role')
      const { prior, implied, id } = impliedPair(context)
      if (PROHIBITED_IMPLIED_ROLES.includes(implied.name) || (prior.domainId === null && implied.domainId !== null)) {
        throw new Forbidden(`${implied.id} cannot be an implied roles.`)
      }
      if (state.impliedRoles.has(id)) throw new Conflict('Conflict occurred attempting to store implied_role - Duplicate entry.')
      state.impliedRoles.put({ id, priorRoleId: prior.id, impliedRoleId: implied.id })
      state.changed()
      return jsonResponse(201, inference(context, prior, implied, `${url(context)}/v3/roles/${prior.id}/implies/${implied.id}`))
    },
    'implied-roles:show': context => {
      requireAdmin(context, 'get_implied_role')
      const { prior, implied, id } = impliedPair(context)
      requireImplication(prior, implied, id)
      return jsonResponse(200, inference(context, prior, implied, `${url(context)}/v3/roles/${prior.id}/implies/${implied.id}`))
    },
    'implied-roles:check': context => {
      requireAdmin(context, 'check_implied_role')
      const { prior, implied, id } = impliedPair(context)
      requireImplication(prior, implied, id)
      return emptyResponse(204)
    },
    'implied-roles:delete': context => {
      requireAdmin(context, 'delete_implied_role')
      const { prior, implied, id } = impliedPair(context)
      requireImplication(prior, implied, id)
      state.impliedRoles.delete(id)
      state.changed()
      return emptyResponse(204)
    },

    'role-assignments:list': context => roleAssignments(deps, context)
  }
}

interface ListedAssignment {
  readonly row: AssignmentRow
  /** For an effective assignment: the member the group grant reached. */
  readonly userId?: string
  /** For an implied role: the role that implied it. */
  readonly priorRoleId?: string
}

function roleAssignments (deps: IdentityDeps, context: RequestContext): ReturnType<RouteHandler> {
  const { state } = deps
  const url = context.serviceUrl
  const q = context.query
  const userId = q.get('user.id')
  const selfOnly = userId !== null && userId === context.auth.userId
  if (!context.isAdmin && !selfOnly) throw forbidden('list_role_assignments')
  const projectId = q.get('scope.project.id')
  const domainId = q.get('scope.domain.id')
  const roleId = q.get('role.id')
  const groupId = q.get('group.id')
  const names = q.has('include_names')
  const effective = q.has('effective')
  if (effective && groupId !== null) throw new BadRequest('Combining effective and group filter will always result in an empty list.')
  let listed: ListedAssignment[] = [...state.assignments.values()].map(row => ({ row }))
  if (effective) listed = expandEffective(deps, listed)
  const rows = listed.filter(({ row: a, userId: member }) =>
    (userId === null || (member ?? (a.type.startsWith('User') ? a.actorId : null)) === userId) &&
    (groupId === null || (a.type.startsWith('Group') && a.actorId === groupId)) &&
    (projectId === null || (a.type.endsWith('Project') && a.targetId === projectId)) &&
    (domainId === null || (a.type.endsWith('Domain') && a.targetId === domainId)) &&
    (roleId === null || a.roleId === roleId))
  const views = rows.map(({ row: a, userId: member, priorRoleId }) => {
    const actorIsUser = member !== undefined || a.type.startsWith('User')
    const actorKey = actorIsUser ? 'user' : 'group'
    const actorId = member ?? a.actorId
    const actor: Record<string, unknown> = { id: actorId }
    const role: Record<string, unknown> = { id: a.roleId }
    const scope: Record<string, unknown> = {}
    if (names) {
      const r = state.roles.get(a.roleId)
      if (r !== undefined) role.name = r.name
      const u = actorIsUser ? state.users.get(actorId) : state.groups.get(actorId)
      if (u !== undefined) {
        actor.name = u.name
        const d = state.domains.get(u.domainId)
        actor.domain = { id: u.domainId, ...(d !== undefined ? { name: d.name } : {}) }
      }
    }
    if (a.type.endsWith('Project')) {
      const p = state.projects.get(a.targetId)
      scope.project = names && p !== undefined ? { id: p.id, name: p.name, domain: { id: p.domainId, name: state.domains.get(p.domainId)?.name } } : { id: a.targetId }
    } else if (a.type.endsWith('Domain')) {
      const d = state.domains.get(a.targetId)
      scope.domain = names && d !== undefined ? { id: d.id, name: d.name } : { id: a.targetId }
    } else {
      scope.system = { all: true }
    }
    const target = a.type.endsWith('Project') ? `projects/${a.targetId}` : a.type.endsWith('Domain') ? `domains/${a.targetId}` : 'system'
    const granted = a.type.startsWith('User') ? 'users' : 'groups'
    const links: Record<string, string> = { assignment: `${url}/v3/${target}/${granted}/${a.actorId}/roles/${priorRoleId ?? a.roleId}` }
    if (member !== undefined && a.type.startsWith('Group')) links.membership = `${url}/v3/groups/${a.actorId}/users/${member}`
    if (priorRoleId !== undefined) links.prior_role = `${url}/v3/roles/${priorRoleId}`
    return { [actorKey]: actor, role, scope, links }
  })
  return jsonResponse(200, { role_assignments: views, links: collectionLinks(`${url}/v3/role_assignments`) })
}

/** Group grants become one grant per member; every role brings the roles it implies. */
function expandEffective (deps: IdentityDeps, listed: readonly ListedAssignment[]): ListedAssignment[] {
  const { state } = deps
  const members = new Map<string, string[]>()
  for (const user of state.users.values()) for (const g of state.groupIdsOf(user.id)) members.set(g, [...(members.get(g) ?? []), user.id])
  const out: ListedAssignment[] = []
  for (const item of listed) {
    const viaGroup = item.row.type.startsWith('Group') ? (members.get(item.row.actorId) ?? []).map(u => ({ row: item.row, userId: u })) : [item]
    for (const grant of viaGroup) {
      out.push(grant)
      for (const implied of state.withImpliedRoles([grant.row.roleId])) {
        if (implied === grant.row.roleId) continue
        out.push({ ...grant, row: { ...grant.row, roleId: implied }, priorRoleId: grant.row.roleId })
      }
    }
  }
  return out
}
