/**
 * HttpBlobStore: the BlobStore port on a plain HTTP server that speaks the few WebDAV methods
 * a file needs — PUT, GET (with Range), HEAD, DELETE and MOVE — such as Debian's nginx with
 * `dav_methods PUT DELETE MOVE; create_full_put_path on; client_max_body_size 0;` (no PROPFIND
 * needed). The image store's optional plain-HTTP backend (issue 7 §1).
 *
 * - Bytes stream both ways on undici: a PUT sends the body chunk by chunk (chunked encoding),
 *   a GET hands the answer's body on as it arrives; a blob never sits in memory whole. The
 *   server makes a PUT visible only once complete (nginx writes to a temporary file and renames
 *   it), so a body that fails midway leaves no blob; the body's own error is rethrown as is.
 *   After a PUT, a HEAD checks the size the server holds.
 * - Keys are hashed into names (`<2 hex>/<sha256 of the key>` under the base URL), so any key
 *   is safe in a URL. `move` is WebDAV's MOVE (a rename on the server: no copy).
 * - The port's `size()` is synchronous, so sizes come from a small local index (SQLite, in
 *   `stateDir`), written on every write, move and delete. The index is the store's view: a blob
 *   put on the server by other means is not seen. A blob removed behind the store's back is
 *   found by the next read (GET answers 404); a HEAD confirms it, the index forgets it, the
 *   read fails with BlobMissingError, and from then on `size()` answers null (so the image
 *   store answers 404).
 * - Bounded connect, headers and body-idle timeouts; optional basic or bearer authorization
 *   (user:password in the URL is taken as basic). Errors name the method and the URL, never
 *   the credentials.
 *
 * Also a BlobMover (imagestore/image-store.ts), structurally: runtime may not import imagestore.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import Database from 'better-sqlite3'
import { Agent, request } from 'undici'
import type { Dispatcher } from 'undici'
import type { BlobStore, ByteRange } from '../core/ports.ts'

/** How the store authenticates to the server: HTTP basic, or a bearer token. */
export type HttpBlobAuth =
  | { readonly basic: { readonly username: string, readonly password: string } }
  | { readonly bearer: string }

export interface HttpBlobStoreOptions {
  /** Base URL of the collection the blobs go under (http or https); user:password in it is taken as basic auth. */
  readonly url: string
  /** Directory of the local index of blob sizes; created if missing. Keep it with the server's data. */
  readonly stateDir: string
  /** Overrides credentials in the URL. */
  readonly auth?: HttpBlobAuth
  /** Default 10 s. */
  readonly connectTimeoutMs?: number
  /** From the end of the request to the answer's headers; default 120 s (a server may copy a large PUT into place). */
  readonly headersTimeoutMs?: number
  /** The longest silence while an answer's body is awaited (not while the reader holds back); default 60 s. */
  readonly bodyTimeoutMs?: number
  /** Connections to the server at a time; default 16. */
  readonly maxConnections?: number
}

/** The server no longer holds a blob the index listed (removed behind the store's back). */
export class BlobMissingError extends Error {
  readonly code = 'ENOENT'
  readonly key: string
  constructor (key: string, url: string) {
    super(`the blob ${JSON.stringify(key)} is no longer at ${url} (404); it was removed from the index`)
    this.key = key
  }
}

/** The URL without its user:password, for messages and logs. */
export function withoutCredentials (url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.href
  } catch {
    return '(not a URL)'
  }
}

const INDEX_FILE = 'http-blob-index.sqlite'

export class HttpBlobStore implements BlobStore {
  /** The base URL, without credentials. */
  readonly url: string
  readonly #base: URL
  readonly #authorization: string | null
  readonly #dispatcher: Agent
  readonly #index: SizeIndex

