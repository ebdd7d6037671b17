/**
 * RevokedTokens: the revocation list an agent checks every user token against, in memory.
 * Entries are Keystone's revocation events (GET /v3/OS-REVOKE/events): an event revokes every
 * token whose attributes equal all the attributes the event names (audit_id, audit_chain_id,
 * user_id, project_id, role_id) and that was issued no later than `issued_before`. An event is
 * kept until no token it could match is still valid (issued_before + the longest token
 * lifetime), and the list is bounded (oldest dropped first). It is fed by the RevocationFeed
 * (polling the provider), by this agent's own DELETE /v3/auth/tokens and by the other agents
 * (the revocation gossip); `onNew` hears of every event that was new here, so that the agent
 * can pass on what it learned first.
 */
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import type { RevocationEventRecord } from '../../protocol/state/revocations.ts'

export type RevocationEvent = RevocationEventRecord

/** What a verified token offers to be checked: its audit ids (own, then its parent's) and its context. */
export interface RevocableToken {
  readonly auditIds: readonly string[]
  readonly auth: AuthContext
}

/** The hook UserTokenVerifier calls on every verification, cached or not. */
export interface RevocationCheck {
  isRevoked(token: RevocableToken): boolean
}

export interface RevokedTokensConfig {
  /** The longest lifetime of a token: an event older than this can match no valid token. */
  readonly maxTokenLifetimeMs: number
  readonly maxEvents: number
}

export const DEFAULT_REVOKED_TOKENS_CONFIG: RevokedTokensConfig = { maxTokenLifetimeMs: 24 * 3600_000, maxEvents: 100_000 }

export class RevokedTokens implements RevocationCheck {
  readonly #config: RevokedTokensConfig
  /** Events that name an audit id, by it: the common case (a token deleted), checked in O(1). */
  readonly #byAuditId = new Map<string, RevocationEvent>()
  /** Every other event (user disabled, role removed, …), checked one by one. */
  readonly #others: RevocationEvent[] = []
  /** The keys of #others, so that an event polled again is not added twice. */
  readonly #otherKeys = new Set<string>()

  /** Told every event that was new here (set by the agent once its gossip runs). */
  onNew: ((event: RevocationEvent) => void) | null = null

  constructor (config: RevokedTokensConfig = DEFAULT_REVOKED_TOKENS_CONFIG) {
    this.#config = config
  }

  get size (): number {
    return this.#byAuditId.size + this.#others.length
  }

  /** Adds an event; true if it was new here (then `onNew` hears of it). */
  add (event: RevocationEvent): boolean {
    if (event.auditId !== undefined && event.auditChainId === undefined && event.userId === undefined && event.projectId === undefined && event.roleId === undefined) {
      const known = this.#byAuditId.get(event.auditId)
      if (known !== undefined && known.issuedBeforeMs >= event.issuedBeforeMs) return false
      this.#byAuditId.delete(event.auditId)
      this.#byAuditId.set(event.auditId, event)
    } else {
      const key = eventKey(event)
      if (this.#otherKeys.has(key)) return false
      this.#otherKeys.add(key)
      this.#others.push(event)
    }
    while (this.size > this.#config.maxEvents) {
      if (this.#others.length > this.#byAuditId.size) {
        const dropped = this.#others.shift()
        if (dropped !== undefined) this.#otherKeys.delete(eventKey(dropped))
      }
      else {
        const oldest = this.#byAuditId.keys().next().value
        if (oldest === undefined) break
        this.#byAuditId.delete(oldest)
      }
    }
    this.onNew?.(event)
    return true
  }

  /** Forgets events that can no longer match a valid token. */
  prune (wallClockMs: number): void {
    const horizon = wallClockMs - this.#config.maxTokenLifetimeMs
    for (const [id, event] of this.#byAuditId) if (event.issuedBeforeMs < horizon) this.#byAuditId.delete(id)
    const kept = this.#others.filter(e => e.issuedBeforeMs >= horizon)
    this.#others.length = 0
    this.#others.push(...kept)
    this.#otherKeys.clear()
    for (const e of kept) this.#otherKeys.add(eventKey(e))
  }

  isRevoked (token: RevocableToken): boolean {
    const { auth, auditIds } = token
    const own = auditIds[0]
    if (own !== undefined) {
      const event = this.#byAuditId.get(own)
      if (event !== undefined && auth.issuedAtMs <= event.issuedBeforeMs) return true
    }
    const chain = auditIds[auditIds.length - 1]
    for (const e of this.#others) {
      // A token's iat has whole seconds: one issued in the same second as the event, but after
      // it, must not be caught; the tokens issued before it in that second are named by their
      // own audit-id events, which the provider records for each of them.
      if (auth.issuedAtMs >= Math.floor(e.issuedBeforeMs / 1000) * 1000) continue
      if (e.auditId !== undefined && e.auditId !== own) continue
      if (e.auditChainId !== undefined && e.auditChainId !== chain) continue
      if (e.userId !== undefined && e.userId !== auth.userId) continue
      if (e.projectId !== undefined && e.projectId !== auth.project?.id) continue
      if (e.roleId !== undefined && !auth.roleIds.includes(e.roleId)) continue
      return true
    }
    return false
  }
}

function eventKey (e: RevocationEvent): string {
  return JSON.stringify([e.auditId, e.auditChainId, e.userId, e.projectId, e.roleId, e.issuedBeforeMs])
}
