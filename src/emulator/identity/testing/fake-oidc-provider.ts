/**
 * FakeOidcProvider: a minimal OpenID Connect provider for tests — a discovery document and a
 * JWKS served by an HttpHandler (in memory, or behind a real HTTP server in CLI tests), and
 * access tokens signed with jose. Keys can be rotated and tokens signed with keys it does not
 * publish, to exercise key refetching and bad signatures. Time comes from the caller, so
 * tokens can be minted on a virtual clock. For tests only; nothing in the emulator uses it.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import { jsonResponse } from '../../../core/http.ts'
import type { HttpHandler } from '../../../core/http.ts'

interface SigningKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
}

export interface SignOptions {
  /** Seconds from now until the token expires (default 300); negative for an expired token. */
  readonly expiresInSeconds?: number
  /** Seconds to add to now for iat (default 0). */
  readonly issuedAtOffsetSeconds?: number
  /** Sign with a key the provider does not publish (a bad signature under a known kid, unless `kid` is given). */
  readonly unpublishedKey?: boolean
  /** Overrides the kid in the header. */
  readonly kid?: string
  readonly audience?: string | string[]
}

export interface FakeOidcProvider {
  readonly issuer: string
  /** Serves `<issuer>/.well-known/openid-configuration` and `<issuer>/jwks`; 404 for anything else. */
  readonly handler: HttpHandler
  /** Every URL fetched from the provider, in order. */
  readonly fetched: string[]
  /** A signed access token with these claims (iss, iat, exp added). */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>
  /** Publishes a new signing key (kid `key-<n>`) and signs with it from now on; old keys stay published unless `dropOld`. */
  rotate(options?: { dropOld?: boolean }): Promise<void>
}

export async function makeFakeOidcProvider (issuer: string, nowMs: () => number): Promise<FakeOidcProvider> {
  const keys: SigningKey[] = []
  let generation = 0
  const newKey = async (): Promise<SigningKey> => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const kid = `key-${++generation}`
    return { kid, privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } }
  }
  keys.push(await newKey())
  const stranger = await newKey()
  const fetched: string[] = []
  const base = new URL(issuer)
  const path = base.pathname.replace(/\/+$/, '')

  const handler: HttpHandler = async request => {
    fetched.push(request.url.href)
    if (request.url.origin !== base.origin) return jsonResponse(404, { error: 'not found' })
    if (request.url.pathname === `${path}/.well-known/openid-configuration`) {
      return jsonResponse(200, {
        issuer,
        jwks_uri: `${issuer.replace(/\/+$/, '')}/jwks`,
        authorization_endpoint: `${issuer.replace(/\/+$/, '')}/auth`,
        token_endpoint: `${issuer.replace(/\/+$/, '')}/token`,
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public'],
        response_types_supported: ['code']
      })
    }
    if (request.url.pathname === `${path}/jwks`) return jsonResponse(200, { keys: keys.map(k => k.publicJwk) })
    return jsonResponse(404, { error: 'not found' })
  }

  return {
    issuer,
    handler,
    fetched,
    sign: async (claims, options = {}) => {
      const current = keys[keys.length - 1] as SigningKey
      const key = options.unpublishedKey === true ? stranger : current
      const now = Math.floor(nowMs() / 1000)
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? current.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setIssuedAt(now + (options.issuedAtOffsetSeconds ?? 0))
        .setExpirationTime(now + (options.expiresInSeconds ?? 300))
      if (options.audience !== undefined) jwt.setAudience(options.audience)
      return await jwt.sign(key.privateKey)
    },
    rotate: async (options = {}) => {
      const key = await newKey()
      if (options.dropOld === true) keys.length = 0
      keys.push(key)
    }
  }
}
