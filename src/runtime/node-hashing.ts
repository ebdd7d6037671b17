/**
 * NodeHashing: the Hashing port on node:crypto. Passwords are hashed with scrypt (memory-hard;
 * N=2^14 by default, r=8, p=1, 16-byte salt, 32-byte key) and stored self-describing as
 * `scrypt$N$r$p$salt$key` in base64, so the parameters can be raised later without breaking
 * stored hashes.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Hashing, IncrementalHash } from '../core/ports.ts'

const R = 8
const P = 1
const KEY_BYTES = 32

export class NodeHashing implements Hashing {
  readonly #cost: number

  /** `cost` is scrypt's N, a power of two; tests may lower it to run faster. */
  constructor (options: { cost?: number } = {}) {
    this.#cost = options.cost ?? 16_384
  }

  create (algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha512'): IncrementalHash {
    const hash = createHash(algorithm)
    return {
      update (chunk: Uint8Array) { hash.update(chunk) },
      digestHex () { return hash.digest('hex') }
    }
  }

  hashPassword (password: string): string {
    const salt = randomBytes(16)
    const key = scryptSync(password, salt, KEY_BYTES, { N: this.#cost, r: R, p: P })
    return `scrypt$${this.#cost}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`
  }

  verifyPassword (password: string, stored: string): boolean {
    const [scheme, n, r, p, salt, key] = stored.split('$')
    if (scheme !== 'scrypt' || n === undefined || r === undefined || p === undefined || salt === undefined || key === undefined) return false
    const expected = Buffer.from(key, 'base64')
    const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) })
    return timingSafeEqual(actual, expected)
  }
}
