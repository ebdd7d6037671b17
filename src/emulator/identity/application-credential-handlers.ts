/**
 * /v3/users/{user_id}/application_credentials and /v3/users/{user_id}/access_rules. A user
 * creates credentials only for themself, on the project their token is scoped to, with a
 * subset of the token's roles (all of them by default); the secret is generated unless given,
 * shown once, and stored hashed. Policies are Keystone's with enforce_scope off: the owner or
 * an admin may list, show and delete. A token made with a restricted credential may not
 * create or delete credentials.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { hexId } from '../../core/ids.ts'
import { BadRequest, Conflict, Forbidden, NotFound } from '../../openstack/faults.ts'
import type { AccessRuleRow, ApplicationCredentialRow } from '../../openstack/identity/model.ts'
import { applicationCredentialCreateSchema } from '../../openstack/identity/schemas.ts'
import type { ApplicationCredentialCreate } from '../../openstack/identity/schemas.ts'
import { accessRuleResourceView, applicationCredentialView, collectionLinks } from '../../openstack/identity/views.ts'
import { parseIsoTimestamp } from '../../openstack/timestamps.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { checkMember, forbidden, memberOf, requireAdminOrOwner } from './identity-deps.ts'

const MALFORMED = 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

export function applicationCredentialHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state } = deps
  const credentials = deps.applicationCredentials

  const view = (context: RequestContext, c: ApplicationCredentialRow, secret?: string): Record<string, unknown> =>
    applicationCredentialView(c, credentials.rolesOf(c), credentials.accessRulesOf(c), context.serviceUrl, secret)

  /** Keystone checks ownership against the credential's user, not the one in the path. */
  const credentialFor = (context: RequestContext, action: string): ApplicationCredentialRow => {
    const id = context.param('application_credential_id')
    const credential = state.applicationCredentials.get(id)
    requireAdminOrOwner(context, credential?.userId ?? context.param('user_id'), action)
    if (credential === undefined) throw new NotFound(`Could not find Application Credential: ${id}.`)
    return credential
  }

  const requireUnrestricted = (context: RequestContext): void => {
    const used = context.auth.applicationCredentialId
    if (used === null) return
    if (state.applicationCredentials.get(used)?.unrestricted !== true) {
      throw new Forbidden("You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.")
    }
  }

  return {
    'application-credentials:list': context => {
      const userId = context.param('user_id')
      requireAdminOrOwner(context, userId, 'list_application_credentials')
      const name = context.query.get('name')
      const rows = state.applicationCredentials.filter(c => c.userId === userId && (name === null || c.name === name))
      return jsonResponse(200, {
        application_credentials: rows.map(c => view(context, c)),
        links: collectionLinks(`${context.serviceUrl}/v3/users/${userId}/application_credentials`)
      })
    },

    'application-credentials:create': async context => {
      const userId = context.param('user_id')
      if (context.auth.userId !== userId) throw forbidden('create_application_credential')
      const body = checkMember(applicationCredentialCreateSchema, await memberOf(context, 'application_credential'))
      requireUnrestricted(context)
      const projectId = context.auth.project?.id ?? null
      const roleIds = requestedRoles(deps, context, body)
      const expiresAtMs = expiry(deps, body.expires_at)
      const secret = body.secret == null || body.secret === '' ? credentials.generateSecret() : body.secret
      if (projectId !== null) {
        const held = new Set(state.effectiveRoleIds(userId, { kind: 'project', id: projectId }))
        const missing = roleIds.find(id => !held.has(id))
        if (missing !== undefined) {
          throw new BadRequest(`Invalid application credential: Could not find role assignment with role: ${missing}, user or group: ${userId}, project, domain, or system: ${projectId}.`)
        }
      }
      if (state.applicationCredentials.find(c => c.userId === userId && c.name === body.name) !== undefined) {
        throw new Conflict(`Conflict occurred attempting to store application_credential - Duplicate entry found with name ${body.name}.`)
      }
      const rules = accessRules(deps, userId, body.access_rules ?? [])
      const row: ApplicationCredentialRow = {
        id: hexId(deps.random),
        name: body.name,
        userId,
        projectId,
        description: body.description ?? null,
        secretHash: credentials.hashSecret(secret),
        expiresAtMs,
        unrestricted: body.unrestricted ?? null,
        roleIds,
        accessRuleIds: rules.map(r => r.id),
        createdAtMs: deps.clock.wallClockMs()
      }
      state.transaction(() => {
        for (const rule of rules) if (!state.accessRules.has(rule.id)) state.accessRules.put(rule)
        state.applicationCredentials.put(row)
      })
      return jsonResponse(201, { application_credential: view(context, row, secret) })
    },

    'application-credentials:show': context => {
      const credential = credentialFor(context, 'get_application_credential')
      return jsonResponse(200, { application_credential: view(context, credential) })
    },

    'application-credentials:delete': context => {
      const credential = credentialFor(context, 'delete_application_credential')
      requireUnrestricted(context)
      credentials.delete(credential.id)
      return emptyResponse(204)
    },

    'access-rules:list': context => {
      const userId = context.param('user_id')
      requireAdminOrOwner(context, userId, 'list_access_rules')
      const q = context.query
      const rows = state.accessRules.filter(r => r.userId === userId &&
        (q.get('service') === null || r.service === q.get('service')) &&
        (q.get('path') === null || r.path === q.get('path')) &&
        (q.get('method') === null || r.method === q.get('method')))
      return jsonResponse(200, {
        access_rules: rows.map(r => accessRuleResourceView(r, context.serviceUrl)),
        links: collectionLinks(`${context.serviceUrl}/v3/users/${userId}/access_rules`)
      })
    },

    'access-rules:show': context => {
      const rule = accessRuleFor(deps, context, 'get_access_rule')
      return jsonResponse(200, { access_rule: accessRuleResourceView(rule, context.serviceUrl) })
    },

    'access-rules:delete': context => {
      const rule = accessRuleFor(deps, context, 'delete_access_rule')
      if (state.applicationCredentials.find(c => c.accessRuleIds.includes(rule.id)) !== undefined) {
        throw new Forbidden('May not delete access rule in use')
      }
      state.accessRules.delete(rule.id)
      return emptyResponse(204)
    }
  }
}

