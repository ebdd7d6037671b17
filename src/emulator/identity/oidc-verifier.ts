/**
 * OidcVerifier: checks an OIDC bearer token (a JWT access token) the way Apache
 * mod_auth_openidc does in front of a real Keystone: the issuer must be one the deployment
 * trusts; its keys come from `<iss>/.well-known/openid-configuration` → `jwks_uri`, fetched
 * through the outbound HttpHandler port; the signature, exp and nbf are checked against the
 * Clock port (jose's currentDate), iat may not lie in the future, and `aud` when an audience is
 * required. Keys are cached per issuer for a while (bounded: a few issuers, small documents);
 * a token signed with an unknown kid makes one refetch, at most once per cooldown, so a key
 * rotation is picked up without letting a stream of junk tokens hammer the provider.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose'
import type { JSONWebKeySet, JWTPayload } from 'jose'
import { httpRequest, readBody } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import type { Clock, Logger } from '../../core/ports.ts'

export interface OidcVerifierPorts {
  readonly clock: Clock
  readonly outbound: HttpHandler
  readonly logger: Logger
}

export interface OidcVerifierConfig {
  /** How long fetched keys are trusted before they are fetched again. */
  readonly keysTtlMs: number
  /** The least time between two refetches caused by an unknown kid. */
  readonly refetchCooldownMs: number
  /** How many issuers' keys are kept; the least recently used go first. */
  readonly issuersMax: number
  /** The largest discovery document or key set accepted. */
  readonly documentBytesMax: number
  /** How far in the future an `iat` may lie (clock skew between the provider and us). */
  readonly iatSkewSeconds: number
}

export const DEFAULT_OIDC_VERIFIER_CONFIG: OidcVerifierConfig = {
  keysTtlMs: 600_000,
  refetchCooldownMs: 30_000,
  issuersMax: 16,
  documentBytesMax: 1024 * 1024,
  iatSkewSeconds: 60
}

/** Asymmetric algorithms only: an access token signed with a shared secret or none proves nothing here. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

/** Why a bearer token was refused; the caller answers 401 whatever it says. */
export class OidcVerificationError extends Error {}

interface IssuerKeys {
  readonly jwks: ReturnType<typeof createLocalJWKSet>
  readonly fetchedAtMs: number
  readonly jwksUri: string
}

export class OidcVerifier {
  readonly #ports: OidcVerifierPorts
  readonly #config: OidcVerifierConfig
  readonly #keys = new Map<string, IssuerKeys>()
  readonly #inFlight = new Map<string, Promise<IssuerKeys>>()

  constructor (ports: OidcVerifierPorts, config: OidcVerifierConfig = DEFAULT_OIDC_VERIFIER_CONFIG) {
    this.#ports = ports
    this.#config = config
  }

  /** The token's issuer, unverified: only to choose whose keys to check it with. */
  static issuerOf (token: string): string | null {
    try {
      const iss = decodeJwt(token).iss
      return typeof iss === 'string' ? iss : null
    } catch {
      return null
    }
  }

  /**
   * The verified claims of `token`, which `trustsIssuer` must accept the issuer of. Rejects with
   * OidcVerificationError when anything is wrong, the provider's documents included.
   */
  async verify (token: string, trustsIssuer: (issuer: string) => boolean, audiences: readonly string[] | null): Promise<JWTPayload> {
    const issuer = OidcVerifier.issuerOf(token)
    if (issuer === null) throw new OidcVerificationError('not a JWT with an iss claim')
    if (!trustsIssuer(issuer)) throw new OidcVerificationError(`untrusted issuer ${issuer}`)
    try {
      decodeProtectedHeader(token)
    } catch {
      throw new OidcVerificationError('malformed JWT header')
    }
    let keys = await this.#keysOf(issuer, false)
    let payload: JWTPayload
    try {
      payload = await this.#check(token, issuer, keys, audiences)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.#ports.clock.nowMs() - keys.fetchedAtMs < this.#config.refetchCooldownMs) {
        throw this.#refusal(error)
      }
      keys = await this.#keysOf(issuer, true)
      try {
        payload = await this.#check(token, issuer, keys, audiences)
      } catch (again) {
        throw this.#refusal(again)
      }
    }
    const nowSeconds = Math.floor(this.#ports.clock.wallClockMs() / 1000)
    if (typeof payload.iat === 'number' && payload.iat > nowSeconds + this.#config.iatSkewSeconds) {
      throw new OidcVerificationError('"iat" claim lies in the future')
    }
    return payload
  }

