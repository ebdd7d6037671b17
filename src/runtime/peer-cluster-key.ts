/**
 * The cluster key: the embedded default for authenticating agents to each other. Every agent
 * of a cluster holds the same secret; a message's body is signed with HMAC-SHA256 and the
 * signature travels in the X-P2P-Signature header as `sha256=<hex>` (GitHub's webhook
 * convention). The key that signs is derived from the secret with HKDF for this one purpose,
 * so the same secret can later key other things without one use helping to forge another.
 *
 * What it proves: the sender holds the cluster key. It does not prove which agent sent a
 * message (any holder may claim any id); mutual TLS does (peer-tls-server.ts).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/** The shortest secret accepted, in characters: 32 random characters carry well over 128 bits. */
export const CLUSTER_KEY_MIN_LENGTH = 32

const HKDF_INFO = 'p2pstack peer messages v1'
const SIGNATURE_PREFIX = 'sha256='

export class ClusterKey {
  readonly #key: Buffer

  constructor (secret: string) {
    if (secret.length < CLUSTER_KEY_MIN_LENGTH) throw new ClusterKeyError(`a cluster key needs at least ${CLUSTER_KEY_MIN_LENGTH} characters`)
    this.#key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32))
  }

  /** The X-P2P-Signature value for `body` (the exact bytes sent). */
  sign (body: Uint8Array | string): string {
    return SIGNATURE_PREFIX + this.#mac(body).toString('hex')
  }

  /** True when `header` is the signature of exactly `body`; constant time in the signature. */
  verify (body: Uint8Array | string, header: string | undefined): boolean {
    if (header === undefined || !header.startsWith(SIGNATURE_PREFIX)) return false
    const hex = header.slice(SIGNATURE_PREFIX.length)
    if (!/^[0-9a-f]{64}$/.test(hex)) return false
    return timingSafeEqual(Buffer.from(hex, 'hex'), this.#mac(body))
  }

  #mac (body: Uint8Array | string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest()
  }
}

export class ClusterKeyError extends Error {
  readonly code = 'P2P_ERR_CLUSTER_KEY'
}
