/**
 * POST/GET/HEAD/DELETE /v3/auth/tokens and the scope-discovery helpers (/v3/auth/projects,
 * domains, system, catalog). Authentication failures are a bare 401 whatever went wrong, as
 * Keystone deliberately does not say which part was wrong.
 */
import type { HttpResponse } from '../../core/http.ts'
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest, Forbidden, NotFound, Unauthorized } from '../../openstack/faults.ts'
import type { Scope, TokenInfo } from '../../openstack/identity/model.ts'
import { authRequestSchema } from '../../openstack/identity/schemas.ts'
import type { AuthRequest } from '../../openstack/identity/schemas.ts'
import { catalogView, collectionLinks, domainView, projectView, tokenView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { AuthenticatedIdentity, AuthMethod, IdentityDeps } from './identity-deps.ts'
import { publicBaseUrl } from './identity-deps.ts'
import type { IdentityState } from './identity-state.ts'

export function authHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state, tokens } = deps

  const catalogFor = (context: RequestContext): unknown[] => {
    const base = publicBaseUrl(deps, context)
    const entries = [...state.services.values()]
      .filter(s => s.enabled)
      .map(service => ({ service, endpoints: state.endpoints.filter(e => e.serviceId === service.id && e.enabled) }))
    return catalogView(entries, base)
  }

  const tokenResponse = (status: number, info: TokenInfo, context: RequestContext): HttpResponse => {
    const noCatalog = context.query.has('nocatalog')
    return jsonResponse(status, tokenView(info, noCatalog ? null : catalogFor(context)), {
      'x-subject-token': info.token,
      vary: 'X-Auth-Token'
    })
  }

  const subject = (context: RequestContext): TokenInfo => {
    const token = context.header('x-subject-token')
    if (token === undefined) throw new NotFound('Could not find token: .')
    const info = tokens.validate(token)
    if (info === null) throw new NotFound(`Could not find token: ${token}.`)
    return info
  }

  return {
    'auth:issue': async context => {
      const body = await context.body(authRequestSchema)
      const proved = authenticate(deps.authMethods, body, context)
      const scope = proved.fixedScope !== undefined ? proved.fixedScope : resolveScope(state, body, proved.userId)
      if (scope !== null && tokens.roleIdsFor(proved.userId, scope, proved.federation ?? null, proved.applicationCredential ?? null).length === 0) {
        throw new Unauthorized()
      }
      const info = await tokens.issue({
        userId: proved.userId,
        methods: proved.methods,
        scope,
        ...(proved.expiresAtMs !== undefined ? { expiresAtMs: proved.expiresAtMs } : {}),
        ...(proved.parentAuditId !== undefined ? { parentAuditId: proved.parentAuditId } : {}),
        ...(proved.applicationCredential !== undefined ? { applicationCredential: proved.applicationCredential } : {}),
        ...(proved.federation !== undefined ? { federation: proved.federation } : {}),
        ...(proved.notAfterMs !== undefined ? { notAfterMs: proved.notAfterMs } : {})
      })
      return tokenResponse(201, info, context)
    },

    'auth:validate': context => tokenResponse(200, subject(context), context),

    'auth:check': context => {
      subject(context)
      return emptyResponse(200)
    },

    'auth:revoke': context => {
      const info = subject(context)
      tokens.revoke(info.token)
      return emptyResponse(204)
    },

    'auth:projects': context => projectsOfCaller(deps, context, '/v3/auth/projects'),
    'federation:projects': context => projectsOfCaller(deps, context, '/v3/OS-FEDERATION/projects'),
    'auth:domains': context => domainsOfCaller(deps, context, '/v3/auth/domains'),
    'federation:domains': context => domainsOfCaller(deps, context, '/v3/OS-FEDERATION/domains'),

    'auth:system': context => {
      const auth = context.auth
      const system = state.effectiveRoleIds(auth.userId, { kind: 'system' }).length > 0 ? [{ all: true }] : []
      return jsonResponse(200, { system, links: collectionLinks(`${context.serviceUrl}/v3/auth/system`) })
    },

    'auth:catalog': context => {
      if (context.auth.project === null && context.auth.domain === null && !context.auth.system) {
        throw new BadRequest('The service catalog cannot be provided for an unscoped token.')
      }
      return jsonResponse(200, { catalog: catalogFor(context), links: collectionLinks(`${context.serviceUrl}/v3/auth/catalog`) })
    }
  }
}