  async #check (token: string, issuer: string, keys: IssuerKeys, audiences: readonly string[] | null): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, keys.jwks, {
      issuer,
      algorithms: ALGORITHMS,
      currentDate: new Date(this.#ports.clock.wallClockMs()),
      ...(audiences !== null ? { audience: [...audiences] } : {})
    })
    return payload
  }

  #refusal (error: unknown): OidcVerificationError {
    if (error instanceof OidcVerificationError) return error
    return new OidcVerificationError(error instanceof Error ? error.message : String(error), { cause: error })
  }

  /** The issuer's keys: cached while fresh, else fetched (one fetch at a time per issuer). */
  async #keysOf (issuer: string, refresh: boolean): Promise<IssuerKeys> {
    const cached = this.#keys.get(issuer)
    if (!refresh && cached !== undefined && this.#ports.clock.nowMs() - cached.fetchedAtMs < this.#config.keysTtlMs) {
      this.#keys.delete(issuer)
      this.#keys.set(issuer, cached)
      return cached
    }
    let pending = this.#inFlight.get(issuer)
    if (pending === undefined) {
      pending = this.#fetchKeys(issuer, cached?.jwksUri).finally(() => this.#inFlight.delete(issuer))
      this.#inFlight.set(issuer, pending)
    }
    const keys = await pending
    this.#keys.delete(issuer)
    this.#keys.set(issuer, keys)
    while (this.#keys.size > this.#config.issuersMax) {
      const oldest = this.#keys.keys().next().value
      if (oldest === undefined) break
      this.#keys.delete(oldest)
    }
    return keys
  }

  async #fetchKeys (issuer: string, knownJwksUri: string | undefined): Promise<IssuerKeys> {
    let jwksUri = knownJwksUri
    if (jwksUri === undefined) {
      const discovery = await this.#fetchJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)
      if (discovery.issuer !== issuer) throw new OidcVerificationError(`discovery document of ${issuer} names issuer ${String(discovery.issuer)}`)
      if (typeof discovery.jwks_uri !== 'string') throw new OidcVerificationError(`discovery document of ${issuer} has no jwks_uri`)
      jwksUri = discovery.jwks_uri
    }
    const jwks = await this.#fetchJson(jwksUri)
    if (!Array.isArray(jwks.keys)) throw new OidcVerificationError(`${jwksUri} is not a JWK set`)
    this.#ports.logger.debug({ issuer, jwksUri, keys: jwks.keys.length }, 'fetched OIDC provider keys')
    return { jwks: createLocalJWKSet(jwks as unknown as JSONWebKeySet), fetchedAtMs: this.#ports.clock.nowMs(), jwksUri }
  }

  async #fetchJson (url: string): Promise<Record<string, unknown>> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new OidcVerificationError(`not a URL: ${url}`)
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new OidcVerificationError(`not an HTTP URL: ${url}`)
    try {
      const response = await this.#ports.outbound(httpRequest('GET', parsed, { headers: { accept: 'application/json' } }))
      const bytes = await readBody(response.body, this.#config.documentBytesMax)
      if (response.status !== 200) throw new OidcVerificationError(`${url} answered ${response.status}`)
      const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new OidcVerificationError(`${url} is not a JSON object`)
      return value as Record<string, unknown>
    } catch (error) {
      this.#ports.logger.warn({ url, err: error }, 'could not fetch an OIDC provider document')
      throw this.#refusal(error)
    }
  }
}
