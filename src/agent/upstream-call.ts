/**
 * One call made by the proxy on a user's behalf, to this agent's own cloudlet or to another
 * agent, and the answer made fit for the client: JSON bodies and Location headers go through
 * the caller's rewrite (shadow ids to global ids, upstream URLs to the agent's public ones, with
 * proxy/url-rewrite.ts); other bodies (image data) stream through untouched. Hop-by-hop headers
 * are dropped both ways.
 */
import { readBody } from '../core/http.ts'
import type { HttpBodyStream, HttpHandler, HttpHeaders, HttpResponse } from '../core/http.ts'

/** Request headers a cloudlet or an agent gets from the client's call. */
const PASSED_REQUEST_HEADERS = [
  'accept', 'content-type', 'content-length', 'content-range', 'range', 'openstack-api-version', 'x-openstack-nova-api-version',
  'x-openstack-request-id', 'user-agent', 'if-match', 'if-none-match', 'x-image-meta-checksum'
]

/** Response headers never passed back (the server writing our response sets its own). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer', 'date'])

/** The largest JSON body the proxy reads into memory to rewrite (Nova's and Keystone's limits are far below). */
export const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024

export function passedRequestHeaders (headers: HttpHeaders, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of PASSED_REQUEST_HEADERS) {
    const value = headers[name]
    if (value !== undefined) out[name] = value
  }
  return { ...out, ...extra }
}

export function isJson (contentType: string | undefined): boolean {
  return contentType !== undefined && /\bjson\b/i.test(contentType)
}

export interface Rewrite {
  /** Applied to JSON bodies and to Location headers. */
  readonly text: (text: string) => string
}

/**
 * Makes the upstream call and rewrites the answer. The request body is given as text when the
 * caller has already read (and perhaps rewritten) it, or as the client's stream.
 */
export async function callUpstream (http: HttpHandler, request: {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string | HttpBodyStream | null
  readonly signal?: AbortSignal
}, rewrite: Rewrite): Promise<HttpResponse> {
  const headers = { ...request.headers }
  let body: string | HttpBodyStream | null = request.body
  if (typeof body === 'string') {
    headers['content-length'] = String(Buffer.byteLength(body))
    if (body === '') body = null
  } else if (body === null) {
    delete headers['content-length']
    delete headers['content-type']
  }
  const response = await http({ method: request.method, url: new URL(request.url), headers, body: typeof body === 'string' ? single(body) : body, ...(request.signal === undefined ? {} : { signal: request.signal }) })
  return await rewriteResponse(response, rewrite)
}

async function rewriteResponse (response: HttpResponse, rewrite: Rewrite): Promise<HttpResponse> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(response.headers)) {
    if (HOP_BY_HOP.has(name)) continue
    headers[name] = name === 'location' || name === 'content-location' ? rewrite.text(value) : value
  }
  if (!isJson(response.headers['content-type']) || response.body === null) return { status: response.status, headers: withLength(headers, response), body: response.body }
  const text = new TextDecoder().decode(await readBody(response.body, MAX_JSON_BODY_BYTES))
  return { status: response.status, headers, body: rewrite.text(text) }
}

/** Keeps the upstream length for a streamed body (image data), so clients see it. */
function withLength (headers: Record<string, string>, response: HttpResponse): Record<string, string> {
  const length = response.headers['content-length']
  return length === undefined ? headers : { ...headers, 'content-length': length }
}

async function * single (text: string): HttpBodyStream {
  yield Buffer.from(text)
}

/** The compute version headers of an answer, to pass on with an answer the agent made from it. */
export function passedVersionHeaders (response: HttpResponse): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of ['openstack-api-version', 'x-openstack-nova-api-version', 'vary']) {
    const value = response.headers[name]
    if (value !== undefined) headers[name] = value
  }
  return headers
}

/** Reads a JSON response body that has already been rewritten to a string. */
export function bodyText (response: HttpResponse): string {
  if (typeof response.body === 'string') return response.body
  if (response.body instanceof Uint8Array) return new TextDecoder().decode(response.body)
  return ''
}

/** A JSON object from a text, or {} when it is not one (answers the agent reads, never trusts). */
export function jsonObjectOf (text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
  } catch {
    return {}
  }
}
