/**
 * Serves an HttpHandler on a node:http server. Requests become HttpRequest values whose body
 * is the socket stream itself (never buffered); response bodies that are strings or bytes are
 * written in one call with their length, stream bodies are written with backpressure and
 * stopped if the client goes away. A request whose body the handler did not read (a 413, a
 * 401 on an upload) closes the connection instead of reading the rest.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chunksLength } from '../core/http.ts'
import type { HttpHandler, HttpHeaders, HttpRequest, HttpResponse } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'

export interface HttpServerOptions {
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  readonly handler: HttpHandler
  readonly logger: Logger
}

export interface RunningHttpServer {
  /** e.g. 'http://127.0.0.1:41234' */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export async function startHttpServer (options: HttpServerOptions): Promise<RunningHttpServer> {
  const server: Server = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => {
    serve(req, res, options).catch(error => {
      options.logger.error({ err: error }, 'response failed')
      res.destroy()
    })
  })
  server.on('clientError', (error, socket) => {
    options.logger.debug({ err: error }, 'malformed HTTP from a client')
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    else socket.destroy()
  })
  server.listen(options.port, options.host)
  await once(server, 'listening')
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
}

async function serve (req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const request = toHttpRequest(req, options)
  let response: HttpResponse
  try {
    response = await options.handler(request)
  } catch (error) {
    options.logger.error({ err: error, method: req.method, url: req.url }, 'handler failed')
    response = { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error": {"code": 500, "title": "Internal Server Error", "message": "An unexpected error occurred."}}' }
  }
  await writeResponse(req, res, request, response)
}

/** Resolves when the response can take more data or is gone; leaves no listener behind. */
async function drainOrClose (res: ServerResponse): Promise<void> {
  await new Promise<void>(resolve => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

function toHttpRequest (req: IncomingMessage, options: HttpServerOptions): HttpRequest {
  let url: URL
  try {
    url = new URL(req.url ?? '/', `http://${req.headers.host ?? `${options.host}:${options.port}`}`)
  } catch {
    url = new URL(req.url ?? '/', `http://${options.host}:${options.port}`)
  }
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined
  return {
    method: req.method ?? 'GET',
    url,
    headers: req.headers as HttpHeaders,
    body: hasBody ? req : null
  }
}

async function writeResponse (req: IncomingMessage, res: ServerResponse, request: HttpRequest, response: HttpResponse): Promise<void> {
  const headers: Record<string, string | number> = { ...response.headers }
  if (request.body !== null && !req.readableEnded) headers.connection = 'close'
  const body = response.body
  if (Array.isArray(body)) {
    // One write of one buffer: measured faster than a corked write per chunk (docs/BENCHMARKS.md).
    const chunks = body as readonly Uint8Array[]
    const joined = Buffer.concat(chunks, chunksLength(chunks))
    if (headers['content-length'] === undefined) headers['content-length'] = joined.byteLength
    res.writeHead(response.status, headers)
    res.end(request.method === 'HEAD' ? undefined : joined)
    return
  }
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = body === null ? null : typeof body === 'string' ? Buffer.from(body) : body
    if (headers['content-length'] === undefined && response.status !== 204 && response.status !== 304) headers['content-length'] = bytes?.byteLength ?? 0
    res.writeHead(response.status, headers)
    res.end(request.method === 'HEAD' ? undefined : bytes ?? undefined)
    return
  }
  res.writeHead(response.status, headers)
  if (request.method === 'HEAD') {
    res.end()
    return
  }
  const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  let aborted = false
  res.on('close', () => { aborted = !res.writableFinished })
  try {
    for (;;) {
      const { done, value } = await iterator.next()
      if (done === true || aborted) break
      if (!res.write(value)) await drainOrClose(res)
    }
  } finally {
    if (aborted) await iterator.return?.()
  }
  if (!aborted) res.end()
}
