/**
 * Keystone's resource APIs: domains, projects, users, roles, grants and role assignments, and
 * the read-only catalog (services, endpoints, regions). Policies are Keystone's defaults as a
 * project admin meets them (enforce_scope off): admin may do everything; others may read
 * themselves, their own project and the regions.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { hexId } from '../../core/ids.ts'
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from '../../openstack/faults.ts'
import type { AssignmentType, DomainRow, ProjectRow, RoleRow, UserRow } from '../../openstack/identity/model.ts'
import {
  changePasswordSchema, domainCreateSchema, domainUpdateSchema, projectCreateSchema, projectUpdateSchema,
  roleCreateSchema, roleUpdateSchema, userCreateSchema, userUpdateSchema
} from '../../openstack/identity/schemas.ts'
import {
  collectionLinks, domainView, endpointView, projectView, regionView, roleView, serviceView, userView
} from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { forbidden, publicBaseUrl, requireAdmin } from './identity-deps.ts'

const EXTRA_EXCLUDED = new Set(['id', 'name', 'domain_id', 'parent_id', 'description', 'enabled', 'is_domain', 'tags', 'options', 'links', 'password', 'default_project_id'])

function extraOf (body: Record<string, unknown>): Record<string, unknown> {
  const extra: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) if (!EXTRA_EXCLUDED.has(key)) extra[key] = value
  return extra
}

/** Keystone's list filters: exact name, domain_id, enabled. */
function filterByQuery<T extends { readonly name: string, readonly enabled?: boolean, readonly domainId?: string | null }> (rows: T[], query: URLSearchParams): T[] {
  const name = query.get('name')
  const domainId = query.get('domain_id')
  const enabled = query.get('enabled')
  return rows.filter(r =>
    (name === null || r.name === name) &&
    (domainId === null || r.domainId === domainId) &&
    (enabled === null || r.enabled === undefined || r.enabled === !['0', 'false', 'no', 'off'].includes(enabled.toLowerCase())))
}

