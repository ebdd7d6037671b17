/**
 * GET/POST /v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/auth with
 * `Authorization: Bearer <JWT>`: what Apache mod_auth_openidc and Keystone's mapped plugin do
 * together in a real deployment. The front-end part trusts the issuers that identity providers
 * list as remote ids and verifies the token (any failure: 401); Keystone's part then checks the
 * provider (404 unknown, 403 disabled), that the token's issuer is one of *this* provider's
 * remote ids (403), applies the protocol's mapping (no match: 401), makes or refreshes the
 * shadow user and answers 201 with an unscoped federated token in X-Subject-Token. Its methods
 * are [protocol_id], as a real Keystone gives them ("openid"), and its OS-FEDERATION block
 * names the provider, the protocol and the mapped groups.
 *
 * With the front end `trusted-headers` the emulated cloudlet is a Keystone with nothing in front
 * of it, as a real one under uwsgi (scripts/real-cloudlet): no bearer token is checked; the
 * assertion is the request's headers as WSGI environ keys (`OIDC-Iss` → HTTP_OIDC_ISS), so a
 * login without the remote id attribute is 401 and a bearer token alone is not enough.
 */
import { jsonResponse } from '../../core/http.ts'
import { BadRequest, Forbidden, InternalServerError, NotFound, Unauthorized } from '../../openstack/faults.ts'
import { applyMapping, MappingError } from '../../openstack/identity/mapping-engine.ts'
import type { MappedProperties } from '../../openstack/identity/mapping-engine.ts'
import type { IdentityProviderRow } from '../../openstack/identity/model.ts'
import { oidcAssertion } from '../../openstack/identity/oidc-assertion.ts'
import { pyQuote } from '../../openstack/identity/python-text.ts'
import { tokenView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import type { OidcAudiences } from './oidc-audiences.ts'
import { OidcVerificationError } from './oidc-verifier.ts'
import type { OidcVerifier } from './oidc-verifier.ts'
import { shadowFederatedUser } from './shadow-users.ts'

/**
 * The emulated deployment's `[federation] remote_id_attribute`: where the assertion names the
 * provider, unless a protocol says otherwise. mod_auth_openidc passes the `iss` claim there.
 */
export const DEFAULT_REMOTE_ID_ATTRIBUTE = 'HTTP_OIDC_ISS'

/**
 * What sits in front of the emulated Keystone's federated login: `oidc-bearer` (Apache with
 * mod_auth_openidc verifying `Authorization: Bearer`, the default) or `trusted-headers` (nothing:
 * Keystone reads the claims a trusted caller put in OIDC-* headers, as Debian's Keystone does
 * under uwsgi).
 */
export type FederationFrontEnd = 'oidc-bearer' | 'trusted-headers'

/** The WSGI environ a request's headers make: HTTP_<NAME>, dashes as underscores. */
export function headerAssertion (headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const assertion: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) assertion[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = value
  }
  return assertion
}

const GENERIC_FORBIDDEN = 'You are not authorized to perform the requested action.'
const MALFORMED = 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

export function federationAuthHandlers (deps: IdentityDeps, verifier: OidcVerifier, audiences: OidcAudiences, frontEnd: FederationFrontEnd = 'oidc-bearer'): Record<string, RouteHandler> {
  const { state } = deps
  const trustsIssuer = (issuer: string): boolean => {
    for (const idp of state.identityProviders.values()) if (idp.remoteIds.includes(issuer)) return true
    return false
  }

  return {
    'federation:auth': async context => {
      const idpId = context.param('idp_id')
      const protocolId = context.param('protocol_id')
      let assertion: Record<string, string>
      if (frontEnd === 'trusted-headers') {
        assertion = headerAssertion(context.request.headers)
      } else {
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(context.header('authorization') ?? '')?.[1]
        if (bearer === undefined) throw new Unauthorized()
        let claims: Record<string, unknown>
        try {
          claims = await verifier.verify(bearer, trustsIssuer, audiences.of(idpId, protocolId))
        } catch (error) {
          if (!(error instanceof OidcVerificationError)) throw error
          deps.logger.info({ requestId: context.requestId, idpId, reason: error.message }, 'refused an OIDC bearer token')
          throw new Unauthorized()
        }
        assertion = oidcAssertion(claims)
      }

      const idp = state.identityProviders.get(idpId)
      if (idp === undefined) throw new NotFound(`Could not find Identity Provider: ${idpId}.`)
      if (!idp.enabled) throw new Forbidden(GENERIC_FORBIDDEN)
      const protocol = state.protocols.get(`${idpId}/${protocolId}`)
      if (protocol === undefined) throw new NotFound(`Could not find federated protocol ${protocolId} for Identity Provider: ${idpId}.`)
      if (idp.remoteIds.length > 0) {
        const remoteId = assertion[protocol.remoteIdAttribute ?? DEFAULT_REMOTE_ID_ATTRIBUTE]
        if (remoteId === undefined) throw new Unauthorized()
        if (!idp.remoteIds.includes(remoteId)) throw new Forbidden(GENERIC_FORBIDDEN)
      }
      const mapping = state.mappings.get(protocol.mappingId)
      if (mapping === undefined) throw new NotFound(`Could not find mapping: ${protocol.mappingId}.`)
      const mapped = map(deps, context, mapping.id, mapping.rules, assertion)
      const groupIds = groupIdsOf(deps, context, mapping.id, mapped)

      let userId: string
      let federation: { idpId: string, protocolId: string, groupIds: readonly string[] } | undefined
      if (mapped.user.type === 'local') {
        userId = localUser(deps, mapped)
      } else {
        userId = ephemeralUser(deps, idp, protocolId, mapped, groupIds, assertion.REMOTE_USER)
        federation = { idpId, protocolId, groupIds }
      }
      const user = state.users.get(userId)
      const domain = user === undefined ? undefined : state.domains.get(user.domainId)
      if (user === undefined || !user.enabled || domain === undefined || !domain.enabled) throw new Unauthorized()
      const info = await deps.tokens.issue({ userId, methods: [protocolId], scope: null, ...(federation !== undefined ? { federation } : {}) })
      return jsonResponse(201, tokenView(info, null), { 'x-subject-token': info.token, vary: 'X-Auth-Token' })
    }
  }
}

