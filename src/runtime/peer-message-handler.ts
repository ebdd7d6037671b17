/**
 * The receiving end of the agent-to-agent interface: an HttpHandler for POST /p2p/v1/messages
 * that authenticates, checks and delivers one envelope, and answers 202. Nothing a peer or a
 * stranger sends can crash it: every refusal is a 4xx (or a 503 when the replay cache is full),
 * counted per reason and logged at debug at most once per reason per interval.
 *
 * The checks, cheapest and least trusting first: the size (before reading, from
 * content-length, and while reading); the HMAC of the exact body bytes under the cluster key;
 * the envelope's shape; the timestamp window and the nonce (cluster-key mode: TLS already
 * stops replays on its own connections); the sender id against the client certificate (mutual
 * TLS); finally the message against its kind's schema, and the agent the message speaks for
 * (a ShuffleRequest's sender, a JoinRequest's newcomer) against the envelope's sender. A kind this agent does not know is a
 * newer agent's: it is counted and ignored with a 202, since kinds are only ever added.
 */
import { BodyTooLargeError, emptyResponse, jsonResponse, readBody } from '../core/http.ts'
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/http.ts'
import type { Clock, PeerAddress } from '../core/ports.ts'
import type { ClusterKey } from './peer-cluster-key.ts'
import { checkMessage, parseEnvelope, PEER_SIGNATURE_HEADER } from './peer-envelope.ts'
import type { PeerMessageCodec } from './peer-envelope.ts'
import { NonceCache } from './peer-nonce-cache.ts'
import type { PeerRejectionReason, PeerRejections } from './peer-rejections.ts'
import { tlsPeerIdentity } from './peer-tls-server.ts'

export interface PeerMessageHandlerOptions<M> {
  readonly codec: PeerMessageCodec<M>
  /** Cluster-key mode: every body must carry this key's HMAC. Null when mutual TLS alone authenticates. */
  readonly clusterKey: ClusterKey | null
  /** Mutual-TLS mode: the sender id must be the one its client certificate names. */
  readonly requireCertificateIdentity: boolean
  readonly clock: Clock
  readonly rejections: PeerRejections
  /** Takes one authenticated, checked message. Runs to completion (the protocol's onMessage). */
  readonly deliver: (sender: PeerAddress, message: M) => void
  /** How far a timestamp may be from this agent's wall clock, either way. Default 60 s. */
  readonly timestampWindowMs?: number
  /** Largest body accepted. Default 256 KiB. */
  readonly maxBodyBytes?: number
  /** Bound on remembered nonces. Default 65,536. */
  readonly maxNonces?: number
}

export const DEFAULT_TIMESTAMP_WINDOW_MS = 60_000
export const DEFAULT_MAX_PEER_BODY_BYTES = 256 * 1024

const STATUS_BY_REASON: Record<PeerRejectionReason, number> = {
  'unauthenticated': 401,
  'bad-signature': 401,
  'expired': 401,
  'replayed': 409,
  'malformed': 400,
  'too-large': 413,
  'identity-mismatch': 403,
  'overloaded': 503,
  'bad-request': 405,
  'tls-handshake': 401,
  'unknown-kind': 202
}

export function createPeerMessageHandler<M> (options: PeerMessageHandlerOptions<M>): HttpHandler {
  if (options.clusterKey === null && !options.requireCertificateIdentity) throw new Error('a peer message handler needs a cluster key, mutual TLS, or both')
  const windowMs = options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_PEER_BODY_BYTES
  const nonces = new NonceCache(options.clock, { windowMs, maxEntries: options.maxNonces ?? 65_536 })
  const decoder = new TextDecoder('utf-8', { fatal: true })

  const refuse = (reason: PeerRejectionReason, message: string, detail: Record<string, unknown> = {}): HttpResponse => {
    options.rejections.record(reason, { problem: message, ...detail })
    return jsonResponse(STATUS_BY_REASON[reason], { error: { code: STATUS_BY_REASON[reason], reason, message } })
  }

  return async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.method !== 'POST') return refuse('bad-request', 'peer messages are POSTed', { method: request.method })
    const declared = Number(request.headers['content-length'] ?? 0)
    if (declared > maxBodyBytes) return refuse('too-large', `the body is larger than ${maxBodyBytes} bytes`)
    let body: Uint8Array
    try {
      body = await readBody(request.body, maxBodyBytes)
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuse('too-large', `the body is larger than ${maxBodyBytes} bytes`)
      return refuse('malformed', 'the body could not be read')
    }

    if (options.clusterKey !== null) {
      const signature = request.headers[PEER_SIGNATURE_HEADER]
      if (signature === undefined) return refuse('unauthenticated', `no ${PEER_SIGNATURE_HEADER} header`)
      if (!options.clusterKey.verify(body, signature)) return refuse('bad-signature', 'the signature does not match the body')
    }
    let certificateId: string | null = null
    if (options.requireCertificateIdentity) {
      certificateId = tlsPeerIdentity(request)
      if (certificateId === null) return refuse('unauthenticated', 'no client certificate naming an agent')
    }

    let text: string
    try {
      text = decoder.decode(body)
    } catch {
      return refuse('malformed', 'the body is not UTF-8')
    }
    const parsed = parseEnvelope(text)
    if (!parsed.ok) return refuse('malformed', parsed.problem)
    const envelope = parsed.envelope
    const sender = envelope.sender.id

    if (options.clusterKey !== null) {
      const skewMs = envelope.timestampMs - options.clock.wallClockMs()
      if (Math.abs(skewMs) > windowMs) return refuse('expired', `the timestamp is ${Math.round(skewMs / 1000)} s from this agent's clock`, { sender })
      const verdict = nonces.check(envelope.nonce)
      if (verdict === 'replayed') return refuse('replayed', 'this nonce was already used', { sender })
      if (verdict === 'full') return refuse('overloaded', 'too many recent messages to remember', { sender })
    }
    if (certificateId !== null && certificateId !== sender) {
      return refuse('identity-mismatch', 'the sender id is not the one in the client certificate', { sender, certificate: certificateId })
    }

    const checked = checkMessage(options.codec, envelope.message)
    if (!checked.ok) {
      if (checked.reason === 'unknown-kind') {
        options.rejections.record('unknown-kind', { kind: envelope.message.kind, sender, version: envelope.version })
        return emptyResponse(202)
      }
      return refuse('malformed', checked.problem, { sender })
    }
    const claimed = options.codec.claimedSender(checked.message)
    if (claimed !== null && claimed !== sender) return refuse('identity-mismatch', 'the message speaks for another agent than its sender', { sender, claimed })
    options.deliver(envelope.sender, checked.message)
    return emptyResponse(202)
  }
}
