/**
 * The image store of the services node (issue 7 §1): where image bytes live, outside every
 * cloudlet. Agents upload to it; a cloudlet's Glance gets only an image record whose location
 * or web-download URL points here. An HttpHandler over the BlobStore and Hashing ports:
 *
 * - `PUT|POST /v1/blobs` (agents only, write-signature.ts): streams the body into the store,
 *   measuring size, md5, sha256 and sha512 on the way (upload-meter.ts); the blob's address is
 *   its sha256. Without an expected sha256 the bytes go to a temporary key and are moved to
 *   their address once complete and checked; with one, straight to their address, the checks
 *   failing the stream before the store commits. Either way a blob is visible only when
 *   complete, a refused upload keeps nothing, and uploading bytes that are already there keeps
 *   one copy and gives the same answer: 201 `{sha256, md5, sha512, size, url}`.
 * - `GET|HEAD /v1/blobs/{sha256}`: the bytes, or one Range of them (206, 416); ETag is the
 *   sha256. Reads need no credentials: the sha256 is the capability (a cloudlet's Glance
 *   fetches the URL as it is), so whoever knows an image's checksum can read its bytes.
 * - `DELETE /v1/blobs/{sha256}` (agents only).
 *
 * Faults are JSON `{"error": {code, title, message}}`; every refusal is logged once, here.
 */
import { emptyResponse, jsonResponse } from '../core/http.ts'
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/http.ts'
import { randomToken } from '../core/ids.ts'
import type { BlobStore, ByteRange, Hashing, Logger, Random } from '../core/ports.ts'
import { contentRange, parseRange } from './byte-range.ts'
import { UploadInterruptedError, UploadMeter, UploadMismatchError, UploadTooLargeError, expectedFromHeaders } from './upload-meter.ts'
import type { BlobDigests } from './upload-meter.ts'
import type { WriteVerifier } from './write-signature.ts'

/** Glance's default image_size_cap: 1 TiB. */
export const DEFAULT_MAX_BLOB_BYTES = 1024 ** 4
export const BLOBS_PATH = '/v1/blobs'

const SHA256_HEX = /^[0-9a-f]{64}$/
const SHA512_HEX = /^[0-9a-f]{128}$/
const BLOB_PATH = /^\/v1\/blobs\/([^/]*)$/

/**
 * A BlobStore that can rename a complete blob (a file rename, S3's copy): moving an upload to
 * its address then costs nothing. Without it the store copies the blob, streaming.
 */
export interface BlobMover {
  /** Puts the blob under `from` under `to` (replacing any there) and removes it from `from`. */
  move(from: string, to: string): Promise<void>
}

export interface ImageStoreDeps {
  readonly blobs: BlobStore & Partial<BlobMover>
  readonly hashing: Hashing
  /** Names temporary keys. */
  readonly random: Random
  readonly logger: Logger
  /** Checks that a write was signed by an agent. */
  readonly writes: WriteVerifier
}

export interface ImageStoreSettings {
  /** The largest blob accepted, in bytes (413 beyond). */
  readonly maxBlobBytes: number
  /** Base of the URLs in answers (what cloudlets fetch); null: the origin each request was sent to. */
  readonly publicUrl: string | null
}

/** The answer to an upload. */
export interface StoredBlob extends BlobDigests {
  readonly url: string
}

/** The BlobStore key of the blob whose sha256 is `sha256`. */
export function blobKey (sha256: string): string {
  return `blobs/${sha256}`
}

/**
 * Blobs are also found by their sha512 — the `os_hash_value` every Glance image view carries —
 * so that an agent copying an image into another cloudlet finds its bytes from the image alone:
 * GET|HEAD /v1/sha512/{hex} serves the same bytes. The BlobStore holds, per sha512, the sha256.
 */
export const SHA512_PATH = '/v1/sha512'

function sha512Key (sha512: string): string {
  return `sha512/${sha512}`
}