function map (deps: IdentityDeps, context: RequestContext, mappingId: string, rules: readonly unknown[], assertion: Readonly<Record<string, string>>): MappedProperties {
  try {
    return applyMapping(mappingId, rules, assertion)
  } catch (error) {
    if (!(error instanceof MappingError)) throw error
    if (error.kind === 'invalid') {
      deps.logger.info({ requestId: context.requestId, mappingId, reason: error.message }, 'federated login mapped to nothing')
      throw new Unauthorized()
    }
    deps.logger.error({ requestId: context.requestId, mappingId, reason: error.message }, 'mapping failed')
    throw new InternalServerError()
  }
}

/** The mapped groups: ids must exist (else Keystone's 500); names are resolved in their domain, unknown ones skipped. */
function groupIdsOf (deps: IdentityDeps, context: RequestContext, mappingId: string, mapped: MappedProperties): string[] {
  const { state } = deps
  const ids = new Set<string>()
  for (const id of mapped.groupIds) {
    if (!state.groups.has(id)) {
      deps.logger.error({ requestId: context.requestId, mappingId, groupId: id }, 'a group returned by a mapping does not exist')
      throw new InternalServerError()
    }
    ids.add(id)
  }
  for (const { name, domain } of mapped.groupNames) {
    let domainId = domain.id
    if (domainId === undefined) {
      const named = state.domainByName(domain.name ?? '')
      if (named === undefined) throw new NotFound(`Could not find domain: ${domain.name ?? ''}.`)
      domainId = named.id
    }
    const group = state.groupByName(name, domainId)
    if (group !== undefined) ids.add(group.id)
  }
  return [...ids]
}

/** A mapping to an existing local user: found by id, or by name in a domain given by id or name. */
function localUser (deps: IdentityDeps, mapped: MappedProperties): string {
  const { state } = deps
  const ref = mapped.user
  if (ref.id !== undefined && ref.id !== '') {
    if (!state.users.has(ref.id)) throw new Unauthorized()
    return ref.id
  }
  if (ref.name === undefined || ref.name === '') throw new BadRequest(`Expecting to find id or name in user. ${MALFORMED}`)
  if (ref.domain === undefined) throw new BadRequest(`Expecting to find domain in user. ${MALFORMED}`)
  const domain = ref.domain.name !== undefined ? state.domainByName(ref.domain.name) : state.domains.get(ref.domain.id ?? '')
  if (domain === undefined || !domain.enabled) throw new Unauthorized()
  const user = state.userByName(ref.name, domain.id)
  if (user === undefined) throw new Unauthorized()
  return user.id
}

/** Keystone's get_user_unique_id_and_display_name, then the shadow user. */
function ephemeralUser (
  deps: IdentityDeps,
  idp: IdentityProviderRow,
  protocolId: string,
  mapped: MappedProperties,
  groupIds: readonly string[],
  remoteUser: string | undefined
): string {
  const id = nonEmpty(mapped.user.id)
  const name = nonEmpty(mapped.user.name) ?? nonEmpty(remoteUser)
  if (id === undefined && name === undefined) throw new Unauthorized()
  const user = shadowFederatedUser(deps, {
    idp,
    protocolId,
    uniqueId: pyQuote(id ?? name ?? ''),
    displayName: name ?? id ?? '',
    email: nonEmpty(mapped.user.email)
  }, groupIds, mapped.projects)
  return user.id
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
