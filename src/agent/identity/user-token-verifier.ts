/**
 * UserTokenVerifier: checks a user's p2pstack token at the agent, locally — an ES256 JWT from
 * the configured identity provider, audience P2PSTACK_TOKEN_AUDIENCE, exp/nbf on the Clock
 * port, claims parsed with p2pstackTokenClaimsSchema — and answers the caller's AuthContext.
 * The provider's keys come through the emulator's OidcVerifier (discovery, JWKS cache, one
 * refetch on an unknown kid per cooldown) over lastGoodDocuments, so verification keeps working
 * while the provider is unreachable. Every answer, cached or fresh, goes through the revocation
 * check. Verified tokens are cached (bounded LRU) until they expire, so a busy agent verifies
 * each token's signature once.
 */
import { decodeProtectedHeader } from 'jose'
import type { HttpHandler } from '../../core/http.ts'
import type { Clock, Logger } from '../../core/ports.ts'
import { DEFAULT_OIDC_VERIFIER_CONFIG, OidcVerificationError, OidcVerifier } from '../../emulator/identity/oidc-verifier.ts'
import type { OidcVerifierConfig } from '../../emulator/identity/oidc-verifier.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { authContextFromClaims, P2PSTACK_TOKEN_AUDIENCE, p2pstackTokenClaimsSchema } from '../../openstack/identity/p2pstack-token-claims.ts'
import type { P2pstackTokenClaims } from '../../openstack/identity/p2pstack-token-claims.ts'
import { lastGoodDocuments } from './last-good-documents.ts'
import type { RevocationCheck } from './revoked-tokens.ts'

/** Why a token was refused; the caller answers 401 (404 for a subject token), whatever it says. */
export class InvalidUserTokenError extends Error {
  readonly code = 'P2P_ERR_INVALID_USER_TOKEN'
}

export interface VerifiedUserToken {
  readonly auth: AuthContext
  readonly claims: P2pstackTokenClaims
}

export interface UserTokenVerifierDeps {
  readonly clock: Clock
  /** Reaches the identity provider (its discovery document and JWKS). */
  readonly outbound: HttpHandler
  readonly logger: Logger
  /** The provider's issuer, e.g. http://idp.example:5000/identity. */
  readonly issuer: string
  /** Checked on every verification; none means nothing is revoked. */
  readonly revocations?: RevocationCheck
}

export interface UserTokenVerifierConfig {
  /** How many verified tokens are remembered. */
  readonly cacheEntries: number
  /** The longest token accepted, in characters (a p2pstack JWT is about 1 KB). */
  readonly tokenCharsMax: number
  readonly oidc: OidcVerifierConfig
}

export const DEFAULT_USER_TOKEN_VERIFIER_CONFIG: UserTokenVerifierConfig = {
  cacheEntries: 10_000,
  tokenCharsMax: 16 * 1024,
  oidc: DEFAULT_OIDC_VERIFIER_CONFIG
}

export class UserTokenVerifier {
  readonly #deps: UserTokenVerifierDeps
  readonly #config: UserTokenVerifierConfig
  readonly #oidc: OidcVerifier
  readonly #cache = new Map<string, VerifiedUserToken>()

  constructor (deps: UserTokenVerifierDeps, config: UserTokenVerifierConfig = DEFAULT_USER_TOKEN_VERIFIER_CONFIG) {
    this.#deps = deps
    this.#config = config
    this.#oidc = new OidcVerifier({ clock: deps.clock, outbound: lastGoodDocuments(deps.outbound, deps.logger), logger: deps.logger }, config.oidc)
  }

  get issuer (): string {
    return this.#deps.issuer
  }

  /** The caller's AuthContext; rejects with InvalidUserTokenError. */
  async verify (token: string): Promise<AuthContext> {
    return (await this.verifyToken(token)).auth
  }

  /** The AuthContext and the claims of a valid, unrevoked token; rejects with InvalidUserTokenError. */
  async verifyToken (token: string): Promise<VerifiedUserToken> {
    const nowMs = this.#deps.clock.wallClockMs()
    let verified = this.#cache.get(token)
    if (verified !== undefined) {
      this.#cache.delete(token)
      if (nowMs >= verified.auth.expiresAtMs) throw new InvalidUserTokenError('token expired')
      this.#cache.set(token, verified)
    } else {
      verified = await this.#verifySignedToken(token)
      this.#remember(token, verified)
    }
    if (this.#deps.revocations?.isRevoked({ auditIds: verified.claims.audit_ids, auth: verified.auth }) === true) {
      throw new InvalidUserTokenError('token revoked')
    }
    return verified
  }

  /** Forgets a cached token (after a revocation, say); the next verification checks it again. */
  forget (token: string): void {
    this.#cache.delete(token)
  }

  async #verifySignedToken (token: string): Promise<VerifiedUserToken> {
    if (token.length === 0 || token.length > this.#config.tokenCharsMax) throw new InvalidUserTokenError('not a p2pstack token')
    try {
      if (decodeProtectedHeader(token).alg !== 'ES256') throw new InvalidUserTokenError('not signed with ES256')
    } catch (error) {
      if (error instanceof InvalidUserTokenError) throw error
      throw new InvalidUserTokenError('not a JWT')
    }
    let payload: Record<string, unknown>
    try {
      payload = await this.#oidc.verify(token, issuer => issuer === this.#deps.issuer, [P2PSTACK_TOKEN_AUDIENCE])
    } catch (error) {
      if (!(error instanceof OidcVerificationError)) throw error
      throw new InvalidUserTokenError(error.message, { cause: error })
    }
    const parsed = p2pstackTokenClaimsSchema.safeParse(payload)
    if (!parsed.success) throw new InvalidUserTokenError(`claims are not p2pstack's: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
    return { claims: parsed.data, auth: authContextFromClaims(parsed.data, token) }
  }

  #remember (token: string, verified: VerifiedUserToken): void {
    this.#cache.set(token, verified)
    while (this.#cache.size > this.#config.cacheEntries) {
      const oldest = this.#cache.keys().next().value
      if (oldest === undefined) break
      this.#cache.delete(oldest)
    }
  }
}
