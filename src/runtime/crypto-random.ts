/**
 * CryptoRandom: the Random port on the operating system's CSPRNG, for production, where ids
 * and secrets must be unguessable. Small requests are served from a pool refilled 8 KiB at a
 * time (as crypto.randomUUID does): a request id per HTTP request made one CSPRNG call each,
 * measurably slowing the emulator. Forking returns the same source: there is no sequence to
 * keep independent.
 */
import { randomBytes, randomFillSync, randomInt } from 'node:crypto'
import type { Random } from '../core/ports.ts'

const POOL_BYTES = 8192

export class CryptoRandom implements Random {
  readonly #pool = new Uint8Array(POOL_BYTES)
  #offset = POOL_BYTES

  int (maxExclusive: number): number {
    return randomInt(maxExclusive)
  }

  bytes (length: number): Uint8Array {
    if (length > 256) return randomBytes(length)
    if (this.#offset + length > POOL_BYTES) {
      randomFillSync(this.#pool)
      this.#offset = 0
    }
    const out = this.#pool.slice(this.#offset, this.#offset + length)
    this.#offset += length
    return out
  }

  fork (): Random {
    return this
  }
}