export function createImageStore (deps: ImageStoreDeps, settings: ImageStoreSettings): HttpHandler {
  const { blobs, logger } = deps
  const baseOf = (request: HttpRequest): string => (settings.publicUrl ?? request.url.origin).replace(/\/+$/, '')

  const refuse = (request: HttpRequest, status: number, message: string, extra: { headers?: Record<string, string>, agent?: string } = {}): HttpResponse => {
    const fields = { status, method: request.method, path: request.url.pathname, ...(extra.agent === undefined ? {} : { agent: extra.agent }), reason: message }
    if (status === 404 || status === 416) logger.debug(fields, 'image store refused a request')
    else logger.warn(fields, 'image store refused a request')
    return fault(status, message, extra.headers)
  }

  const upload = async (request: HttpRequest): Promise<HttpResponse> => {
    const auth = deps.writes.check(request.method, target(request), request.headers)
    if (!auth.ok) return refuse(request, auth.status, auth.problem)
    const agent = auth.agent
    const parsed = expectedFromHeaders(request.headers)
    if (!parsed.ok) return refuse(request, 400, parsed.problem, { agent })
    const expected = parsed.expected
    if (expected.size !== undefined && expected.size > settings.maxBlobBytes) {
      return refuse(request, 413, `the upload (${expected.size} bytes) is larger than the image store's limit of ${settings.maxBlobBytes} bytes`, { agent })
    }
    const meter = new UploadMeter(deps.hashing, expected, settings.maxBlobBytes)
    const stream = meter.stream(request.body)
    // With the sha256 announced, the bytes go straight to their address (or nowhere, when they are there already).
    const direct = expected.sha256 === undefined ? null : blobKey(expected.sha256)
    const temporary = direct === null ? `incoming/${randomToken(deps.random, 22)}` : null
    try {
      if (direct !== null && blobs.size(direct) !== null) await drain(stream)
      else await blobs.write(direct ?? temporary as string, stream)
    } catch (error) {
      if (error instanceof UploadTooLargeError) return refuse(request, 413, error.message, { agent })
      if (error instanceof UploadMismatchError || error instanceof UploadInterruptedError) return refuse(request, 400, error.message, { agent })
      throw error
    }
    const digests = meter.digests
    if (digests === null) throw new Error('the upload stream ended without its digests')
    if (temporary !== null) await settle(temporary, blobKey(digests.sha256))
    if (blobs.size(sha512Key(digests.sha512)) === null) await blobs.write(sha512Key(digests.sha512), single(new TextEncoder().encode(digests.sha256)))
    const stored: StoredBlob = { ...digests, url: `${baseOf(request)}${BLOBS_PATH}/${digests.sha256}` }
    logger.info({ agent, sha256: digests.sha256, size: digests.size }, 'image store holds a blob')
    return jsonResponse(201, stored, { location: stored.url, etag: etagOf(digests.sha256) })
  }

  /** Puts a complete, checked upload at its address, unless the same bytes are there already. */
  const settle = async (temporary: string, address: string): Promise<void> => {
    try {
      if (blobs.size(address) !== null) return
      if (typeof blobs.move === 'function') {
        await blobs.move(temporary, address)
        return
      }
      const bytes = blobs.read(temporary)
      if (bytes === null) throw new Error(`the upload vanished from ${temporary}`)
      await blobs.write(address, bytes)
    } finally {
      await blobs.delete(temporary)
    }
  }

  const read = async (request: HttpRequest, sha256: string): Promise<HttpResponse> => {
    const key = blobKey(sha256)
    const size = blobs.size(key)
    if (size === null) return refuse(request, 404, `There is no blob ${sha256} in the image store.`)
    const etag = etagOf(sha256)
    const common: Record<string, string> = { etag, 'accept-ranges': 'bytes', 'cache-control': 'public, max-age=31536000, immutable' }
    if (noneMatch(request.headers['if-none-match'], sha256)) return emptyResponse(304, common)
    const ifRange = request.headers['if-range']
    const asked = ifRange !== undefined && ifRange.trim() !== etag ? { kind: 'whole' as const } : parseRange(request.headers.range, size)
    if (asked.kind === 'unsatisfiable') {
      return refuse(request, 416, `The range ${request.headers.range ?? ''} is outside the blob's ${size} bytes.`, { headers: { ...common, 'content-range': contentRange(null, size) } })
    }
    const range: ByteRange | undefined = asked.kind === 'range' ? asked.range : undefined
    const length = range === undefined ? size : range.end - range.start + 1
    const headers: Record<string, string> = { ...common, 'content-type': 'application/octet-stream', 'content-length': String(length) }
    if (range !== undefined) headers['content-range'] = contentRange(range, size)
    const status = range === undefined ? 200 : 206
    if (request.method === 'HEAD') return { status, headers, body: null }
    const body = length === 0 ? null : blobs.read(key, range)
    if (length !== 0 && body === null) return refuse(request, 404, `There is no blob ${sha256} in the image store.`)
    if (body === null) return { status, headers, body }
    // The first chunk before the status: a blob its backend lost since size() answered is a 404, not a cut answer.
    const chunks = body[Symbol.asyncIterator]()
    let first: IteratorResult<Uint8Array>
    try {
      first = await chunks.next()
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return refuse(request, 404, `There is no blob ${sha256} in the image store.`)
      throw error
    }
    return { status, headers, body: rest(first, chunks) }
  }

  const remove = async (request: HttpRequest, sha256: string): Promise<HttpResponse> => {
    const auth = deps.writes.check(request.method, target(request), request.headers)
    if (!auth.ok) return refuse(request, auth.status, auth.problem)
    const key = blobKey(sha256)
    if (blobs.size(key) === null) return refuse(request, 404, `There is no blob ${sha256} in the image store.`, { agent: auth.agent })
    await blobs.delete(key)
    logger.info({ agent: auth.agent, sha256 }, 'image store deleted a blob')
    return emptyResponse(204)
  }

  /** The sha256 of the blob with this sha512, from the small record kept beside it. */
  const sha256Of = async (sha512: string): Promise<string | null> => {
    const record = blobs.read(sha512Key(sha512))
    if (record === null) return null
    const parts: Uint8Array[] = []
    for await (const chunk of record) parts.push(chunk)
    const text = new TextDecoder().decode(concat(parts)).trim()
    return SHA256_HEX.test(text) && blobs.size(blobKey(text)) !== null ? text : null
  }

  const route = async (request: HttpRequest): Promise<HttpResponse> => {
    const path = request.url.pathname
    const method = request.method
    if (path === '/' || path === '/v1' || path === '/v1/') {
      if (method !== 'GET' && method !== 'HEAD') return refuse(request, 405, `${method} is not allowed on ${path}.`, { headers: { allow: 'GET, HEAD' } })
      return jsonResponse(200, { name: 'p2pstack image store', version: 'v1', blobs: `${baseOf(request)}${BLOBS_PATH}`, max_blob_bytes: settings.maxBlobBytes })
    }
    if (path === BLOBS_PATH || path === `${BLOBS_PATH}/`) {
      if (method !== 'PUT' && method !== 'POST') return refuse(request, 405, `${method} is not allowed on ${path}; upload with PUT or POST.`, { headers: { allow: 'PUT, POST' } })
      return await upload(request)
    }
    const bySha512 = path.startsWith(`${SHA512_PATH}/`) ? path.slice(SHA512_PATH.length + 1) : null
    if (bySha512 !== null) {
      if (method !== 'GET' && method !== 'HEAD') return refuse(request, 405, `${method} is not allowed on ${path}.`, { headers: { allow: 'GET, HEAD' } })
      const sha256 = SHA512_HEX.test(bySha512) ? await sha256Of(bySha512) : null
      if (sha256 === null) return refuse(request, 404, `There is no blob with sha512 ${JSON.stringify(bySha512.slice(0, 140))} in the image store.`)
      return await read(request, sha256)
    }
    const match = BLOB_PATH.exec(path)
    if (match === null) return refuse(request, 404, `There is nothing at ${path}.`)
    const sha256 = match[1] ?? ''
    if (!SHA256_HEX.test(sha256)) return refuse(request, 404, `There is no blob ${JSON.stringify(sha256.slice(0, 80))} in the image store: blobs are named by their sha256, 64 lowercase hexadecimal digits.`)
    if (method === 'GET' || method === 'HEAD') return await read(request, sha256)
    if (method === 'DELETE') return await remove(request, sha256)
    return refuse(request, 405, `${method} is not allowed on a blob.`, { headers: { allow: 'GET, HEAD, DELETE' } })
  }

  return async request => {
    try {
      return await route(request)
    } catch (error) {
      logger.error({ err: error, method: request.method, path: request.url.pathname }, 'image store failed')
      return fault(500, 'The image store failed to serve the request; nothing of an upload was kept.')
    }
  }
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  416: 'Requested Range Not Satisfiable',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

function fault (status: number, message: string, headers: Record<string, string> = {}): HttpResponse {
  return jsonResponse(status, { error: { code: status, title: TITLES[status] ?? 'Error', message } }, headers)
}

function target (request: HttpRequest): string {
  return request.url.pathname + request.url.search
}

function etagOf (sha256: string): string {
  return `"${sha256}"`
}

/** If-None-Match names this blob (or `*`). */
function noneMatch (header: string | undefined, sha256: string): boolean {
  if (header === undefined) return false
  return header.split(',').some(tag => {
    const t = tag.trim().replace(/^W\//, '')
    return t === '*' || t === etagOf(sha256)
  })
}

async function drain (stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _chunk of stream) { /* measured and checked by the meter */ }
}

async function * single (bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes
}

function concat (parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

/** A stream from its first result and the rest of its iterator. */
async function * rest (first: IteratorResult<Uint8Array>, chunks: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.done === true) return
  yield first.value
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value
}