  constructor (options: HttpBlobStoreOptions) {
    let base: URL
    try {
      base = new URL(options.url)
    } catch {
      throw new Error('the blob backend URL is not a URL')
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`the blob backend URL must be http or https, not ${base.protocol}`)
    if (base.search !== '' || base.hash !== '') throw new Error('the blob backend URL must have no query or fragment')
    const fromUrl: HttpBlobAuth | null = base.username === ''
      ? null
      : { basic: { username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) } }
    base.username = ''
    base.password = ''
    if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`
    this.#base = base
    this.url = base.href
    this.#authorization = authorizationOf(options.auth ?? fromUrl)
    mkdirSync(options.stateDir, { recursive: true })
    this.#index = new SizeIndex(join(options.stateDir, INDEX_FILE))
    this.#dispatcher = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      headersTimeout: options.headersTimeoutMs ?? 120_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
      connections: options.maxConnections ?? 16
    })
  }

  async write (key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    const url = this.#urlOf(key)
    const size = await this.#put(url, body)
    this.#index.put(key, size)
    return { size }
  }

  read (key: string, range?: ByteRange): AsyncIterable<Uint8Array> | null {
    const size = this.#index.size(key)
    if (size === null) return null
    return this.#get(key, size, range)
  }

  size (key: string): number | null {
    return this.#index.size(key)
  }

  async delete (key: string): Promise<void> {
    await this.#delete(this.#urlOf(key))
    this.#index.delete(key)
  }

  /** Moves a complete blob to another key with WebDAV MOVE (a rename on the server), replacing what was there. */
  async move (from: string, to: string): Promise<void> {
    const target = this.#urlOf(to)
    await this.#move(this.#urlOf(from), target)
    const size = this.#index.size(from) ?? await this.#headSize(target)
    if (size === null) throw new Error(`MOVE to ${target.href}: the server holds nothing there afterwards`)
    this.#index.move(from, to, size)
  }

  /**
   * Checks that the server is there and takes every method the store uses: PUTs, MOVEs, HEADs
   * and DELETEs a small probe (outside the index). Rejects with what failed.
   */
  async check (): Promise<void> {
    const name = `.p2pstack-probe-${randomBytes(8).toString('hex')}`
    const first = this.#urlOf(name)
    const second = this.#urlOf(`${name}-moved`)
    try {
      const size = await this.#put(first, single(new TextEncoder().encode('probe')))
      await this.#move(first, second)
      if (await this.#headSize(second) !== size) throw new Error(`HEAD ${second.href}: the probe is not there after a MOVE`)
    } finally {
      await Promise.allSettled([this.#delete(first), this.#delete(second)])
    }
  }

  /** Closes the connections and the index. */
  async close (): Promise<void> {
    try {
      await this.#dispatcher.close()
    } finally {
      this.#index.close()
    }
  }

  #urlOf (key: string): URL {
    const name = createHash('sha256').update(key).digest('hex')
    return new URL(`${name.slice(0, 2)}/${name}`, this.#base)
  }

  /** One request; a failure to get an answer becomes an error that names the method and URL. */
  async #send (method: Dispatcher.HttpMethod, url: URL, headers: Record<string, string>, body?: Readable): Promise<Dispatcher.ResponseData> {
    const all = this.#authorization === null ? headers : { ...headers, authorization: this.#authorization }
    try {
      return await request(url, { method, headers: all, body: body ?? null, dispatcher: this.#dispatcher })
    } catch (error) {
      throw new Error(`${method} ${url.href} failed: ${(error as Error).message}`, { cause: error })
    }
  }

  /** PUTs the body; resolves with its size once the server holds that many bytes. */
  async #put (url: URL, body: AsyncIterable<Uint8Array>): Promise<number> {
    const source = new CountedSource(body)
    let response: Dispatcher.ResponseData
    try {
      response = await this.#send('PUT', url, { 'content-type': 'application/octet-stream' }, Readable.from(source.chunks(), { highWaterMark: 2 }))
    } catch (error) {
      if (source.failed) throw source.error
      throw error
    }
    const status = response.statusCode
    await discard(response)
    if (source.failed) throw source.error
    if (status !== 200 && status !== 201 && status !== 204) throw new Error(`PUT ${url.href} answered ${status}`)
    const held = await this.#headSize(url)
    if (held !== source.size) {
      await this.#delete(url).catch(() => undefined)
      throw new Error(`PUT ${url.href}: the server holds ${held ?? 'nothing'} bytes after ${source.size} were sent`)
    }
    return source.size
  }

  async * #get (key: string, indexed: number, range: ByteRange | undefined): AsyncGenerator<Uint8Array> {
    const url = this.#urlOf(key)
    const response = await this.#send('GET', url, range === undefined ? {} : { range: `bytes=${range.start}-${range.end}` })
    const status = response.statusCode
    if (status === 404 || status === 410) {
      await discard(response)
      if (await this.#reconcile(key, url) === null) throw new BlobMissingError(key, url.href)
      throw new Error(`GET ${url.href} answered ${status}, yet HEAD finds the blob: try again`)
    }
    if (status !== 200 && status !== 206) {
      await discard(response)
      throw new Error(`GET ${url.href} answered ${status}`)
    }
    const whole = status === 200
    const expected = range === undefined || whole ? indexed : range.end - range.start + 1
    const length = response.headers['content-length']
    if (typeof length === 'string' && Number(length) !== expected) {
      await discard(response)
      const now = await this.#reconcile(key, url)
      throw new Error(`GET ${url.href}: the server holds ${now ?? 'no'} bytes where the index had ${indexed}; the index now has ${now ?? 'none'}`)
    }
    if (status === 206 && range !== undefined && !String(response.headers['content-range'] ?? '').startsWith(`bytes ${range.start}-${range.end}/`)) {
      await discard(response)
      throw new Error(`GET ${url.href}: asked for bytes ${range.start}-${range.end}, answered ${String(response.headers['content-range'])}`)
    }
    const chunks = response.body as AsyncIterable<Uint8Array>
    try {
      // A server that ignores Range sends the whole blob: keep only the range.
      yield * (whole && range !== undefined ? sliced(chunks, range) : chunks)
    } catch (error) {
      throw new Error(`GET ${url.href} broke off: ${(error as Error).message}`, { cause: error })
    }
  }

  async #delete (url: URL): Promise<void> {
    const response = await this.#send('DELETE', url, {})
    await discard(response)
    const status = response.statusCode
    if (status !== 200 && status !== 202 && status !== 204 && status !== 404) throw new Error(`DELETE ${url.href} answered ${status}`)
  }

  async #move (from: URL, to: URL): Promise<void> {
    const response = await this.#send('MOVE', from, { destination: to.href, overwrite: 'T' })
    await discard(response)
    const status = response.statusCode
    if (status !== 201 && status !== 204) throw new Error(`MOVE ${from.href} to ${to.href} answered ${status}`)
  }

  /** The size the server holds at `url`, or null if it holds nothing there. */
  async #headSize (url: URL): Promise<number | null> {
    const response = await this.#send('HEAD', url, {})
    await discard(response)
    const status = response.statusCode
    if (status === 404 || status === 410) return null
    const length = Number(response.headers['content-length'])
    if (status !== 200 || !Number.isSafeInteger(length) || length < 0) throw new Error(`HEAD ${url.href} answered ${status}${status === 200 ? ' without a Content-Length' : ''}`)
    return length
  }

  /** Brings the index in line with the server (HEAD) for one key; the size now, or null. */
  async #reconcile (key: string, url: URL): Promise<number | null> {
    const size = await this.#headSize(url)
    if (size === null) this.#index.delete(key)
    else this.#index.put(key, size)
    return size
  }
}

/** key → size, in one SQLite file: synchronous reads for the port's size(). */
class SizeIndex {
  readonly #db: Database.Database
  readonly #get: Database.Statement<[string], { size: number }>
  readonly #put: Database.Statement<[string, number]>
  readonly #delete: Database.Statement<[string]>

  constructor (file: string) {
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec('CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID')
    this.#get = this.#db.prepare('SELECT size FROM blobs WHERE key = ?')
    this.#put = this.#db.prepare('INSERT INTO blobs (key, size) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET size = excluded.size')
    this.#delete = this.#db.prepare('DELETE FROM blobs WHERE key = ?')
  }

  size (key: string): number | null {
    return this.#get.get(key)?.size ?? null
  }

  put (key: string, size: number): void {
    this.#put.run(key, size)
  }

  delete (key: string): void {
    this.#delete.run(key)
  }

  move (from: string, to: string, size: number): void {
    this.#db.transaction(() => {
      this.#delete.run(from)
      this.#put.run(to, size)
    })()
  }

  close (): void {
    if (this.#db.open) this.#db.close()
  }
}

/** The body of a PUT, counted; remembers the error it failed with, so that it is the one rethrown. */
class CountedSource {
  size = 0
  failed = false
  error: unknown = null
  readonly #body: AsyncIterable<Uint8Array>

  constructor (body: AsyncIterable<Uint8Array>) {
    this.#body = body
  }

  async * chunks (): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of this.#body) {
        this.size += chunk.byteLength
        yield chunk
      }
    } catch (error) {
      this.failed = true
      this.error = error
      throw error
    }
  }
}

function authorizationOf (auth: HttpBlobAuth | null): string | null {
  if (auth === null) return null
  if ('bearer' in auth) return `Bearer ${auth.bearer}`
  return `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`
}

/** Reads and drops an answer's body, so that its connection can be reused. */
async function discard (response: Dispatcher.ResponseData): Promise<void> {
  try {
    await response.body.dump()
  } catch {
    // the connection is gone; nothing to reuse
  }
}

async function * sliced (chunks: AsyncIterable<Uint8Array>, range: ByteRange): AsyncGenerator<Uint8Array> {
  let at = 0
  for await (const chunk of chunks) {
    const from = Math.max(range.start - at, 0)
    const to = Math.min(range.end + 1 - at, chunk.byteLength)
    at += chunk.byteLength
    if (to > from) yield chunk.subarray(from, to)
    if (at > range.end) return
  }
}

async function * single (bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}
