/**
 * Mutual TLS for the agent-to-agent interface, the production option: an HTTPS server that
 * accepts only clients whose certificate a cluster CA signed, serving an HttpHandler. The
 * client's identity is its certificate: the agent id in a SAN URI `urn:p2pstack:agent:<id>`,
 * or else the subject CN. The adapter records it beside the request (tlsPeerIdentity), where
 * no header a client sends can forge it; the peer message handler then refuses an envelope
 * whose sender id is not the certificate's.
 *
 * This is a second, small adapter beside http-server.ts (which serves plain HTTP) because the
 * identity lives on the TLS socket, which the HttpHandler seam does not carry. Peer messages
 * and the status document are small JSON bodies, so it writes bodies whole.
 */
import { once } from 'node:events'
import { createServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { PeerCertificate, TLSSocket } from 'node:tls'
import { concatChunks, readBody } from '../core/http.ts'
import type { HttpHandler, HttpHeaders, HttpRequest, HttpResponse } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import type { RunningHttpServer } from './http-server.ts'
import { peerIdSchema } from './peer-envelope.ts'

/** PEM texts: the cluster CA that signs every agent's certificate, and this agent's certificate and key. */
export interface PeerTlsMaterial {
  readonly ca: string
  readonly cert: string
  readonly key: string
}

export interface PeerHttpsServerOptions {
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  readonly tls: PeerTlsMaterial
  readonly handler: HttpHandler
  readonly logger: Logger
  /** Called for each client refused in the handshake (no certificate, or another CA's). */
  readonly onHandshakeFailure?: (error: Error) => void
}

const SAN_URI_PREFIX = 'URI:urn:p2pstack:agent:'

const identities = new WeakMap<HttpRequest, string | null>()

/** The agent id the request's client certificate names, or null (no certificate, or no usable id). */
export function tlsPeerIdentity (request: HttpRequest): string | null {
  return identities.get(request) ?? null
}

/** The agent id a certificate names: its `urn:p2pstack:agent:` SAN URI, or else its CN; null if neither is a valid id. */
export function certificateAgentId (certificate: Pick<PeerCertificate, 'subject' | 'subjectaltname'> | null | undefined): string | null {
  if (certificate === null || certificate === undefined) return null
  for (const name of (certificate.subjectaltname ?? '').split(', ')) {
    if (name.startsWith(SAN_URI_PREFIX)) {
      const id = name.slice(SAN_URI_PREFIX.length)
      return peerIdSchema.safeParse(id).success ? id : null
    }
  }
  const cn: unknown = certificate.subject?.CN
  return typeof cn === 'string' && peerIdSchema.safeParse(cn).success ? cn : null
}

export async function startPeerHttpsServer (options: PeerHttpsServerOptions): Promise<RunningHttpServer> {
  const server = createServer({
    ca: options.tls.ca,
    cert: options.tls.cert,
    key: options.tls.key,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    requestTimeout: 30_000,
    headersTimeout: 10_000,
    keepAliveTimeout: 5_000
  }, (req, res) => {
    serve(req, res, options).catch(error => {
      options.logger.error({ err: error }, 'response failed')
      res.destroy()
    })
  })
  server.on('tlsClientError', (error, socket) => {
    options.onHandshakeFailure?.(error)
    socket.destroy()
  })
  server.on('clientError', (_error, socket) => { socket.destroy() })
  server.listen(options.port, options.host)
  await once(server, 'listening')
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `https://${host}:${address.port}`,
    port: address.port,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
}

async function serve (req: IncomingMessage, res: ServerResponse, options: PeerHttpsServerOptions): Promise<void> {
  const socket = req.socket as TLSSocket
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined
  const request: HttpRequest = {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', `https://${options.host}:${socket.localPort ?? options.port}`),
    headers: req.headers as HttpHeaders,
    body: hasBody ? req : null
  }
  identities.set(request, socket.authorized ? certificateAgentId(socket.getPeerCertificate()) : null)
  let response: HttpResponse
  try {
    response = await options.handler(request)
  } catch (error) {
    options.logger.error({ err: error, method: req.method, url: req.url }, 'handler failed')
    response = { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error": {"code": 500, "message": "An unexpected error occurred."}}' }
  }
  const body = response.body
  const bytes = body === null ? null : typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? body : Array.isArray(body) ? concatChunks(body as readonly Uint8Array[]) : await readBody(body)
  const headers: Record<string, string | number> = { ...response.headers, 'content-length': bytes?.byteLength ?? 0 }
  // A body the handler did not read (a 413, a 401) is not read here either: the connection closes.
  if (hasBody && !req.readableEnded) headers.connection = 'close'
  res.writeHead(response.status, headers)
  res.end(req.method === 'HEAD' ? undefined : bytes ?? undefined)
}
