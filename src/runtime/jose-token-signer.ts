/**
 * JoseTokenSigner: the TokenSigner port on jose (ES256 over WebCrypto). Keys are exported as
 * JWKs so the identity provider can keep them in its Store; an imported private key is cached
 * by kid, because importing costs more than signing.
 */
import { SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import type { SigningKeyPair, TokenSigner } from '../core/ports.ts'

const ALG = 'ES256'

export class JoseTokenSigner implements TokenSigner {
  readonly #imported = new Map<string, { jwk: Readonly<Record<string, string>>, key: CryptoKey }>()

  async generateKeyPair (): Promise<SigningKeyPair> {
    const pair = await generateKeyPair(ALG, { extractable: true })
    return { privateJwk: stringFields(await exportJWK(pair.privateKey)), publicJwk: stringFields(await exportJWK(pair.publicKey)) }
  }

  async sign (claims: Readonly<Record<string, unknown>>, kid: string, privateJwk: Readonly<Record<string, string>>): Promise<string> {
    return await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: ALG, typ: 'JWT', kid })
      .sign(await this.#key(kid, privateJwk))
  }

  async #key (kid: string, jwk: Readonly<Record<string, string>>): Promise<CryptoKey> {
    const cached = this.#imported.get(kid)
    if (cached !== undefined && cached.jwk === jwk) return cached.key
    const key = await importJWK({ ...jwk } as JWK, ALG)
    if (key instanceof Uint8Array) throw new Error('an ES256 JWK imported as a secret')
    if (this.#imported.size > 64) this.#imported.clear()
    this.#imported.set(kid, { jwk, key })
    return key
  }
}

function stringFields (jwk: JWK): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(jwk)) if (typeof value === 'string') fields[name] = value
  return fields
}