/** The roles asked for, by id or by name, each of which the caller's token must carry; by default all the token's roles. */
function requestedRoles (deps: IdentityDeps, context: RequestContext, body: ApplicationCredentialCreate): string[] {
  const tokenRoles = context.auth.roleIds
  if (body.roles === undefined || body.roles.length === 0) return [...tokenRoles]
  const ids: string[] = []
  for (const ref of body.roles) {
    let id = ref.id
    if (id === undefined) {
      const role = deps.state.roleByName(ref.name ?? '')
      if (role === undefined) throw new NotFound(`Could not find role: ${ref.name ?? ''}.`)
      id = role.id
    }
    if (!tokenRoles.includes(id)) throw new BadRequest('Invalid application credential: Cannot create an application credential with unassigned role')
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

/** Keystone's parse_expiration_date: a missing zone means UTC ('Z' is appended); the past is refused. */
function expiry (deps: IdentityDeps, text: string | null | undefined): number | null {
  if (text == null || text === '') return null
  const ms = parseIsoTimestamp(text.endsWith('Z') ? text : `${text}Z`)
  if (ms === null) throw new BadRequest(`Timestamp not in expected format. ${MALFORMED}`)
  if (ms < deps.clock.wallClockMs()) throw new BadRequest(`The 'expires_at' must not be before now. ${MALFORMED}`)
  return ms
}

/**
 * The credential's access rules: an existing rule of the user's by id, or one with the same
 * service, path and method, is shared; anything else becomes a new rule.
 */
function accessRules (deps: IdentityDeps, userId: string, requested: NonNullable<ApplicationCredentialCreate['access_rules']>): AccessRuleRow[] {
  const rules: AccessRuleRow[] = []
  for (const ref of requested) {
    const byId = ref.id === undefined ? undefined : deps.state.accessRules.get(ref.id)
    if (byId !== undefined && byId.userId !== userId) throw new Conflict('Conflict occurred attempting to store application_credential - Duplicate entry.')
    const same = byId ?? deps.state.accessRules.find(r => r.userId === userId && r.service === ref.service && r.path === ref.path && r.method === ref.method)
    if (same !== undefined) {
      if (!rules.some(r => r.id === same.id)) rules.push(same)
      continue
    }
    if (ref.service === undefined || ref.path === undefined || ref.method === undefined) {
      throw new BadRequest('Invalid application credential: an access rule needs a service, a path and a method.')
    }
    rules.push({ id: ref.id ?? hexId(deps.random), userId, service: ref.service, path: ref.path, method: ref.method })
  }
  return rules
}

function accessRuleFor (deps: IdentityDeps, context: RequestContext, action: string): AccessRuleRow {
  const userId = context.param('user_id')
  requireAdminOrOwner(context, userId, action)
  const id = context.param('access_rule_id')
  const rule = deps.state.accessRules.get(id)
  if (rule === undefined || rule.userId !== userId) throw new NotFound(`Could not find Access Rule: ${id}.`)
  return rule
}
