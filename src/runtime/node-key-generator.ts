/** NodeKeyGenerator: the KeyGenerator port on node:crypto. */
import { generateKeyPairSync } from 'node:crypto'
import type { KeyGenerator } from '../core/ports.ts'

export class NodeKeyGenerator implements KeyGenerator {
  rsaKeyPair (bits: number): { privateKeyPem: string, modulus: Uint8Array, publicExponent: Uint8Array } {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
    const jwk = publicKey.export({ format: 'jwk' })
    return {
      privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      modulus: Buffer.from(jwk.n ?? '', 'base64url'),
      publicExponent: Buffer.from(jwk.e ?? '', 'base64url')
    }
  }
}
