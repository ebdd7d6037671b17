/**
 * What an agent refused from its peers, counted per reason, and logged at debug at most once
 * per reason per interval (with how many happened since), so that a flood of bad messages
 * costs a counter increment each, not a log line each.
 */
import type { Clock, Logger } from '../core/ports.ts'

/** Why an incoming peer message was refused (or, for unknown-kind, ignored). */
export const PEER_REJECTION_REASONS = [
  /** No signature header, or no usable client certificate identity. */
  'unauthenticated',
  /** A signature that does not match the body under the cluster key. */
  'bad-signature',
  /** A timestamp outside the window around the receiver's clock. */
  'expired',
  /** A nonce already seen within the window. */
  'replayed',
  /** Not JSON, or not an envelope, or a message that fails its kind's schema. */
  'malformed',
  /** A body larger than the limit. */
  'too-large',
  /** The sender id in the envelope is not the one its certificate names. */
  'identity-mismatch',
  /** The nonce cache is full of unexpired nonces: a flood from a key holder. */
  'overloaded',
  /** Not a POST, or not JSON. */
  'bad-request',
  /** A TLS client that failed the handshake (no certificate, or one from another CA). */
  'tls-handshake',
  /** Accepted and ignored: a message kind this agent does not know (a newer agent's). */
  'unknown-kind'
] as const

export type PeerRejectionReason = typeof PEER_REJECTION_REASONS[number]

export type PeerRejectionCounts = Record<PeerRejectionReason, number>

export class PeerRejections {
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #logIntervalMs: number
  readonly #counts = Object.fromEntries(PEER_REJECTION_REASONS.map(r => [r, 0])) as PeerRejectionCounts
  readonly #lastLoggedAtMs = new Map<PeerRejectionReason, number>()
  readonly #sinceLogged = new Map<PeerRejectionReason, number>()

  constructor (clock: Clock, logger: Logger, options: { logIntervalMs?: number } = {}) {
    this.#clock = clock
    this.#logger = logger
    this.#logIntervalMs = options.logIntervalMs ?? 10_000
  }

  /** Counts one rejection; logs it (with the count since the last log) unless one was logged within the interval. */
  record (reason: PeerRejectionReason, detail: Record<string, unknown> = {}): void {
    this.#counts[reason]++
    const since = (this.#sinceLogged.get(reason) ?? 0) + 1
    const now = this.#clock.nowMs()
    const last = this.#lastLoggedAtMs.get(reason)
    if (last !== undefined && now - last < this.#logIntervalMs) {
      this.#sinceLogged.set(reason, since)
      return
    }
    this.#lastLoggedAtMs.set(reason, now)
    this.#sinceLogged.set(reason, 0)
    this.#logger.debug({ reason, count: since, total: this.#counts[reason], ...detail }, 'peer message refused')
  }

  /** The counts so far, as a copy. */
  counts (): PeerRejectionCounts {
    return { ...this.#counts }
  }
}
