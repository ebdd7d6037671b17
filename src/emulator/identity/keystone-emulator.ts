/**
 * The emulated Keystone v3 as a ServiceApi: discovery, tokens, resources, the catalog, groups,
 * application credentials and OS-FEDERATION (as a service provider that takes OIDC bearer
 * tokens), served under /identity. Other services reach it in process through `authenticate`,
 * as keystonemiddleware reaches a real Keystone.
 */
import { jsonResponse } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import type { Clock, Hashing, Logger, Random, Store } from '../../core/ports.ts'
import { BadRequest, Unauthorized } from '../../openstack/faults.ts'
import { renderIdentityFault } from '../../openstack/identity/fault-body.ts'
import { IDENTITY_ROUTES } from '../../openstack/identity/routes.ts'
import { identityVersionDocument, identityVersionsDocument } from '../../openstack/identity/versions.ts'
import { compileRoutes } from '../../openstack/route-table.ts'
import type { ServiceApi } from '../service-host.ts'
import { applicationCredentialHandlers } from './application-credential-handlers.ts'
import { applicationCredentialMethod } from './application-credential-method.ts'
import { ApplicationCredentials } from './application-credentials.ts'
import { authHandlers, mappedMethod, passwordMethod, tokenMethod } from './auth-handlers.ts'
import { catalogHandlers } from './catalog-handlers.ts'
import { federationAuthHandlers } from './federation-auth.ts'
import type { FederationFrontEnd } from './federation-auth.ts'
import { federationHandlers } from './federation-handlers.ts'
import { grantHandlers } from './grant-handlers.ts'
import { groupHandlers } from './group-handlers.ts'
import type { IdentityDeps, IdentitySettings } from './identity-deps.ts'
import { IdentityState } from './identity-state.ts'
import { OidcAudiences } from './oidc-audiences.ts'
import { OidcVerifier } from './oidc-verifier.ts'
import { resourceHandlers } from './resource-handlers.ts'
import { roleHandlers } from './role-handlers.ts'
import { TokenService } from './token-service.ts'
import type { TokenHooks } from './token-service.ts'

/** Keystone's default [oslo_middleware] max_request_body_size. */
export const IDENTITY_MAX_BODY_BYTES = 114_688

export interface IdentityPorts {
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly store: Store
  readonly logger: Logger
  /** Outbound HTTP, for the OIDC providers' discovery documents and keys. */
  readonly outbound: HttpHandler
}

export interface EmulatedIdentitySettings extends IdentitySettings {
  readonly tokenTtlMs: number
  /** Audiences an OIDC bearer token must carry, by 'idp_id/protocol_id' or 'idp_id' (see OidcAudiences). */
  readonly oidcAudiences?: Readonly<Record<string, readonly string[]>>
  /** What checks federated logins in front of Keystone (federation-auth.ts); default `oidc-bearer`. */
  readonly federationFrontEnd?: FederationFrontEnd
}

export interface EmulatedIdentity {
  readonly api: ServiceApi
  readonly state: IdentityState
  readonly tokens: TokenService
  readonly deps: IdentityDeps
  /** The front-end's audience requirements for OIDC logins; changeable while running. */
  readonly oidcAudiences: OidcAudiences
}

const routes = compileRoutes(IDENTITY_ROUTES, { headFromGet: true })

/** `hooks`: how tokens are made and revocations published, for a Keystone that signs its tokens (src/idp). */
export function createEmulatedIdentity (ports: IdentityPorts, settings: EmulatedIdentitySettings, hooks: TokenHooks = {}): EmulatedIdentity {
  const state = new IdentityState(ports.store, ports.clock)
  const tokens = new TokenService(state, ports, settings.tokenTtlMs, hooks)
  const deps: IdentityDeps = {
    state,
    tokens,
    applicationCredentials: new ApplicationCredentials(state, tokens, ports.hashing, ports.random.fork('application-credentials')),
    clock: ports.clock,
    random: ports.random,
    hashing: ports.hashing,
    logger: ports.logger,
    settings,
    authMethods: new Map()
  }
  deps.authMethods.set('password', passwordMethod(deps))
  deps.authMethods.set('token', tokenMethod(deps))
  deps.authMethods.set('application_credential', applicationCredentialMethod(deps))
  deps.authMethods.set('mapped', mappedMethod(deps))
  const verifier = new OidcVerifier({ clock: ports.clock, outbound: ports.outbound, logger: ports.logger })
  const oidcAudiences = new OidcAudiences(settings.oidcAudiences)

  const identityUrlOf = (url: URL): string => `${url.origin}/identity`
  const api: ServiceApi = {
    type: 'identity',
    routes,
    maxBodyBytes: IDENTITY_MAX_BODY_BYTES,
    headFromGet: true,
    handlers: {
      versions: context => jsonResponse(300, identityVersionsDocument(context.serviceUrl), { location: `${context.serviceUrl}/v3/` }),
      version: context => jsonResponse(200, identityVersionDocument(context.serviceUrl)),
      ...authHandlers(deps),
      ...resourceHandlers(deps),
      ...roleHandlers(deps),
      ...grantHandlers(deps),
      ...groupHandlers(deps),
      ...catalogHandlers(deps),
      ...applicationCredentialHandlers(deps),
      ...federationHandlers(deps),
      ...federationAuthHandlers(deps, verifier, oidcAudiences, settings.federationFrontEnd)
    },
    renderFault: (fault, request) => renderIdentityFault(fault, identityUrlOf(request.url)),
    renderUnauthorized: request => renderIdentityFault(new Unauthorized(), identityUrlOf(request.url)),
    malformedBody: () => new BadRequest('Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'),
    invalidInput: problem => new BadRequest(`Invalid input for field '${problem.path}': ${problem.detail}`)
  }
  return { api, state, tokens, deps, oidcAudiences }
}

