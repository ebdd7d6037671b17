/**
 * CryptoRandom: the Random port on the operating system's CSPRNG, for production, where ids
 * and secrets must be unguessable. Forking returns the same source: there is no sequence to
 * keep independent.
 */
import { randomBytes, randomInt } from 'node:crypto'
import type { Random } from '../core/ports.ts'

export class CryptoRandom implements Random {
  int (maxExclusive: number): number {
    return randomInt(maxExclusive)
  }

  bytes (length: number): Uint8Array {
    return randomBytes(length)
  }

  fork (): Random {
    return this
  }
}
