/**
 * The identity provider's revocation events, as Keystone's OS-REVOKE extension publishes them
 * (GET /v3/OS-REVOKE/events): a revoked token is an event naming its audit id, a user whose
 * tokens all died (password changed, user disabled or deleted, removed from a group that gave
 * roles) an event naming the user, a role removed from a user an event naming user, project and
 * role (Keystone's revoke_by_grant); each says when it happened (revoked_at) and which tokens it
 * covers (issued_before). Every token a user event covers is also named by its own audit-id
 * event, so agents may rely on audit ids alone (a JWT's iat has whole seconds only; issued_before
 * has milliseconds). Agents, which check tokens locally, poll them (`?since=`) and gossip them.
 * An event is forgotten once every token it covers has expired. Kept in the Store.
 */
import { hexId } from '../core/ids.ts'
import type { Clock, Random, Store } from '../core/ports.ts'
import type { TokenRevocation } from '../emulator/identity/token-service.ts'
import { Table } from '../emulator/table.ts'
import { isoMicrosZ } from '../openstack/timestamps.ts'

export interface RevocationEventRow {
  readonly id: string
  readonly revokedAtMs: number
  /** Tokens issued at or before this time are covered. */
  readonly issuedBeforeMs: number
  readonly auditId: string | null
  readonly userId: string | null
  /** A role removed (with the user, and the project unless it was a domain grant); absent in older rows. */
  readonly projectId?: string | null
  readonly roleId?: string | null
  /** When no token it covers can still be valid. */
  readonly forgetAtMs: number
}

/** One event as Keystone's RevokeEvent.to_dict() renders it: only the fields that are set. */
export interface RevocationEventView {
  readonly audit_id?: string
  readonly user_id?: string
  readonly project_id?: string
  readonly role_id?: string
  readonly issued_before: string
  readonly revoked_at: string
}

export class RevocationEvents {
  readonly #events: Table<RevocationEventRow>
  readonly #clock: Clock
  readonly #random: Random
  readonly #tokenTtlMs: number

  constructor (ports: { store: Store, clock: Clock, random: Random }, tokenTtlMs: number) {
    this.#events = new Table(ports.store, 'idp.revocation_event')
    this.#clock = ports.clock
    this.#random = ports.random
    this.#tokenTtlMs = tokenTtlMs
  }

  /** Records a revocation the token service reports. */
  record (revocation: TokenRevocation): RevocationEventRow {
    const now = this.#clock.wallClockMs()
    this.prune()
    return this.#events.put({
      id: hexId(this.#random),
      revokedAtMs: now,
      issuedBeforeMs: now,
      auditId: revocation.kind === 'token' ? revocation.auditId : null,
      userId: revocation.kind === 'token' ? null : revocation.userId,
      projectId: revocation.kind === 'grant' ? revocation.projectId : null,
      roleId: revocation.kind === 'grant' ? revocation.roleId : null,
      forgetAtMs: revocation.kind === 'token' ? revocation.expiresAtMs : now + this.#tokenTtlMs
    })
  }

  /**
   * The events revoked at or after `sinceMs` (all with null), oldest first. Keystone answers
   * those strictly after; at or after means a poller that passes the newest revoked_at it saw
   * may see that event again, but never misses one recorded later in the same millisecond.
   */
  list (sinceMs: number | null): RevocationEventRow[] {
    this.prune()
    return this.#events.filter(e => sinceMs === null || e.revokedAtMs >= sinceMs).sort((a, b) => a.revokedAtMs - b.revokedAtMs)
  }

  prune (): void {
    const now = this.#clock.wallClockMs()
    for (const e of this.#events.filter(e => e.forgetAtMs <= now)) this.#events.delete(e.id)
  }
}

export function revocationEventView (event: RevocationEventRow): RevocationEventView {
  return {
    ...(event.userId !== null ? { user_id: event.userId } : {}),
    ...(event.auditId !== null ? { audit_id: event.auditId } : {}),
    ...(event.projectId != null ? { project_id: event.projectId } : {}),
    ...(event.roleId != null ? { role_id: event.roleId } : {}),
    issued_before: isoMicrosZ(event.issuedBeforeMs),
    revoked_at: isoMicrosZ(event.revokedAtMs)
  }
}