export function resourceHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state, tokens } = deps

  const domainOr404 = (id: string): DomainRow => {
    const d = state.domains.get(id)
    if (d === undefined) throw new NotFound(`Could not find domain: ${id}.`)
    return d
  }
  const projectOr404 = (id: string): ProjectRow => {
    const p = state.projects.get(id)
    if (p === undefined) throw new NotFound(`Could not find project: ${id}.`)
    return p
  }
  const userOr404 = (id: string): UserRow => {
    const u = state.users.get(id)
    if (u === undefined) throw new NotFound(`Could not find user: ${id}.`)
    return u
  }
  const roleOr404 = (id: string): RoleRow => {
    const r = state.roles.get(id)
    if (r === undefined) throw new NotFound(`Could not find role: ${id}.`)
    return r
  }
  /** The domain new things go in: the one asked for, else the caller's project's domain. */
  const targetDomain = (context: RequestContext, requested: string | null | undefined): DomainRow => {
    const id = requested ?? context.auth.project?.domainId ?? context.auth.domain?.id ?? context.auth.userDomainId
    const d = state.domains.get(id)
    if (d === undefined) throw new BadRequest(`Could not find domain: ${id}.`)
    return d
  }
  const url = (context: RequestContext): string => context.serviceUrl

  const grants = (type: AssignmentType, targetKind: 'project' | 'domain'): Record<string, RouteHandler> => {
    const target = (context: RequestContext): string => targetKind === 'project'
      ? projectOr404(context.param('project_id')).id
      : domainOr404(context.param('domain_id')).id
    const prefix = `grants:${targetKind}-user`
    return {
      [`${prefix}:list`]: context => {
        requireAdmin(context, 'list_grants')
        const targetId = target(context)
        const userId = userOr404(context.param('user_id')).id
        const roles = state.assignments.filter(a => a.type === type && a.actorId === userId && a.targetId === targetId)
          .map(a => state.roles.get(a.roleId)).filter(r => r !== undefined)
        return jsonResponse(200, { roles: roles.map(r => roleView(r, url(context))), links: collectionLinks(`${url(context)}${context.request.url.pathname.replace(/^\/identity/, '')}`) })
      },
      [`${prefix}:create`]: context => {
        requireAdmin(context, 'create_grant')
        const targetId = target(context)
        const userId = userOr404(context.param('user_id')).id
        const roleId = roleOr404(context.param('role_id')).id
        state.grant(type, userId, targetId, roleId)
        return emptyResponse(204)
      },
      [`${prefix}:check`]: context => {
        requireAdmin(context, 'check_grant')
        const targetId = target(context)
        const userId = userOr404(context.param('user_id')).id
        const roleId = roleOr404(context.param('role_id')).id
        if (state.assignments.find(a => a.type === type && a.actorId === userId && a.targetId === targetId && a.roleId === roleId) === undefined) {
          throw new NotFound(`Could not find role assignment with role: ${roleId}, user or group: ${userId}, project, domain, or system: ${targetId}.`)
        }
        return emptyResponse(204)
      },
      [`${prefix}:delete`]: context => {
        requireAdmin(context, 'revoke_grant')
        const targetId = target(context)
        const userId = userOr404(context.param('user_id')).id
        const roleId = roleOr404(context.param('role_id')).id
        if (!state.revoke(type, userId, targetId, roleId)) {
          throw new NotFound(`Could not find role assignment with role: ${roleId}, user or group: ${userId}, project, domain, or system: ${targetId}.`)
        }
        return emptyResponse(204)
      }
    }
  }

  return {
    'domains:list': context => {
      requireAdmin(context, 'list_domains')
      const domains = filterByQuery([...state.domains.values()], context.query)
      return jsonResponse(200, { domains: domains.map(d => domainView(d, url(context))), links: collectionLinks(`${url(context)}/v3/domains`) })
    },
    'domains:create': async context => {
      requireAdmin(context, 'create_domain')
      const { domain: body } = await context.body(domainCreateSchema)
      if (state.domainByName(body.name) !== undefined) throw new Conflict(`Conflict occurred attempting to store domain - Duplicate entry found with name ${body.name}.`)
      const id = body.explicit_domain_id ?? hexId(deps.random)
      if (state.domains.has(id)) throw new Conflict(`Conflict occurred attempting to store domain - Duplicate entry found with ID ${id}.`)
      const row: DomainRow = { id, name: body.name, description: body.description ?? '', enabled: body.enabled ?? true, tags: body.tags ?? [] }
      state.domains.put(row)
      state.changed()
      return jsonResponse(201, { domain: domainView(row, url(context)) })
    },
    'domains:show': context => {
      const d = domainOr404(context.param('domain_id'))
      if (!context.isAdmin && context.auth.project?.domainId !== d.id && context.auth.userDomainId !== d.id) throw forbidden('get_domain')
      return jsonResponse(200, { domain: domainView(d, url(context)) })
    },
    'domains:update': async context => {
      requireAdmin(context, 'update_domain')
      const d = domainOr404(context.param('domain_id'))
      const { domain: body } = await context.body(domainUpdateSchema)
      if (body.name !== undefined && body.name !== d.name && state.domainByName(body.name) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store domain - Duplicate entry found with name ${body.name}.`)
      }
      const row: DomainRow = { ...d, name: body.name ?? d.name, description: body.description ?? d.description, enabled: body.enabled ?? d.enabled, tags: body.tags ?? d.tags }
      state.domains.put(row)
      state.changed()
      return jsonResponse(200, { domain: domainView(row, url(context)) })
    },
    'domains:delete': context => {
      requireAdmin(context, 'delete_domain')
      const d = domainOr404(context.param('domain_id'))
      if (d.enabled) throw new Forbidden('Cannot delete a domain that is enabled, please disable it first.')
      for (const p of state.projects.filter(p => p.domainId === d.id)) state.projects.delete(p.id)
      for (const u of state.users.filter(u => u.domainId === d.id)) state.users.delete(u.id)
      state.domains.delete(d.id)
      state.changed()
      return emptyResponse(204)
    },

    'projects:list': context => {
      requireAdmin(context, 'list_projects')
      const projects = filterByQuery([...state.projects.values()], context.query)
      return jsonResponse(200, { projects: projects.map(p => projectView(p, url(context))), links: collectionLinks(`${url(context)}/v3/projects`) })
    },
    'projects:create': async context => {
      requireAdmin(context, 'create_project')
      const { project: body } = await context.body(projectCreateSchema)
      if (body.is_domain === true) throw new BadRequest('Creating projects acting as domains is not supported by this cloud.')
      const domain = targetDomain(context, body.domain_id)
      if (state.projectByName(body.name, domain.id) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${body.name}.`)
      }
      const row: ProjectRow = {
        id: hexId(deps.random),
        name: body.name,
        domainId: domain.id,
        parentId: body.parent_id ?? domain.id,
        description: body.description ?? '',
        enabled: body.enabled ?? true,
        tags: body.tags ?? [],
        extra: extraOf(body)
      }
      state.projects.put(row)
      state.changed()
      return jsonResponse(201, { project: projectView(row, url(context)) })
    },
    'projects:show': context => {
      const p = projectOr404(context.param('project_id'))
      if (!context.isAdmin && context.auth.project?.id !== p.id) throw forbidden('get_project')
      return jsonResponse(200, { project: projectView(p, url(context)) })
    },
    'projects:update': async context => {
      requireAdmin(context, 'update_project')
      const p = projectOr404(context.param('project_id'))
      const { project: body } = await context.body(projectUpdateSchema)
      if (body.name !== undefined && body.name !== p.name && state.projectByName(body.name, p.domainId) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${body.name}.`)
      }
      const row: ProjectRow = {
        ...p,
        name: body.name ?? p.name,
        description: body.description ?? p.description,
        enabled: body.enabled ?? p.enabled,
        tags: body.tags ?? p.tags,
        extra: { ...p.extra, ...extraOf(body) }
      }
      state.projects.put(row)
      state.changed()
      return jsonResponse(200, { project: projectView(row, url(context)) })
    },
    'projects:delete': context => {
      requireAdmin(context, 'delete_project')
      const p = projectOr404(context.param('project_id'))
      for (const a of state.assignments.filter(a => a.targetId === p.id)) state.assignments.delete(a.id)
      state.projects.delete(p.id)
      state.changed()
      return emptyResponse(204)
    },

    'users:list': context => {
      requireAdmin(context, 'list_users')
      const users = filterByQuery([...state.users.values()], context.query)
      return jsonResponse(200, { users: users.map(u => userView(u, url(context))), links: collectionLinks(`${url(context)}/v3/users`) })
    },
    'users:create': async context => {
      requireAdmin(context, 'create_user')
      const { user: body } = await context.body(userCreateSchema)
      const domain = targetDomain(context, body.domain_id)
      if (state.userByName(body.name, domain.id) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store user - Duplicate entry found with name ${body.name} at domain ID ${domain.id}.`)
      }
      const row: UserRow = {
        id: hexId(deps.random),
        name: body.name,
        domainId: domain.id,
        enabled: body.enabled ?? true,
        passwordHash: body.password == null ? null : deps.hashing.hashPassword(body.password),
        defaultProjectId: body.default_project_id ?? null,
        description: body.description ?? null,
        federated: [],
        extra: extraOf(body)
      }
      state.users.put(row)
      state.changed()
      return jsonResponse(201, { user: userView(row, url(context)) })
    },
    'users:show': context => {
      const u = userOr404(context.param('user_id'))
      if (!context.isAdmin && context.auth.userId !== u.id) throw forbidden('get_user')
      return jsonResponse(200, { user: userView(u, url(context)) })
    },
    'users:update': async context => {
      requireAdmin(context, 'update_user')
      const u = userOr404(context.param('user_id'))
      const { user: body } = await context.body(userUpdateSchema)
      if (body.name !== undefined && body.name !== u.name && state.userByName(body.name, u.domainId) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store user - Duplicate entry found with name ${body.name} at domain ID ${u.domainId}.`)
      }
      const row: UserRow = {
        ...u,
        name: body.name ?? u.name,
        enabled: body.enabled ?? u.enabled,
        passwordHash: body.password === undefined ? u.passwordHash : body.password === null ? null : deps.hashing.hashPassword(body.password),
        defaultProjectId: body.default_project_id === undefined ? u.defaultProjectId : body.default_project_id,
        description: body.description === undefined ? u.description : body.description,
        extra: { ...u.extra, ...extraOf(body) }
      }
      state.users.put(row)
      state.changed()
      if (!row.enabled || body.password !== undefined) tokens.revokeUser(u.id)
      return jsonResponse(200, { user: userView(row, url(context)) })
    },
    'users:delete': context => {
      requireAdmin(context, 'delete_user')
      const u = userOr404(context.param('user_id'))
      for (const a of state.assignments.filter(a => a.actorId === u.id)) state.assignments.delete(a.id)
      for (const m of state.memberships.filter(m => m.userId === u.id)) state.memberships.delete(m.id)
      state.users.delete(u.id)
      state.changed()
      tokens.revokeUser(u.id)
      return emptyResponse(204)
    },
    'users:projects': context => {
      const u = userOr404(context.param('user_id'))
      if (!context.isAdmin && context.auth.userId !== u.id) throw forbidden('list_user_projects')
      const projects = state.projectsOf(u.id)
      return jsonResponse(200, { projects: projects.map(p => projectView(p, url(context))), links: collectionLinks(`${url(context)}/v3/users/${u.id}/projects`) })
    },
    'users:change-password': async context => {
      const u = userOr404(context.param('user_id'))
      if (context.auth.userId !== u.id) throw forbidden('change_password')
      const { user: body } = await context.body(changePasswordSchema)
      if (u.passwordHash === null || !deps.hashing.verifyPassword(body.original_password, u.passwordHash)) throw new Unauthorized()
      state.users.put({ ...u, passwordHash: deps.hashing.hashPassword(body.password) })
      tokens.revokeUser(u.id)
      return emptyResponse(204)
    },

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

    'role-assignments:list': context => {
      const q = context.query
      const userId = q.get('user.id')
      const projectId = q.get('scope.project.id')
      const selfOnly = userId !== null && userId === context.auth.userId
      if (!context.isAdmin && !selfOnly) throw forbidden('list_role_assignments')
      const domainId = q.get('scope.domain.id')
      const roleId = q.get('role.id')
      const groupId = q.get('group.id')
      const names = q.has('include_names')
      const rows = state.assignments.filter(a =>
        (userId === null || (a.type.startsWith('User') && a.actorId === userId)) &&
        (groupId === null || (a.type.startsWith('Group') && a.actorId === groupId)) &&
        (projectId === null || (a.type.endsWith('Project') && a.targetId === projectId)) &&
        (domainId === null || (a.type.endsWith('Domain') && a.targetId === domainId)) &&
        (roleId === null || a.roleId === roleId))
      const views = rows.map(a => {
        const actorKey = a.type.startsWith('User') ? 'user' : 'group'
        const actor: Record<string, unknown> = { id: a.actorId }
        const role: Record<string, unknown> = { id: a.roleId }
        const scope: Record<string, unknown> = {}
        if (names) {
          const r = state.roles.get(a.roleId)
          if (r !== undefined) role.name = r.name
          const u = actorKey === 'user' ? state.users.get(a.actorId) : state.groups.get(a.actorId)
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
        return {
          [actorKey]: actor,
          role,
          scope,
          links: { assignment: `${url(context)}/v3/${target}/${actorKey}s/${a.actorId}/roles/${a.roleId}` }
        }
      })
      return jsonResponse(200, { role_assignments: views, links: collectionLinks(`${url(context)}/v3/role_assignments`) })
    },

    ...grants('UserProject', 'project'),
    ...grants('UserDomain', 'domain'),

    'services:list': context => {
      requireAdmin(context, 'list_services')
      const type = context.query.get('type')
      const services = [...state.services.values()].filter(s => type === null || s.type === type)
      return jsonResponse(200, { services: services.map(s => serviceView(s, url(context))), links: collectionLinks(`${url(context)}/v3/services`) })
    },
    'services:show': context => {
      requireAdmin(context, 'get_service')
      const s = state.services.get(context.param('service_id'))
      if (s === undefined) throw new NotFound(`Could not find service: ${context.param('service_id')}.`)
      return jsonResponse(200, { service: serviceView(s, url(context)) })
    },
    'endpoints:list': context => {
      requireAdmin(context, 'list_endpoints')
      const q = context.query
      const endpoints = state.endpoints.filter(e =>
        (q.get('interface') === null || e.interface === q.get('interface')) &&
        (q.get('service_id') === null || e.serviceId === q.get('service_id')) &&
        (q.get('region_id') === null || e.regionId === q.get('region_id')))
      const base = publicBaseUrl(deps, context)
      return jsonResponse(200, { endpoints: endpoints.map(e => endpointView(e, base, url(context))), links: collectionLinks(`${url(context)}/v3/endpoints`) })
    },
    'endpoints:show': context => {
      requireAdmin(context, 'get_endpoint')
      const e = state.endpoints.get(context.param('endpoint_id'))
      if (e === undefined) throw new NotFound(`Could not find endpoint: ${context.param('endpoint_id')}.`)
      return jsonResponse(200, { endpoint: endpointView(e, publicBaseUrl(deps, context), url(context)) })
    },
    'regions:list': context => jsonResponse(200, {
      regions: [...state.regions.values()].map(r => regionView(r, url(context))),
      links: collectionLinks(`${url(context)}/v3/regions`)
    }),
    'regions:show': context => {
      const r = state.regions.get(context.param('region_id'))
      if (r === undefined) throw new NotFound(`Could not find region: ${context.param('region_id')}.`)
      return jsonResponse(200, { region: regionView(r, url(context)) })
    }
  }
}
