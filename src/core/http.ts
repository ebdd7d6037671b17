/**
 * The HTTP seam: a whole HTTP exchange as a function, `HttpHandler = (HttpRequest) =>
 * Promise<HttpResponse>`. The emulator is such a function, the proxy calls such functions, and
 * tests call them in memory with no sockets (Hono's app.request(), Fastify's inject()).
 *
 * Why not the web-standard Request/Response: measured on this machine, building a web Response
 * around a 120 KB JSON body and reading it back costs more than the whole budget of a request
 * at 5,000 requests/s (docs/ARCHITECTURE.md, "The HTTP seam"). Plain objects whose body is a
 * string, bytes or an async iterable of chunks cost nothing and still stream.
 */

/** Header names are lowercase. A header sent several times is joined with ", ". */
export type HttpHeaders = Readonly<Record<string, string | undefined>>

/** A body as a stream of chunks; each chunk is read once. */
export type HttpBodyStream = AsyncIterable<Uint8Array>

export interface HttpRequest {
  readonly method: string
  /** Absolute, as the client addressed it (scheme and Host included). */
  readonly url: URL
  readonly headers: HttpHeaders
  /** The request body, or null for none (GET, HEAD, or an empty body). */
  readonly body: HttpBodyStream | null
  /** For outbound requests: aborting it gives the request up (the connection is closed). */
  readonly signal?: AbortSignal
}

/**
 * A response body: text, bytes, chunks already in memory (written in one go without being
 * joined first, e.g. a list of cached views), a stream, or nothing.
 */
export type HttpResponseBody = string | Uint8Array | readonly Uint8Array[] | HttpBodyStream | null

export interface HttpResponse {
  readonly status: number
  /** Lowercase header names. content-length is set by whoever writes the body. */
  readonly headers: Record<string, string>
  readonly body: HttpResponseBody
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>

/** Builds a request for in-memory calls (tests, in-process proxying). */
export function httpRequest (
  method: string,
  url: string | URL,
  options: { headers?: Record<string, string>, body?: string | Uint8Array | HttpBodyStream | null } = {}
): HttpRequest {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value
  const body = options.body ?? null
  let stream: HttpBodyStream | null
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body
    if (headers['content-length'] === undefined) headers['content-length'] = String(bytes.byteLength)
    stream = bytes.byteLength === 0 ? null : singleChunk(bytes)
  } else {
    stream = body
  }
  return { method: method.toUpperCase(), url: typeof url === 'string' ? new URL(url) : url, headers, body: stream }
}

async function * singleChunk (bytes: Uint8Array): HttpBodyStream {
  yield bytes
}

const encoder = new TextEncoder()

/**
 * Byte chunks with `separator` between them and `prefix`/`suffix` around, as a chunk list: the
 * bytes are not copied, which matters for large lists of cached views.
 */
export function joinChunks (parts: readonly Uint8Array[], separator: string, prefix: string, suffix: string): Uint8Array[] {
  const sep = encoder.encode(separator)
  const chunks: Uint8Array[] = [encoder.encode(prefix)]
  for (let i = 0; i < parts.length; i++) {
    if (i > 0 && sep.byteLength > 0) chunks.push(sep)
    chunks.push(parts[i] as Uint8Array)
  }
  chunks.push(encoder.encode(suffix))
  return chunks
}

/** Any response body as a stream of chunks (null for none). */
export function bodyStream (body: HttpResponseBody): HttpBodyStream | null {
  if (body === null) return null
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body
    return (async function * () { yield bytes })()
  }
  if (Array.isArray(body)) {
    const chunks = body as readonly Uint8Array[]
    return (async function * () { yield * chunks })()
  }
  return body as HttpBodyStream
}

/** Lets go of a body without reading it (closes a stream). */
export async function discardBody (body: HttpResponseBody): Promise<void> {
  if (body === null || typeof body === 'string' || body instanceof Uint8Array || Array.isArray(body)) return
  await (body as HttpBodyStream)[Symbol.asyncIterator]().return?.()
}

/** A chunk list as one array of bytes. */
export function concatChunks (chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunksLength(chunks))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** The total size in bytes of a chunk list. */
export function chunksLength (chunks: readonly Uint8Array[]): number {
  let total = 0
  for (const chunk of chunks) total += chunk.byteLength
  return total
}

/** Reads a whole body into memory, failing once more than `limitBytes` have arrived. */
export async function readBody (body: HttpResponseBody, limitBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  if (typeof body === 'string') return encoder.encode(body)
  if (body instanceof Uint8Array) return body
  const chunks: Uint8Array[] = []
  let total = 0
  const source: Iterable<Uint8Array> | AsyncIterable<Uint8Array> = Array.isArray(body) ? body as readonly Uint8Array[] : body as HttpBodyStream
  for await (const chunk of source) {
    total += chunk.byteLength
    if (total > limitBytes) throw new BodyTooLargeError(limitBytes)
    chunks.push(chunk)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const all = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}

/** The body went past the size limit while being read. */
export class BodyTooLargeError extends Error {
  readonly code = 'P2P_ERR_BODY_TOO_LARGE'
  readonly limitBytes: number
  constructor (limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`)
    this.limitBytes = limitBytes
  }
}

/** Reads a whole response body as text. */
export async function readText (body: HttpResponseBody): Promise<string> {
  if (typeof body === 'string') return body
  return new TextDecoder().decode(await readBody(body))
}

/** Reads a whole response body as JSON. */
export async function readJson (body: HttpResponseBody): Promise<unknown> {
  return JSON.parse(await readText(body)) as unknown
}

/** A JSON response. `body` is serialised here unless it already is a string of JSON. */
export function jsonResponse (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  }
}

/** A response with no body (204, 202 with nothing to say, HEAD). */
export function emptyResponse (status: number, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: null }
}
