/**
 * The `application_credential` authentication method: a credential found by id, or by name
 * and its user (by id, or by name and domain), proves its user with its secret and yields a
 * token scoped to the credential's project with the credential's roles. The request may not
 * ask for a scope. Failures answer as Keystone's do: an unknown id is a 404, a wrong secret,
 * an expired credential or a disabled user a bare 401.
 */
import { BadRequest, NotFound, Unauthorized } from '../../openstack/faults.ts'
import type { ApplicationCredentialRow } from '../../openstack/identity/model.ts'
import { applicationCredentialAuthSchema } from '../../openstack/identity/schemas.ts'
import { validate } from '../../openstack/validation.ts'
import type { AuthMethod, IdentityDeps } from './identity-deps.ts'

const MALFORMED = 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

function expecting (attribute: string, target: string): BadRequest {
  return new BadRequest(`Expecting to find ${attribute} in ${target}. ${MALFORMED}`)
}

export function applicationCredentialMethod (deps: IdentityDeps): AuthMethod {
  const { state } = deps
  return (identity, _context, auth) => {
    if (auth.scope !== undefined) {
      throw new Unauthorized('Error authenticating with application credential: Application credentials cannot request a scope.')
    }
    const parsed = validate(applicationCredentialAuthSchema, identity.application_credential)
    if (!parsed.ok) throw new BadRequest(`Invalid input for field 'identity/application_credential/${parsed.problem.path}': ${parsed.problem.detail}`)
    const section = parsed.value
    const credential = lookup(deps, section)
    const user = state.users.get(credential.userId)
    if (user === undefined) throw new NotFound(`Could not find user: ${credential.userId}.`)
    const domain = state.domains.get(user.domainId)
    if (!user.enabled || domain === undefined || !domain.enabled) throw new Unauthorized()
    if (section.secret === undefined || !deps.applicationCredentials.verifySecret(credential, section.secret)) throw new Unauthorized()
    if (credential.expiresAtMs !== null && deps.clock.wallClockMs() >= credential.expiresAtMs) throw new Unauthorized()
    if (credential.projectId !== null) {
      const project = state.projects.get(credential.projectId)
      if (project === undefined) throw new NotFound(`Could not find project: ${credential.projectId}.`)
      if (!project.enabled) throw new NotFound(`Unable to validate token because project ${project.id} is disabled`)
    }
    const rules = deps.applicationCredentials.accessRulesOf(credential)
    return {
      userId: user.id,
      methods: ['application_credential'],
      fixedScope: credential.projectId === null ? null : { kind: 'project', id: credential.projectId },
      applicationCredential: {
        id: credential.id,
        name: credential.name,
        restricted: credential.unrestricted !== true,
        roleIds: credential.roleIds,
        ...(rules.length > 0 ? { accessRules: rules.map(r => ({ id: r.id, service: r.service, path: r.path, method: r.method })) } : {})
      },
      ...(credential.expiresAtMs !== null ? { notAfterMs: credential.expiresAtMs } : {})
    }
  }
}

/** Keystone's AuthInfo._lookup_app_cred: by id, or by name within a user's credentials. */
function lookup (deps: IdentityDeps, section: { id?: string | undefined, name?: string | undefined, user?: { id?: string | undefined, name?: string | undefined, domain?: { id?: string | undefined, name?: string | undefined } | undefined } | undefined }): ApplicationCredentialRow {
  const { state } = deps
  if (section.id !== undefined && section.id !== '') {
    const credential = state.applicationCredentials.get(section.id)
    if (credential === undefined) throw new NotFound(`Could not find Application Credential: ${section.id}.`)
    return credential
  }
  if (section.name === undefined || section.name === '') throw expecting('name or ID', 'application credential')
  const user = section.user
  if (user === undefined) throw expecting('user', 'application credential')
  let userId = user.id
  if (userId === undefined || userId === '') {
    if (user.domain === undefined) throw expecting('domain', 'user')
    const ref = user.domain
    if ((ref.id === undefined || ref.id === '') && (ref.name === undefined || ref.name === '')) throw expecting('id or name', 'domain')
    const domain = ref.name !== undefined && ref.name !== '' ? state.domainByName(ref.name) : state.domains.get(ref.id ?? '')
    if (domain === undefined || !domain.enabled) throw new Unauthorized()
    const named = state.userByName(user.name ?? '', domain.id)
    if (named === undefined) throw new NotFound(`Could not find user: ${user.name ?? ''}.`)
    userId = named.id
  }
  const matches = state.applicationCredentials.filter(c => c.userId === userId && c.name === section.name)
  const credential = matches[0]
  if (matches.length !== 1 || credential === undefined) throw new Unauthorized()
  return credential
}
