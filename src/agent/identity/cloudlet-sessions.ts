/**
 * CloudletSessions: the cloudlet-local token for a user's call into this agent's cloudlet,
 * through Keystone's OS-FEDERATION OpenID Connect flow: POST …/identity_providers/p2pstack/
 * protocols/openid/auth with `Authorization: Bearer <the user's JWT>` (federation `bearer`: a
 * front end such as mod_auth_openidc verifies it) or with the verified claims as `OIDC-*`
 * headers (federation `trusted-headers`, trusted-claim-headers.ts) gives an unscoped
 * federated token (the mapping makes the shadow user and the shadow project named after the
 * global project id), then POST /v3/auth/tokens with the token method scopes it to that
 * project. The result is cached per user token (its audit id) until shortly before the earlier
 * of the two expiries, in a bounded LRU; concurrent calls for one user token share one login.
 * Every login teaches the IdTranslator the shadow ↔ global ids.
 */
import { z } from 'zod'
import { httpRequest, readBody } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import type { Clock, Logger } from '../../core/ports.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { parseIsoTimestamp } from '../../openstack/timestamps.ts'
import { keystoneV3Url, P2PSTACK_FEDERATION } from './federation-names.ts'
import type { FederationNames } from './federation-names.ts'
import type { IdTranslator } from './id-translator.ts'
import { trustedClaimHeaders, verifiedJwtClaims } from './trusted-claim-headers.ts'
import type { CloudletFederationMode } from './trusted-claim-headers.ts'

export interface CloudletSession {
  /** The cloudlet-local, project-scoped token (X-Auth-Token for the cloudlet's services). */
  readonly token: string
  /** When the session ends: the earlier of the local token's and the user token's expiry. */
  readonly expiresAtMs: number
  readonly localProjectId: string
  readonly localUserId: string
}

/** The cloudlet refused the user's token (401/403 at login, or no roles on the shadow project). */
export class CloudletLoginRefusedError extends Error {
  readonly code = 'P2P_ERR_CLOUDLET_LOGIN_REFUSED'
}

/** The cloudlet could not be reached or answered something else than a token. */
export class CloudletUnavailableError extends Error {
  readonly code = 'P2P_ERR_CLOUDLET_UNAVAILABLE'
}

export interface CloudletSessionsDeps {
  /** Reaches the cloudlet's Keystone. */
  readonly http: HttpHandler
  /** The cloudlet's Keystone URL, with or without /v3. */
  readonly keystoneUrl: string
  readonly clock: Clock
  readonly logger: Logger
  /** Learns every session's ids, when given. */
  readonly translator?: IdTranslator
  readonly names?: FederationNames
  /**
   * How the user is presented at the federated login; default `bearer`. `trusted-headers`
   * needs the issuer the claims are vouched for (the cloudlet's identity provider's remote id).
   */
  readonly federation?: { readonly mode: 'bearer' } | { readonly mode: Extract<CloudletFederationMode, 'trusted-headers'>, readonly issuer: string }
}

export interface CloudletSessionsConfig {
  /** A session is replaced this long before it ends. */
  readonly refreshMarginMs: number
  readonly maxSessions: number
}

export const DEFAULT_CLOUDLET_SESSIONS_CONFIG: CloudletSessionsConfig = { refreshMarginMs: 30_000, maxSessions: 10_000 }

const MAX_BODY_BYTES = 4 * 1024 * 1024

const tokenBodySchema = z.looseObject({
  token: z.looseObject({
    expires_at: z.string(),
    user: z.looseObject({ id: z.string() }),
    project: z.looseObject({ id: z.string() }).optional()
  })
})

interface Cached {
  readonly session: CloudletSession
  readonly refreshAtMs: number
}

export class CloudletSessions {
  readonly #deps: CloudletSessionsDeps
  readonly #config: CloudletSessionsConfig
  readonly #names: FederationNames
  readonly #cache = new Map<string, Cached>()
  readonly #pending = new Map<string, Promise<CloudletSession>>()

  constructor (deps: CloudletSessionsDeps, config: CloudletSessionsConfig = DEFAULT_CLOUDLET_SESSIONS_CONFIG) {
    this.#deps = deps
    this.#config = config
    this.#names = deps.names ?? P2PSTACK_FEDERATION
  }

