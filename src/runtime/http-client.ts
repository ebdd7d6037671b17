/**
 * Outbound HTTP as an HttpHandler, on undici: for the few calls an emulated cloudlet makes
 * itself (Glance web-download, OIDC discovery and JWKS). Bodies stream both ways. A bounded
 * connect and headers timeout keep a silent server from holding a request forever.
 */
import { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import type { Dispatcher } from 'undici'
import type { HttpHandler, HttpResponse } from '../core/http.ts'

export interface HttpClientOptions {
  readonly connectTimeoutMs?: number
  readonly headersTimeoutMs?: number
  /** For tests: an undici MockAgent or another dispatcher. */
  readonly dispatcher?: Dispatcher
}

export function createHttpClient (options: HttpClientOptions = {}): HttpHandler & { close(): Promise<void> } {
  const dispatcher = options.dispatcher ?? new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: 60_000
  })
  const handler = async (req: Parameters<HttpHandler>[0]): Promise<HttpResponse> => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && name !== 'host' && name !== 'connection' && name !== 'expect') headers[name] = value
    }
    const response = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.body === null ? null : Readable.from(req.body),
      dispatcher,
      ...(req.signal === undefined ? {} : { signal: req.signal })
    })
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
    }
    return { status: response.statusCode, headers: out, body: response.body }
  }
  return Object.assign(handler, { close: async () => { if (options.dispatcher === undefined) await dispatcher.close() } })
}