function projectsOfCaller (deps: IdentityDeps, context: RequestContext, path: string): HttpResponse {
  const info = deps.tokens.validate(context.auth.token)
  const groups = info?.row.federation?.groupIds ?? []
  const projects = deps.state.projectsOf(context.auth.userId, groups).filter(p => p.enabled)
  return jsonResponse(200, {
    projects: projects.map(p => projectView(p, context.serviceUrl)),
    links: collectionLinks(`${context.serviceUrl}${path}`)
  })
}

function domainsOfCaller (deps: IdentityDeps, context: RequestContext, path: string): HttpResponse {
  const info = deps.tokens.validate(context.auth.token)
  const groups = info?.row.federation?.groupIds ?? []
  const domains = deps.state.domainsOf(context.auth.userId, groups).filter(d => d.enabled)
  return jsonResponse(200, {
    domains: domains.map(d => domainView(d, context.serviceUrl)),
    links: collectionLinks(`${context.serviceUrl}${path}`)
  })
}

/** Runs every method the request names; all must agree on the user. */
function authenticate (methods: Map<string, AuthMethod>, body: AuthRequest, context: RequestContext): AuthenticatedIdentity {
  const identity = body.auth.identity as Record<string, unknown>
  const names = body.auth.identity.methods
  if (names.length === 0) throw new BadRequest("Invalid input for field 'identity/methods': [] is too short")
  let proved: AuthenticatedIdentity | null = null
  for (const name of new Set(names)) {
    const method = methods.get(name)
    if (method === undefined) throw new Unauthorized(`Attempted to authenticate with an unsupported method.`)
    if (identity[name] === undefined) throw new BadRequest(`Expecting to find ${name} in identity. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`)
    const result = method(identity, context, body.auth)
    if (proved !== null && proved.userId !== result.userId) throw new Unauthorized()
    proved = proved === null ? result : { ...(proved as object), ...result, methods: [...new Set([...proved.methods, ...result.methods])] }
  }
  if (proved === null) throw new Unauthorized()
  return proved
}

/** The scope a request asks for; with none, the user's default project if they have a role there. */
function resolveScope (state: IdentityState, body: AuthRequest, userId: string): Scope | null {
  const scope = body.auth.scope
  if (scope === undefined) {
    const user = state.users.get(userId)
    const project = user?.defaultProjectId == null ? undefined : state.projects.get(user.defaultProjectId)
    if (project !== undefined && project.enabled && state.effectiveRoleIds(userId, { kind: 'project', id: project.id }).length > 0) {
      return { kind: 'project', id: project.id }
    }
    return null
  }
  if (scope === 'unscoped') return null
  const given = [scope.project, scope.domain, scope.system].filter(s => s !== undefined).length
  if (given > 1) throw new BadRequest('Specify either a project, a domain or the system as scope, not more than one.')
  if (scope.project !== undefined) {
    const ref = scope.project
    let project
    if (ref.id !== undefined) {
      project = state.projects.get(ref.id)
    } else if (ref.name !== undefined) {
      const domain = ref.domain?.id !== undefined ? state.domains.get(ref.domain.id) : ref.domain?.name !== undefined ? state.domainByName(ref.domain.name) : undefined
      if (ref.domain === undefined) throw new BadRequest('Expecting to find domain in project. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.')
      project = domain === undefined ? undefined : state.projectByName(ref.name, domain.id)
    } else {
      throw new BadRequest('Expecting to find id or name in project. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.')
    }
    if (project === undefined || !project.enabled) throw new Unauthorized()
    return { kind: 'project', id: project.id }
  }
  if (scope.domain !== undefined) {
    const domain = scope.domain.id !== undefined ? state.domains.get(scope.domain.id) : scope.domain.name !== undefined ? state.domainByName(scope.domain.name) : undefined
    if (domain === undefined || !domain.enabled) throw new Unauthorized()
    return { kind: 'domain', id: domain.id }
  }
  if (scope.system !== undefined) {
    if (!scope.system.all) throw new BadRequest('Only system "all" is supported as a system scope.')
    return { kind: 'system' }
  }
  return null
}

