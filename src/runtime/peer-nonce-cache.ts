/**
 * The nonces seen recently, against replay. A message is accepted only while its timestamp is
 * within the window of the receiver's clock, so a nonce needs remembering only until its
 * message could no longer pass that check; after that the timestamp rejects a replay by itself.
 *
 * Entries expire `2 × windowMs` after they were seen on the monotonic clock (a timestamp is at
 * most `windowMs` in the future, and stays acceptable `windowMs` after it), which keeps them in
 * insertion order, so expiry pops from the front of a Map. The cache is bounded: when it is
 * full of unexpired nonces it refuses new ones rather than forget any, because forgetting
 * would let a replay through. Only authenticated messages reach it, so filling it takes a
 * holder of the key.
 */
import type { Clock } from '../core/ports.ts'

export type NonceVerdict = 'fresh' | 'replayed' | 'full'

export class NonceCache {
  readonly #clock: Clock
  readonly #lifetimeMs: number
  readonly #maxEntries: number
  /** nonce → when it may be forgotten (Clock.nowMs). Insertion order is expiry order. */
  readonly #seen = new Map<string, number>()

  constructor (clock: Clock, options: { windowMs: number, maxEntries: number }) {
    this.#clock = clock
    this.#lifetimeMs = 2 * options.windowMs
    this.#maxEntries = options.maxEntries
  }

  get size (): number {
    return this.#seen.size
  }

  /** Records `nonce` if it is new and there is room; says which it was. */
  check (nonce: string): NonceVerdict {
    const now = this.#clock.nowMs()
    this.#expire(now)
    if (this.#seen.has(nonce)) return 'replayed'
    if (this.#seen.size >= this.#maxEntries) return 'full'
    this.#seen.set(nonce, now + this.#lifetimeMs)
    return 'fresh'
  }

  #expire (now: number): void {
    for (const [nonce, expiresAtMs] of this.#seen) {
      if (expiresAtMs > now) return
      this.#seen.delete(nonce)
    }
  }
}
