/**
 * Reads a cloudlet's load from its Placement service, over HTTP with the cloudlet admin's
 * token: what a candidate answers when placement asks for its fresh load (issue 4).
 *
 * Placement 1.x has no call that returns every provider's inventories and usages at once, so
 * this takes 1 + 2N calls for N resource providers: GET /resource_providers, then, for each
 * provider concurrently, GET /resource_providers/{uuid}/inventories and .../usages (both since
 * 1.0, admin only by Placement's default policy). GET /allocation_candidates would give
 * capacity and usage in one call, but only for the providers that still have room for the
 * resources asked, so a full host would vanish from the sum instead of counting as full. A
 * cloudlet has a handful of hosts, and on loopback the whole read takes a few milliseconds.
 *
 * A provider deleted between the list and its reads (404) is left out, as it no longer holds
 * anything. A 401 drops the token and the read is tried once more with a new one. Everything
 * else that is not a load — a refused token, an error status, a body that is not Placement's,
 * no answer within the timeout — rejects with a CloudletLoadError that says what and where.
 */
import type { HttpHandler, HttpResponse } from '../core/http.ts'
import { discardBody, httpRequest, readBody } from '../core/http.ts'
import type { CloudletLoad } from '../protocol/placement/cloudlet-load.ts'
import { CloudletLoadError, cloudletLoadFromPlacement, providerUuids } from './cloudlet-load.ts'
import type { ProviderReport } from './cloudlet-load.ts'
import type { TokenSource } from './keystone-token-source.ts'

export interface CloudletLoadReaderOptions {
  /** HTTP to the cloudlet (runtime/http-client.ts, or a cloudlet's handler in memory). */
  readonly http: HttpHandler
  /** Tokens of the cloudlet's admin (Placement's default policy is admin only). */
  readonly tokens: TokenSource
  /** Placement's endpoint from the catalog, e.g. http://127.0.0.1:8000/placement. */
  readonly placementUrl: string
  /** The whole read must finish within this; default 2 s. */
  readonly timeoutMs?: number
  /** Provider reads in flight at once; default 8. */
  readonly concurrency?: number
}

const DEFAULT_TIMEOUT_MS = 2_000
const DEFAULT_CONCURRENCY = 8
const MAX_BODY_BYTES = 8 * 1024 * 1024
/** The microversion asked for: the bodies read here have had this shape since 1.0. */
const PLACEMENT_VERSION = 'placement 1.0'
/** A provider that was deleted after the list named it. */
const GONE: unique symbol = Symbol('gone')

export class CloudletLoadReader {
  readonly #http: HttpHandler
  readonly #tokens: TokenSource
  readonly #base: string
  readonly #timeoutMs: number
  readonly #concurrency: number

  constructor (options: CloudletLoadReaderOptions) {
    this.#http = options.http
    this.#tokens = options.tokens
    this.#base = options.placementUrl.replace(/\/+$/, '')
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY)
  }

  /** The cloudlet's load now. Rejects with CloudletLoadError; never with anything else. */
  async read (): Promise<CloudletLoad> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new CloudletLoadError(`Placement at ${this.#base} did not answer within ${this.#timeoutMs} ms`)) }, this.#timeoutMs)
    })
    try {
      return await Promise.race([this.#read(), timeout])
    } catch (error) {
      if (error instanceof CloudletLoadError) throw error
      throw new CloudletLoadError(`reading the load from Placement at ${this.#base} failed: ${(error as Error).message}`, { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  async #read (): Promise<CloudletLoad> {
    const uuids = providerUuids(await this.#get('/resource_providers'))
    const reports: ProviderReport[] = []
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < uuids.length) {
        const uuid = uuids[next++] as string
        const path = `/resource_providers/${encodeURIComponent(uuid)}`
        const [inventories, usages] = await Promise.all([this.#get(`${path}/inventories`, true), this.#get(`${path}/usages`, true)])
        if (inventories !== GONE && usages !== GONE) reports.push({ uuid, inventories, usages })
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, uuids.length) }, worker))
    return cloudletLoadFromPlacement(reports)
  }

  /** GET a Placement path as JSON; GONE for a 404 when `missingIsGone`. */
  async #get (path: string, missingIsGone = false): Promise<unknown> {
    const token = await this.#token()
    let response = await this.#call(path, token)
    if (response.status === 401) {
      await discardBody(response.body)
      this.#tokens.invalidate(token)
      response = await this.#call(path, await this.#token())
    }
    const url = `${this.#base}${path}`
    if (response.status === 404 && missingIsGone) {
      await discardBody(response.body)
      return GONE
    }
    let text: string
    try {
      text = new TextDecoder().decode(await readBody(response.body, MAX_BODY_BYTES))
    } catch (error) {
      throw new CloudletLoadError(`GET ${url}: the body could not be read: ${(error as Error).message}`, { cause: error })
    }
    if (response.status !== 200) throw new CloudletLoadError(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`)
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new CloudletLoadError(`GET ${url} answered 200 with a body that is not JSON: ${text.slice(0, 100)}`)
    }
  }

  async #token (): Promise<string> {
    try {
      return await this.#tokens.token()
    } catch (error) {
      throw new CloudletLoadError(`no token for Placement at ${this.#base}: ${(error as Error).message}`, { cause: error })
    }
  }

  async #call (path: string, token: string): Promise<HttpResponse> {
    try {
      return await this.#http(httpRequest('GET', `${this.#base}${path}`, {
        headers: { 'x-auth-token': token, accept: 'application/json', 'openstack-api-version': PLACEMENT_VERSION }
      }))
    } catch (error) {
      throw new CloudletLoadError(`GET ${this.#base}${path} failed: ${(error as Error).message}`, { cause: error })
    }
  }
}
