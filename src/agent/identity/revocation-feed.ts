/**
 * RevocationFeed: keeps the agent's RevokedTokens current by polling the identity provider's
 * GET /v3/OS-REVOKE/events?since=… (Keystone's revocation events API) with a service token.
 * A token revoked anywhere is refused here at most one poll interval (plus one request) later;
 * tokens deleted through this agent are refused at once (agentIdentityHandler adds them
 * directly). While the provider is unreachable the list stays as it was and polling goes on.
 */
import { z } from 'zod'
import { httpRequest, readBody } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import type { Clock, Logger } from '../../core/ports.ts'
import { isoMicrosZ, parseIsoTimestamp } from '../../openstack/timestamps.ts'
import type { TokenSource } from '../keystone-token-source.ts'
import type { RevokedTokens } from './revoked-tokens.ts'

const MAX_EVENTS_BODY_BYTES = 16 * 1024 * 1024

const eventsSchema = z.looseObject({
  events: z.array(z.looseObject({
    audit_id: z.string().nullish(),
    audit_chain_id: z.string().nullish(),
    user_id: z.string().nullish(),
    project_id: z.string().nullish(),
    role_id: z.string().nullish(),
    issued_before: z.string(),
    revoked_at: z.string().nullish()
  }))
})

export interface RevocationFeedDeps {
  readonly http: HttpHandler
  /** The provider's identity URL, e.g. http://idp.example:5000/identity. */
  readonly identityUrl: string
  /** A token allowed to read revocation events (the agent's service credentials at the provider). */
  readonly tokens: TokenSource
  readonly revoked: RevokedTokens
  readonly clock: Clock
  readonly logger: Logger
}

export class RevocationFeedError extends Error {
  readonly code = 'P2P_ERR_REVOCATION_FEED'
}

export class RevocationFeed {
  readonly #deps: RevocationFeedDeps
  #sinceMs: number | null = null
  #timer: ReturnType<typeof setTimeout> | null = null
  #stopped = true

  constructor (deps: RevocationFeedDeps) {
    this.#deps = deps
  }

  /** Fetches the events since the last poll into the list; resolves with how many arrived. */
  async pollOnce (): Promise<number> {
    const d = this.#deps
    const token = await d.tokens.token()
    const base = `${d.identityUrl.replace(/\/+$/, '')}/v3/OS-REVOKE/events`
    const url = this.#sinceMs === null ? base : `${base}?since=${encodeURIComponent(isoMicrosZ(this.#sinceMs))}`
    let status: number
    let bytes: Uint8Array
    try {
      const response = await d.http(httpRequest('GET', url, { headers: { 'x-auth-token': token, accept: 'application/json' } }))
      status = response.status
      bytes = await readBody(response.body, MAX_EVENTS_BODY_BYTES)
    } catch (error) {
      throw new RevocationFeedError(`cannot reach ${url}: ${(error as Error).message}`, { cause: error })
    }
    if (status === 401) d.tokens.invalidate(token)
    if (status !== 200) throw new RevocationFeedError(`${url} answered ${status}`)
    const parsed = eventsSchema.safeParse(safeJson(bytes))
    if (!parsed.success) throw new RevocationFeedError(`${url} answered something else than revocation events`)
    let latest = this.#sinceMs
    for (const e of parsed.data.events) {
      const issuedBeforeMs = parseIsoTimestamp(e.issued_before)
      if (issuedBeforeMs === null) continue
      d.revoked.add({
        ...(e.audit_id != null ? { auditId: e.audit_id } : {}),
        ...(e.audit_chain_id != null ? { auditChainId: e.audit_chain_id } : {}),
        ...(e.user_id != null ? { userId: e.user_id } : {}),
        ...(e.project_id != null ? { projectId: e.project_id } : {}),
        ...(e.role_id != null ? { roleId: e.role_id } : {}),
        issuedBeforeMs
      })
      const revokedAtMs = e.revoked_at == null ? null : parseIsoTimestamp(e.revoked_at)
      if (revokedAtMs !== null && (latest === null || revokedAtMs > latest)) latest = revokedAtMs
    }
    this.#sinceMs = latest
    d.revoked.prune(d.clock.wallClockMs())
    return parsed.data.events.length
  }

  /** Polls every `intervalMs` until stop(); a failed poll is logged and retried at the next. */
  start (intervalMs: number): void {
    if (!this.#stopped) return
    this.#stopped = false
    const loop = (): void => {
      this.pollOnce().catch(error => {
        this.#deps.logger.warn({ err: error }, 'could not poll revocation events')
      }).finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(loop, intervalMs)
      })
    }
    loop()
  }

  stop (): void {
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }
}

function safeJson (bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown
  } catch {
    return null
  }
}