/** The password method: user by id, or by name within a domain given by id or name. */
export function passwordMethod (deps: IdentityDeps): AuthMethod {
  return identity => {
    const section = identity.password as AuthRequest['auth']['identity']['password']
    if (section === undefined) throw new Unauthorized()
    const ref = section.user
    const state = deps.state
    let user
    if (ref.id !== undefined) {
      user = state.users.get(ref.id)
    } else if (ref.name !== undefined) {
      if (ref.domain === undefined) throw new BadRequest('Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.')
      const domain = ref.domain.id !== undefined ? state.domains.get(ref.domain.id) : ref.domain.name !== undefined ? state.domainByName(ref.domain.name) : undefined
      user = domain === undefined ? undefined : state.userByName(ref.name, domain.id)
    } else {
      throw new BadRequest('Expecting to find id or name in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.')
    }
    if (user === undefined || !user.enabled || user.passwordHash === null) throw new Unauthorized()
    if (!deps.hashing.verifyPassword(ref.password, user.passwordHash)) throw new Unauthorized()
    const domain = state.domains.get(user.domainId)
    if (domain === undefined || !domain.enabled) throw new Unauthorized()
    return { userId: user.id, methods: ['password'] }
  }
}

/**
 * The token method (rescoping): the new token keeps the old one's user, expiry, audit chain and
 * federation. A federated token is rescoped as Keystone's mapped plugin does it: its identity
 * provider must still be enabled (403), and the new token starts a fresh lifetime.
 */
export function tokenMethod (deps: IdentityDeps): AuthMethod {
  return identity => {
    const section = identity.token as { id?: unknown } | undefined
    if (section === undefined || typeof section.id !== 'string') throw new Unauthorized()
    const info = deps.tokens.validate(section.id)
    if (info === null) throw new Unauthorized()
    if (info.row.applicationCredential !== null) throw new Unauthorized('Application credential tokens cannot be rescoped.')
    const methods = ['token', ...info.row.methods.filter(m => m !== 'token')]
    if (info.row.federation !== null) return { ...federatedRescope(deps, info), methods }
    return {
      userId: info.user.id,
      methods,
      expiresAtMs: info.row.expiresAtMs,
      parentAuditId: info.row.auditIds[info.row.auditIds.length - 1] ?? info.row.auditIds[0] ?? ''
    }
  }
}

/**
 * The mapped method given a token (`{"mapped": {"id": <token>}}`): rescopes a federated token,
 * exactly as the token method does for one.
 */
export function mappedMethod (deps: IdentityDeps): AuthMethod {
  return identity => {
    const section = identity.mapped as { id?: unknown } | undefined
    if (section === undefined || typeof section.id !== 'string') throw new Unauthorized()
    const info = deps.tokens.validate(section.id)
    if (info === null || info.row.federation === null) throw new Unauthorized()
    return { ...federatedRescope(deps, info), methods: ['mapped'] }
  }
}

function federatedRescope (deps: IdentityDeps, info: TokenInfo): AuthenticatedIdentity {
  const federation = info.row.federation
  if (federation === null) throw new Unauthorized()
  const idp = deps.state.identityProviders.get(federation.idpId)
  if (idp === undefined) throw new NotFound(`Could not find Identity Provider: ${federation.idpId}.`)
  if (!idp.enabled) throw new Forbidden('You are not authorized to perform the requested action.')
  if (info.row.expiresAtMs <= deps.clock.wallClockMs()) throw new Unauthorized()
  return { userId: info.user.id, methods: [], federation }
}
