/**
 * Tokens for the agent's own calls to its cloudlet (Placement's load, later the proxy's
 * admin calls): a project-scoped password token from the cloudlet's Keystone, kept until a
 * minute before it expires, shared by concurrent callers, and dropped when a service answers
 * 401 with it. The token's catalog gives the endpoints (Placement's, for the load reader).
 */
import { z } from 'zod'
import type { HttpHandler } from '../core/http.ts'
import { httpRequest, readBody } from '../core/http.ts'
import type { Clock } from '../core/ports.ts'

/** Where the agent gets a token from, for one identity on one cloudlet. */
export interface TokenSource {
  /**
   * A token that was valid when issued and is not near its expiry. Concurrent calls share one
   * request to Keystone. Rejects with a KeystoneAuthError when Keystone refuses or is unreachable.
   */
  token(): Promise<string>
  /** Forgets `token` (a service answered 401 with it), so the next token() asks Keystone again. */
  invalidate(token: string): void
}

export interface KeystonePasswordCredentials {
  /** Keystone's URL, with or without the trailing /v3 (e.g. http://127.0.0.1:8000/identity). */
  readonly authUrl: string
  readonly user: string
  readonly password: string
  readonly project: string
  readonly userDomain?: string
  readonly projectDomain?: string
}

export interface CatalogEndpoint {
  readonly type: string
  readonly interface: string
  readonly region: string | null
  readonly url: string
}

/** Keystone refused the credentials, answered something else than a token, or could not be reached. */
export class KeystoneAuthError extends Error {
  readonly code = 'P2P_ERR_KEYSTONE_AUTH'
}

/** How long before its expiry a token is replaced. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000
const MAX_TOKEN_BODY_BYTES = 4 * 1024 * 1024

const tokenBodySchema = z.looseObject({
  token: z.looseObject({
    expires_at: z.string(),
    catalog: z.array(z.looseObject({
      type: z.string(),
      endpoints: z.array(z.looseObject({ interface: z.string(), url: z.string(), region: z.string().nullable().optional(), region_id: z.string().nullable().optional() }))
    })).optional()
  })
})

interface Issued {
  readonly token: string
  readonly refreshAtMs: number
  readonly catalog: readonly CatalogEndpoint[]
}

export class KeystonePasswordTokenSource implements TokenSource {
  readonly #http: HttpHandler
  readonly #clock: Clock
  readonly #credentials: KeystonePasswordCredentials
  #issued: Issued | null = null
  #pending: Promise<Issued> | null = null

  constructor (http: HttpHandler, clock: Clock, credentials: KeystonePasswordCredentials) {
    this.#http = http
    this.#clock = clock
    this.#credentials = credentials
  }

  async token (): Promise<string> {
    return (await this.#current()).token
  }

  invalidate (token: string): void {
    if (this.#issued?.token === token) this.#issued = null
  }

  /** The catalog of the current token. */
  async catalog (): Promise<readonly CatalogEndpoint[]> {
    return (await this.#current()).catalog
  }

  /** The URL of a service's endpoint; rejects with KeystoneAuthError when the catalog has none. */
  async endpoint (type: string, options: { interface?: string, region?: string } = {}): Promise<string> {
    const wantedInterface = options.interface ?? 'public'
    const found = (await this.catalog()).find(e => e.type === type && e.interface === wantedInterface && (options.region === undefined || e.region === options.region))
    if (found === undefined) throw new KeystoneAuthError(`the catalog of ${this.#credentials.authUrl} has no ${wantedInterface} ${type} endpoint${options.region === undefined ? '' : ` in ${options.region}`}`)
    return found.url.replace(/\/+$/, '')
  }

  async #current (): Promise<Issued> {
    const issued = this.#issued
    if (issued !== null && this.#clock.wallClockMs() < issued.refreshAtMs) return issued
    if (this.#pending === null) {
      this.#pending = this.#issue().then(fresh => {
        this.#issued = fresh
        return fresh
      }).finally(() => { this.#pending = null })
    }
    return await this.#pending
  }

  async #issue (): Promise<Issued> {
    const c = this.#credentials
    const base = c.authUrl.replace(/\/+$/, '')
    const url = `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`
    const body = JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: c.user, domain: { name: c.userDomain ?? 'Default' }, password: c.password } } },
        scope: { project: { name: c.project, domain: { name: c.projectDomain ?? 'Default' } } }
      }
    })
    let status: number
    let subject: string | undefined
    let text: string
    try {
      const response = await this.#http(httpRequest('POST', url, { headers: { 'content-type': 'application/json', accept: 'application/json' }, body }))
      status = response.status
      subject = response.headers['x-subject-token']
      text = new TextDecoder().decode(await readBody(response.body, MAX_TOKEN_BODY_BYTES))
    } catch (error) {
      throw new KeystoneAuthError(`cannot get a token from ${url}: ${(error as Error).message}`, { cause: error })
    }
    if (status !== 201 || subject === undefined) {
      throw new KeystoneAuthError(`Keystone at ${url} refused a token for ${c.user} in project ${c.project}: ${status} ${text.slice(0, 300)}`)
    }
    let parsed: z.infer<typeof tokenBodySchema>
    try {
      parsed = tokenBodySchema.parse(JSON.parse(text))
    } catch (error) {
      throw new KeystoneAuthError(`Keystone at ${url} answered a token body that is not Keystone's`, { cause: error })
    }
    const expiresAtMs = Date.parse(parsed.token.expires_at)
    if (Number.isNaN(expiresAtMs)) throw new KeystoneAuthError(`Keystone at ${url} answered an unreadable expires_at: ${parsed.token.expires_at}`)
    const catalog = (parsed.token.catalog ?? []).flatMap(service => service.endpoints.map(e => ({
      type: service.type, interface: e.interface, region: e.region_id ?? e.region ?? null, url: e.url
    })))
    return { token: subject, refreshAtMs: expiresAtMs - TOKEN_REFRESH_MARGIN_MS, catalog }
  }
}