  /** The session for a verified, project-scoped user token. */
  async session (auth: AuthContext): Promise<CloudletSession> {
    if (auth.project === null) throw new CloudletLoginRefusedError('only a project-scoped token has a session in a cloudlet')
    const key = auth.auditId
    const cached = this.#cache.get(key)
    if (cached !== undefined) {
      this.#cache.delete(key)
      if (this.#deps.clock.wallClockMs() < cached.refreshAtMs) {
        this.#cache.set(key, cached)
        return cached.session
      }
    }
    let pending = this.#pending.get(key)
    if (pending === undefined) {
      pending = this.#login(auth).finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return await pending
  }

  /** Forgets the session of a user token (the cloudlet answered 401 with it, or the token was revoked). */
  invalidate (auditId: string): void {
    this.#cache.delete(auditId)
  }

  get size (): number {
    return this.#cache.size
  }

  async #login (auth: AuthContext): Promise<CloudletSession> {
    const project = auth.project
    if (project === null) throw new CloudletLoginRefusedError('only a project-scoped token has a session in a cloudlet')
    const v3 = keystoneV3Url(this.#deps.keystoneUrl)
    const n = this.#names
    const federated = await this.#post(
      `${v3}/OS-FEDERATION/identity_providers/${encodeURIComponent(n.idpId)}/protocols/${encodeURIComponent(n.protocolId)}/auth`,
      this.#loginHeaders(auth), null, [401, 403])
    const scoped = await this.#post(`${v3}/auth/tokens`, { 'x-auth-token': federated.token }, {
      auth: {
        identity: { methods: ['token'], token: { id: federated.token } },
        scope: { project: { name: project.id, domain: { name: n.domainName } } }
      }
    }, [401, 403, 404])
    const localProjectId = scoped.body.token.project?.id
    if (localProjectId === undefined) throw new CloudletUnavailableError('the cloudlet answered a token without a project')
    const localUserId = scoped.body.token.user.id
    const expiresAtMs = Math.min(scoped.expiresAtMs, federated.expiresAtMs, auth.expiresAtMs)
    const session: CloudletSession = { token: scoped.token, expiresAtMs, localProjectId, localUserId }
    this.#deps.translator?.learn({ localProjectId, globalProjectId: project.id, localUserId, globalUserId: auth.userId })
    const refreshAtMs = expiresAtMs - this.#config.refreshMarginMs
    if (this.#deps.clock.wallClockMs() < refreshAtMs) {
      this.#cache.set(auth.auditId, { session, refreshAtMs })
      while (this.#cache.size > this.#config.maxSessions) {
        const oldest = this.#cache.keys().next().value
        if (oldest === undefined) break
        this.#cache.delete(oldest)
      }
    }
    this.#deps.logger.debug({ userId: auth.userId, projectId: project.id, localProjectId }, 'logged in to the cloudlet')
    return session
  }

  /** The federated login's credentials: the bearer token, or the claims it carries as trusted headers. */
  #loginHeaders (auth: AuthContext): Record<string, string> {
    const federation = this.#deps.federation
    if (federation === undefined || federation.mode === 'bearer') return { authorization: `Bearer ${auth.token}` }
    const claims = verifiedJwtClaims(auth.token)
    if (claims === null) throw new CloudletLoginRefusedError('the user token is not a JWT, so it has no claims to pass to the cloudlet')
    return trustedClaimHeaders(federation.issuer, claims)
  }

  /** `refusals`: the statuses that mean the user's token is not accepted (a 404 on rescoping: no shadow project, so no role). */
  async #post (url: string, headers: Record<string, string>, json: unknown, refusals: readonly number[]): Promise<{ token: string, expiresAtMs: number, body: z.infer<typeof tokenBodySchema> }> {
    let status: number
    let subject: string | undefined
    let text: string
    try {
      const response = await this.#deps.http(httpRequest('POST', url, {
        headers: { ...headers, accept: 'application/json', ...(json === null ? {} : { 'content-type': 'application/json' }) },
        body: json === null ? null : JSON.stringify(json)
      }))
      status = response.status
      subject = response.headers['x-subject-token']
      text = new TextDecoder().decode(await readBody(response.body, MAX_BODY_BYTES))
    } catch (error) {
      throw new CloudletUnavailableError(`cannot reach the cloudlet's Keystone at ${url}: ${(error as Error).message}`, { cause: error })
    }
    if (refusals.includes(status)) {
      throw new CloudletLoginRefusedError(`the cloudlet's Keystone refused the login at ${url}: ${status} ${text.slice(0, 300)}`)
    }
    if (status !== 201 || subject === undefined) {
      throw new CloudletUnavailableError(`the cloudlet's Keystone answered ${status} at ${url}: ${text.slice(0, 300)}`)
    }
    let body: z.infer<typeof tokenBodySchema>
    try {
      body = tokenBodySchema.parse(JSON.parse(text))
    } catch (error) {
      throw new CloudletUnavailableError(`the cloudlet's Keystone answered a body that is not a token at ${url}`, { cause: error })
    }
    const expiresAtMs = parseIsoTimestamp(body.token.expires_at)
    if (expiresAtMs === null) throw new CloudletUnavailableError(`the cloudlet's Keystone answered an unreadable expires_at: ${body.token.expires_at}`)
    return { token: subject, expiresAtMs, body }
  }
}
