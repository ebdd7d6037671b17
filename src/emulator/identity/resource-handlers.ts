/**
 * Keystone's resource APIs for domains, projects and users (roles, grants, groups, the catalog,
 * application credentials and federation have files of their own). Policies are Keystone's
 * defaults as a project admin meets them (enforce_scope off): admin may do everything; others
 * may read themselves and their own project.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { hexId } from '../../core/ids.ts'
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from '../../openstack/faults.ts'
import type { DomainRow, ProjectRow, UserRow } from '../../openstack/identity/model.ts'
import {
  changePasswordSchema, domainCreateSchema, domainUpdateSchema, projectCreateSchema, projectUpdateSchema,
  userCreateSchema, userUpdateSchema
} from '../../openstack/identity/schemas.ts'
import { collectionLinks, domainView, projectView, userView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { forbidden, requireAdmin } from './identity-deps.ts'
import { deleteIdentityProvider } from './federation-handlers.ts'

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
  /** The domain new things go in: the one asked for, else the caller's project's domain. */
  const targetDomain = (context: RequestContext, requested: string | null | undefined): DomainRow => {
    const id = requested ?? context.auth.project?.domainId ?? context.auth.domain?.id ?? context.auth.userDomainId
    const d = state.domains.get(id)
    if (d === undefined) throw new BadRequest(`Could not find domain: ${id}.`)
    return d
  }
  const url = (context: RequestContext): string => context.serviceUrl

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
      state.transaction(() => {
        for (const idp of state.identityProviders.filter(idp => idp.domainId === d.id)) deleteIdentityProvider(state, idp.id)
        for (const p of state.projects.filter(p => p.domainId === d.id)) {
          for (const a of state.assignments.filter(a => a.targetId === p.id)) state.assignments.delete(a.id)
          state.projects.delete(p.id)
        }
        for (const u of state.users.filter(u => u.domainId === d.id)) deleteUser(deps, u.id)
        for (const g of state.groups.filter(g => g.domainId === d.id)) {
          for (const a of state.assignments.filter(a => a.actorId === g.id)) state.assignments.delete(a.id)
          for (const m of state.memberships.filter(m => m.groupId === g.id)) state.memberships.delete(m.id)
          for (const m of state.expiringMemberships.filter(m => m.groupId === g.id)) state.expiringMemberships.delete(m.id)
          state.groups.delete(g.id)
        }
        for (const a of state.assignments.filter(a => a.targetId === d.id)) state.assignments.delete(a.id)
        state.domains.delete(d.id)
      })
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
      // Keystone deletes a user's application credentials when the user is disabled.
      if (!row.enabled && u.enabled) deps.applicationCredentials.deleteAllOf(u.id)
      return jsonResponse(200, { user: userView(row, url(context)) })
    },
    'users:delete': context => {
      requireAdmin(context, 'delete_user')
      const u = userOr404(context.param('user_id'))
      state.transaction(() => deleteUser(deps, u.id))
      state.changed()
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
    }
  }
}

/** Deletes a user with everything that hangs on them, and revokes their tokens. */
function deleteUser (deps: IdentityDeps, userId: string): void {
  const { state } = deps
  deps.applicationCredentials.deleteAllOf(userId)
  for (const a of state.assignments.filter(a => a.actorId === userId)) state.assignments.delete(a.id)
  for (const m of state.memberships.filter(m => m.userId === userId)) state.memberships.delete(m.id)
  for (const m of state.expiringMemberships.filter(m => m.userId === userId)) state.expiringMemberships.delete(m.id)
  state.users.delete(userId)
  deps.tokens.revokeUser(userId)
}
