/**
 * Tokens of the emulated Keystone: issued as opaque random strings (or, given a minter, as
 * whatever it makes of the token's meaning: the identity provider's signed JWTs), kept by
 * their SHA-256 (the store never holds a usable token), valid until expiry or revocation. Roles are resolved
 * when a token is validated, as Keystone does, so a revoked role takes effect at once; the
 * validated result is cached until the identity data changes or a federated group membership
 * it relied on expires. A token made with an application credential carries only the
 * credential's roles that the user still holds (implied roles are not added, as in Keystone);
 * a federated token stops validating when its identity provider is deleted.
 */
import { randomToken } from '../../core/ids.ts'
import type { Clock, Hashing, Random, Store } from '../../core/ports.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { Table } from '../table.ts'
import type { Scope, TokenInfo, TokenRow } from '../../openstack/identity/model.ts'
import type { IdentityState } from './identity-state.ts'

export interface TokenServicePorts {
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly store: Store
}

export interface IssueRequest {
  readonly userId: string
  readonly methods: readonly string[]
  readonly scope: Scope | null
  readonly expiresAtMs?: number
  readonly parentAuditId?: string
  readonly applicationCredential?: TokenRow['applicationCredential']
  readonly federation?: TokenRow['federation']
  /** A time the token must not outlive (an application credential's expiry). */
  readonly notAfterMs?: number
}

/** What a minter makes a token string from: the caller as services will see it, and the audit chain. */
export interface MintRequest {
  readonly auth: Omit<AuthContext, 'token'>
  /** This token's audit id, then its parent's when it was made by rescoping. */
  readonly auditIds: readonly string[]
}

/**
 * A token revoked: one token (by its audit id), every token of a user issued until now, or every
 * token of a user that carries a role removed from the user (in a project, or anywhere when
 * `projectId` is null) — Keystone's revoke_by_grant.
 */
export type TokenRevocation =
  | { readonly kind: 'token', readonly auditId: string, readonly userId: string, readonly expiresAtMs: number }
  | { readonly kind: 'user', readonly userId: string }
  | { readonly kind: 'grant', readonly userId: string, readonly projectId: string | null, readonly roleId: string }

/** How a Keystone that is more than the emulator's makes and publishes its tokens; both optional. */
export interface TokenHooks {
  /** Makes the token string (default: an opaque random string). */
  mint?(request: MintRequest): Promise<string>
  /**
   * Told of every revocation, after it happened (the identity provider publishes them): each
   * unexpired token revoked, by its audit id — those of a user's tokens included, before the
   * event naming the user — so a token's revocation never depends on comparing times.
   */
  revoked?(revocation: TokenRevocation): void
}

export class TokenService {
  readonly #state: IdentityState
  readonly #ports: TokenServicePorts
  readonly #tokens: Table<TokenRow>
  readonly #ttlMs: number
  readonly #cache = new Map<string, { generation: number, staleAtMs: number, info: TokenInfo | null, auth: AuthContext | null }>()
  readonly #hooks: TokenHooks

  constructor (state: IdentityState, ports: TokenServicePorts, ttlMs: number, hooks: TokenHooks = {}) {
    this.#state = state
    this.#ports = ports
    this.#tokens = new Table(ports.store, 'identity.token')
    this.#ttlMs = ttlMs
    this.#hooks = hooks
  }

  /** The longest any token lives: a rescoped token keeps its parent's expiry, nothing outlives the TTL. */
  get ttlMs (): number {
    return this.#ttlMs
  }

