/**
 * A token revocation event as agents pass it on: Keystone's revocation event (what
 * GET /v3/OS-REVOKE/events lists). It revokes every token whose attributes equal all the
 * attributes the event names and that was issued no later than `issuedBeforeMs`. The set of
 * events only grows (until an event is older than the longest token lifetime and can match no
 * valid token), so merging two replicas is their union: commutative, associative, idempotent.
 *
 * `revocationKey` names an event (two events with the same key are the same event), and
 * `revocationHashes` gives it two independent 32-bit FNV-1a hashes; the digest of a set is the
 * sum of its members' hashes modulo 2^32, which does not depend on the order of the events.
 */

export interface RevocationEventRecord {
  readonly auditId?: string
  readonly auditChainId?: string
  readonly userId?: string
  readonly projectId?: string
  readonly roleId?: string
  /** Tokens issued at or before this time (ms since the epoch) are revoked. */
  readonly issuedBeforeMs: number
}

export function revocationKey (e: RevocationEventRecord): string {
  return JSON.stringify([e.auditId ?? null, e.auditChainId ?? null, e.userId ?? null, e.projectId ?? null, e.roleId ?? null, e.issuedBeforeMs])
}

/** Two 32-bit FNV-1a hashes of the key (different offset bases), as unsigned integers. */
export function revocationHashes (key: string): readonly [number, number] {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x01000193) >>> 0
    b = (b ^ (b >>> 13)) >>> 0
  }
  return [a, b]
}

/** Whether the event names at least one attribute (an event naming none would revoke every token). */
export function namesSomething (e: RevocationEventRecord): boolean {
  return e.auditId !== undefined || e.auditChainId !== undefined || e.userId !== undefined || e.projectId !== undefined || e.roleId !== undefined
}
