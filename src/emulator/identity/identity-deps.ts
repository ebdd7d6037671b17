/**
 * What the Keystone handlers share: the state, the token service, the ports, the settings,
 * and the authentication methods by name (password and token here; application_credential
 * and mapped register themselves the same way).
 */
import type { Clock, Hashing, Logger, Random } from '../../core/ports.ts'
import { Forbidden } from '../../openstack/faults.ts'
import type { Scope, TokenRow } from '../../openstack/identity/model.ts'
import type { RequestContext } from '../request-context.ts'
import type { IdentityState } from './identity-state.ts'
import type { TokenService } from './token-service.ts'

export interface IdentitySettings {
  /** The one region of the catalog. */
  readonly region: string
  /** Base of every catalog URL; when null, the origin the client used. */
  readonly publicUrl: string | null
}

/** Who an authentication method proved the caller to be. */
export interface AuthenticatedIdentity {
  readonly userId: string
  readonly methods: readonly string[]
  /** A scope the method imposes (an application credential's project), overriding the request's. */
  readonly fixedScope?: Scope
  /** Carried over when rescoping a token. */
  readonly expiresAtMs?: number
  readonly parentAuditId?: string
  readonly applicationCredential?: TokenRow['applicationCredential']
  readonly federation?: TokenRow['federation']
}

/** Checks one method's part of `auth.identity`; throws Unauthorized when it does not prove anything. */
export type AuthMethod = (identity: Record<string, unknown>, context: RequestContext) => AuthenticatedIdentity

export interface IdentityDeps {
  readonly state: IdentityState
  readonly tokens: TokenService
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly logger: Logger
  readonly settings: IdentitySettings
  readonly authMethods: Map<string, AuthMethod>
}

/** The base of catalog URLs for this request. */
export function publicBaseUrl (deps: IdentityDeps, context: RequestContext): string {
  return deps.settings.publicUrl ?? context.request.url.origin
}

/** Keystone's 403 for a policy that does not allow the caller. */
export function forbidden (action: string): Forbidden {
  return new Forbidden(`You are not authorized to perform the requested action: identity:${action}.`)
}

export function requireAdmin (context: RequestContext, action: string): void {
  if (!context.isAdmin) throw forbidden(action)
}