  /** Issues a token; the caller has already checked the credentials and the scope. */
  async issue (request: IssueRequest): Promise<TokenInfo> {
    const mint = this.#hooks.mint
    const opaque = mint === undefined ? `gAAAAAB${randomToken(this.#ports.random, 176)}` : ''
    const now = this.#ports.clock.wallClockMs()
    const auditId = randomToken(this.#ports.random, 22)
    const draft: TokenRow = {
      id: '',
      userId: request.userId,
      methods: request.methods,
      scope: request.scope,
      issuedAtMs: now,
      expiresAtMs: Math.min(request.expiresAtMs ?? now + this.#ttlMs, request.notAfterMs ?? Number.POSITIVE_INFINITY),
      auditIds: request.parentAuditId === undefined ? [auditId] : [auditId, request.parentAuditId],
      applicationCredential: request.applicationCredential ?? null,
      federation: request.federation ?? null
    }
    const drafted = this.#resolve(draft, opaque)
    if (drafted === null) throw new Error('a token issued for a valid user and scope did not resolve')
    let token = opaque
    if (mint !== undefined) {
      const { token: _none, ...auth } = toAuthContext(drafted)
      token = await mint({ auth, auditIds: draft.auditIds })
    }
    const row: TokenRow = { ...draft, id: this.#digest(token) }
    this.#tokens.put(row)
    return { ...drafted, row, token }
  }

  /** The token's meaning, or null if it is unknown, expired, revoked, or its user, project or roles are gone. */
  validate (token: string): TokenInfo | null {
    return this.#cached(token).info
  }

  /** What services need to know of the caller; null for an invalid token. */
  authenticate (token: string): AuthContext | null {
    return this.#cached(token).auth
  }

  /** Revokes a token; false if it was not valid. */
  revoke (token: string): boolean {
    const id = this.#digest(token)
    const row = this.#tokens.get(id)
    if (row === undefined) return false
    this.#tokens.delete(id)
    this.#cache.delete(token)
    this.#revokedOne(row)
    return true
  }

  /** Revokes every token of a user (password change, user disabled or deleted). */
  revokeUser (userId: string): void {
    for (const row of this.#tokens.filter(t => t.userId === userId)) {
      this.#tokens.delete(row.id)
      this.#revokedOne(row)
    }
    this.#cache.clear()
    this.#hooks.revoked?.({ kind: 'user', userId })
  }

  /**
   * A role was removed from a user. The emulator's own tokens resolve their roles when validated,
   * so a plain Keystone changes nothing. A provider whose tokens carry their roles (JWTs checked
   * elsewhere, with a `revoked` hook) revokes the user's tokens that carried it — those scoped to
   * the project, each by its audit id — and publishes the grant's own event (Keystone's
   * revoke_by_grant), so that they stop working everywhere.
   */
  revokeGrant (userId: string, projectId: string | null, roleId: string): void {
    if (this.#hooks.revoked === undefined) return
    const carried = this.#tokens.filter(t => t.userId === userId && t.scope?.kind === 'project' && (projectId === null || t.scope.id === projectId))
    for (const row of carried) {
      this.#tokens.delete(row.id)
      this.#revokedOne(row)
    }
    this.#cache.clear()
    this.#hooks.revoked({ kind: 'grant', userId, projectId, roleId })
  }

  /** Revokes every token issued for an application credential (credential deleted). */
  revokeApplicationCredential (credentialId: string): void {
    for (const row of this.#tokens.filter(t => t.applicationCredential?.id === credentialId)) {
      this.#tokens.delete(row.id)
      this.#revokedOne(row)
    }
    this.#cache.clear()
  }

  #revokedOne (row: TokenRow): void {
    if (this.#hooks.revoked === undefined || row.expiresAtMs <= this.#ports.clock.wallClockMs()) return
    this.#hooks.revoked({ kind: 'token', auditId: row.auditIds[0] ?? '', userId: row.userId, expiresAtMs: row.expiresAtMs })
  }

  /**
   * The role ids a token for this user, scope and origin would carry: the user's effective roles
   * (through groups, the federated groups included), cut down to an application credential's.
   */
  roleIdsFor (userId: string, scope: Scope, federation: TokenRow['federation'], applicationCredential: TokenRow['applicationCredential']): string[] {
    const roleIds = this.#state.effectiveRoleIds(userId, scope, federation?.groupIds ?? [])
    if (applicationCredential === null) return roleIds
    const held = new Set(roleIds)
    return applicationCredential.roleIds.filter(id => held.has(id))
  }

  /** Forgets expired tokens; called from time to time, not on the request path. */
  purgeExpired (): void {
    const now = this.#ports.clock.wallClockMs()
    for (const row of this.#tokens.filter(t => t.expiresAtMs <= now)) this.#tokens.delete(row.id)
    for (const [token, entry] of this.#cache) {
      if (entry.info === null || entry.info.row.expiresAtMs <= now) this.#cache.delete(token)
    }
  }

  #cached (token: string): { info: TokenInfo | null, auth: AuthContext | null } {
    const generation = this.#state.generation
    const now = this.#ports.clock.wallClockMs()
    let entry = this.#cache.get(token)
    if (entry === undefined || entry.generation !== generation || entry.staleAtMs <= now) {
      const row = this.#tokens.get(this.#digest(token))
      const info = row === undefined ? null : this.#resolve(row, token)
      const staleAtMs = row === undefined ? Number.POSITIVE_INFINITY : this.#state.nextMembershipExpiryMs(row.userId)
      entry = { generation, staleAtMs, info, auth: info === null ? null : toAuthContext(info) }
      if (this.#cache.size > 10_000) this.#cache.clear()
      this.#cache.set(token, entry)
    }
    if (entry.info !== null && entry.info.row.expiresAtMs <= now) return { info: null, auth: null }
    if (entry.info === null) this.#cache.delete(token)
    return entry
  }

  #resolve (row: TokenRow, token: string): TokenInfo | null {
    const state = this.#state
    const user = state.users.get(row.userId)
    if (user === undefined || !user.enabled) return null
    const userDomain = state.domains.get(user.domainId)
    if (userDomain === undefined || !userDomain.enabled) return null
    if (row.federation !== null && !state.identityProviders.has(row.federation.idpId)) return null
    if (row.applicationCredential !== null && !state.applicationCredentials.has(row.applicationCredential.id)) return null
    let project: TokenInfo['project'] = null
    let domain: TokenInfo['domain'] = null
    let roleIds: string[] = []
    if (row.scope !== null) {
      roleIds = this.roleIdsFor(user.id, row.scope, row.federation, row.applicationCredential)
      if (roleIds.length === 0) return null
      if (row.scope.kind === 'project') {
        const p = state.projects.get(row.scope.id)
        const pd = p === undefined ? undefined : state.domains.get(p.domainId)
        if (p === undefined || !p.enabled || pd === undefined || !pd.enabled) return null
        project = { id: p.id, name: p.name, domain: { id: pd.id, name: pd.name } }
      } else if (row.scope.kind === 'domain') {
        const d = state.domains.get(row.scope.id)
        if (d === undefined || !d.enabled) return null
        domain = { id: d.id, name: d.name }
      }
    }
    const roles = roleIds
      .map(id => state.roles.get(id))
      .filter(r => r !== undefined)
      .map(r => ({ id: r.id, name: r.name }))
    return {
      row,
      token,
      user: { id: user.id, name: user.name, domain: { id: userDomain.id, name: userDomain.name } },
      project,
      domain,
      system: row.scope?.kind === 'system',
      roles
    }
  }

  #digest (token: string): string {
    const hash = this.#ports.hashing.create('sha256')
    hash.update(new TextEncoder().encode(token))
    return hash.digestHex()
  }
}

function toAuthContext (info: TokenInfo): AuthContext {
  return {
    token: info.token,
    auditId: info.row.auditIds[0] ?? '',
    userId: info.user.id,
    userName: info.user.name,
    userDomainId: info.user.domain.id,
    userDomainName: info.user.domain.name,
    project: info.project === null ? null : { id: info.project.id, name: info.project.name, domainId: info.project.domain.id, domainName: info.project.domain.name },
    domain: info.domain,
    system: info.system,
    roles: info.roles.map(r => r.name.toLowerCase()),
    roleIds: info.roles.map(r => r.id),
    expiresAtMs: info.row.expiresAtMs,
    issuedAtMs: info.row.issuedAtMs,
    methods: info.row.methods,
    applicationCredentialId: info.row.applicationCredential?.id ?? null
  }
}
