/**
 * What the Keystone handlers share: the state, the token service, the ports, the settings,
 * and the authentication methods by name (password, token, application_credential and
 * mapped register themselves there), plus the policy and validation helpers they all use.
 */
import type { z } from 'zod'
import type { Clock, Hashing, Logger, Random } from '../../core/ports.ts'
import { BadRequest, Forbidden } from '../../openstack/faults.ts'
import type { Scope, TokenRow } from '../../openstack/identity/model.ts'
import { validate } from '../../openstack/validation.ts'
import type { RequestContext } from '../request-context.ts'
import type { AuthRequest } from '../../openstack/identity/schemas.ts'
import type { ApplicationCredentials } from './application-credentials.ts'
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
  /** A scope the method imposes (an application credential's project; null: unscoped), overriding the request's. */
  readonly fixedScope?: Scope | null
  /** Carried over when rescoping a token. */
  readonly expiresAtMs?: number
  readonly parentAuditId?: string
  readonly applicationCredential?: TokenRow['applicationCredential']
  readonly federation?: TokenRow['federation']
  /** A time the token must not outlive (an application credential's expiry). */
  readonly notAfterMs?: number
}

/**
 * Checks one method's part of `auth.identity`; throws Unauthorized when it does not prove
 * anything. `auth` is the whole request, for methods that constrain its scope.
 */
export type AuthMethod = (identity: Record<string, unknown>, context: RequestContext, auth: AuthRequest['auth']) => AuthenticatedIdentity

export interface IdentityDeps {
  readonly state: IdentityState
  readonly tokens: TokenService
  readonly applicationCredentials: ApplicationCredentials
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

/** Keystone's "admin_or_owner": admin, or the user named in the path is the caller. */
export function requireAdminOrOwner (context: RequestContext, userId: string, action: string): void {
  if (!context.isAdmin && context.auth.userId !== userId) throw forbidden(action)
}

/**
 * Validates the object inside a body's wrapper (`body.group`, `body.identity_provider`) as
 * Keystone does, so field paths are relative to it: "Invalid input for field 'name': …", or
 * the bare problem when it concerns the object itself.
 */
export function checkMember<T> (schema: z.ZodType<T>, value: unknown): T {
  const result = validate(schema, value ?? {})
  if (result.ok) return result.value
  const { path, detail } = result.problem
  throw new BadRequest(path === '' ? detail : `Invalid input for field '${path}': ${detail}`)
}

/** The member object of a JSON body (`{"group": {...}}` → {...}); Keystone treats a missing one as {}. */
export async function memberOf (context: RequestContext, key: string): Promise<unknown> {
  const body = await context.jsonBody()
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {}
  return (body as Record<string, unknown>)[key] ?? {}
}
