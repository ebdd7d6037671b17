/**
 * HttpPeerTransport: the Transport port between real agents, on undici. send() returns at once;
 * the message waits in its peer's queue, is put in an envelope (timestamp and nonce taken when
 * it leaves, so time spent queued does not age it), signed with the cluster key and/or sent
 * over mutual TLS, and POSTed to the peer's /p2p/v1/messages.
 *
 * A slow or dead peer never holds up the others nor the caller: each peer has its own bounded
 * queue (a full queue drops and counts), at most a few requests in flight, short connect and
 * request timeouts, and its own keep-alive pool, which undici closes once its connections have
 * been idle for keepAliveMs; the number of peers with a queue or a pool is bounded too. Every
 * failure is counted, never thrown: a lost message is the protocol's business.
 */
import { Agent, request } from 'undici'
import type { Dispatcher } from 'undici'
import type { Clock, Logger, PeerAddress, Random, Transport } from '../core/ports.ts'
import type { ClusterKey } from './peer-cluster-key.ts'
import { encodeEnvelope, isPeerAddress, PEER_SIGNATURE_HEADER, peerMessagesUrl } from './peer-envelope.ts'
import type { PeerTlsMaterial } from './peer-tls-server.ts'

export interface HttpPeerTransportOptions {
  /** This agent, as the envelope names it. */
  readonly self: PeerAddress
  readonly protocolVersion: number
  readonly clock: Clock
  /** For nonces. */
  readonly random: Random
  readonly clusterKey: ClusterKey | null
  /** Mutual TLS: this agent's certificate and key, and the cluster CA that peers' certificates must chain to. */
  readonly tls: PeerTlsMaterial | null
  readonly logger: Logger
  readonly connectTimeoutMs?: number
  /** The whole exchange, from dispatch to the last byte of the answer. */
  readonly requestTimeoutMs?: number
  readonly queueLimitPerPeer?: number
  readonly concurrencyPerPeer?: number
  /** Bound on peers with a queue or a connection pool at the same time. */
  readonly maxPeers?: number
  readonly keepAliveMs?: number
  /** For tests: another dispatcher (the transport then does not close it). */
  readonly dispatcher?: Dispatcher
}

/** What the transport counts. Messages are counted once each, by how they ended. */
export interface PeerTransportStats {
  /** Accepted by the peer (a 2xx). */
  delivered: number
  /** Answered with a 4xx or 5xx. */
  refused: number
  timeouts: number
  /** Connection refused, reset, unreachable, or the TLS handshake failed. */
  connectFailures: number
  otherFailures: number
  droppedQueueFull: number
  droppedTooManyPeers: number
  /** An address that is not an http(s) URL, or plain http when mutual TLS is required. */
  droppedBadAddress: number
  droppedClosed: number
  /** Now: waiting in queues, and in flight. */
  queued: number
  inFlight: number
  peers: number
}

interface Outgoing<M> {
  readonly to: PeerAddress
  readonly message: M
}

interface PeerQueue<M> {
  readonly url: string
  readonly items: Array<Outgoing<M>>
  active: number
}

type Counter = Exclude<keyof PeerTransportStats, 'queued' | 'inFlight' | 'peers'>

export class HttpPeerTransport<M> implements Transport<M> {
  readonly #options: HttpPeerTransportOptions
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  readonly #queues = new Map<string, PeerQueue<M>>()
  readonly #counts: Record<Counter, number> = {
    delivered: 0, refused: 0, timeouts: 0, connectFailures: 0, otherFailures: 0, droppedQueueFull: 0, droppedTooManyPeers: 0, droppedBadAddress: 0, droppedClosed: 0
  }

  readonly #lastLoggedAtMs = new Map<string, number>()
  readonly #idleWaiters: Array<() => void> = []
  readonly #requestTimeoutMs: number
  readonly #queueLimit: number
  readonly #concurrency: number
  readonly #maxPeers: number
  #queued = 0
  #inFlight = 0
  #closed = false

  constructor (options: HttpPeerTransportOptions) {
    this.#options = options
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 2_000
    this.#queueLimit = options.queueLimitPerPeer ?? 16
    this.#concurrency = options.concurrencyPerPeer ?? 2
    this.#maxPeers = options.maxPeers ?? 256
    this.#ownsDispatcher = options.dispatcher === undefined
    const keepAliveMs = options.keepAliveMs ?? 10_000
    this.#dispatcher = options.dispatcher ?? new Agent({
      connections: this.#concurrency,
      maxOrigins: this.#maxPeers,
      keepAliveTimeout: keepAliveMs,
      keepAliveMaxTimeout: keepAliveMs,
      headersTimeout: this.#requestTimeoutMs,
      bodyTimeout: this.#requestTimeoutMs,
      connect: {
        timeout: options.connectTimeoutMs ?? 1_000,
        ...(options.tls === null ? {} : { ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key })
      }
    })
  }

  /** Queues `message` for `to` and returns at once. Never throws; a message that cannot go is counted. */
  send (to: PeerAddress, message: M): void {
    if (this.#closed) return this.#count('droppedClosed')
    if (!isPeerAddress(to.address) || (this.#options.tls !== null && !to.address.startsWith('https:'))) return this.#count('droppedBadAddress')
    let queue = this.#queues.get(to.address)
    if (queue === undefined) {
      if (this.#queues.size >= this.#maxPeers) return this.#count('droppedTooManyPeers')
      queue = { url: peerMessagesUrl(to.address), items: [], active: 0 }
      this.#queues.set(to.address, queue)
    }
    if (queue.items.length >= this.#queueLimit) return this.#count('droppedQueueFull')
    queue.items.push({ to, message })
    this.#queued++
    this.#pump(to.address, queue)
  }

  stats (): PeerTransportStats {
    return { ...this.#counts, queued: this.#queued, inFlight: this.#inFlight, peers: this.#queues.size }
  }

  /** Resolves once nothing is queued or in flight (each request ends within its timeout). */
  async idle (): Promise<void> {
    if (this.#queued === 0 && this.#inFlight === 0) return
    await new Promise<void>(resolve => { this.#idleWaiters.push(resolve) })
  }

  /**
   * Stops taking messages, gives those queued up to `graceMs` to go, then closes the
   * connections (aborting what is still in flight).
   */
  async close (options: { graceMs?: number } = {}): Promise<void> {
    this.#closed = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const grace = new Promise<void>(resolve => { timer = setTimeout(resolve, options.graceMs ?? this.#requestTimeoutMs) })
    await Promise.race([this.idle(), grace])
    clearTimeout(timer)
    for (const queue of this.#queues.values()) {
      this.#counts.droppedClosed += queue.items.length
      this.#queued -= queue.items.length
      queue.items.length = 0
    }
    this.#wakeIdleWaiters()
    if (this.#ownsDispatcher) await this.#dispatcher.destroy()
  }

  #pump (address: string, queue: PeerQueue<M>): void {
    while (queue.active < this.#concurrency && queue.items.length > 0) {
      const outgoing = queue.items.shift() as Outgoing<M>
      this.#queued--
      this.#inFlight++
      queue.active++
      this.#post(queue.url, outgoing).finally(() => {
        this.#inFlight--
        queue.active--
        this.#pump(address, queue)
        if (queue.active === 0 && queue.items.length === 0 && this.#queues.get(address) === queue) this.#queues.delete(address)
        this.#wakeIdleWaiters()
      })
    }
  }

  #wakeIdleWaiters (): void {
    if (this.#queued === 0 && this.#inFlight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }

  async #post (url: string, outgoing: Outgoing<M>): Promise<void> {
    const options = this.#options
    try {
      const body = encodeEnvelope({
        version: options.protocolVersion,
        sender: { id: options.self.id, address: options.self.address },
        timestampMs: options.clock.wallClockMs(),
        nonce: Buffer.from(options.random.bytes(16)).toString('base64url'),
        message: outgoing.message
      })
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (options.clusterKey !== null) headers[PEER_SIGNATURE_HEADER] = options.clusterKey.sign(body)
      // A timer cleared with the answer: AbortSignal.timeout's would still fire after every
      // delivered message and make an abort error each time (measured: 64 idle agents in one
      // process spent a tenth of their background CPU on them).
      const controller = new AbortController()
      const timer = setTimeout(() => { controller.abort(new DOMException(`no answer within ${this.#requestTimeoutMs} ms`, 'TimeoutError')) }, this.#requestTimeoutMs)
      let response
      try {
        response = await request(url, { method: 'POST', body, headers, dispatcher: this.#dispatcher, signal: controller.signal })
        await response.body.dump()
      } finally {
        clearTimeout(timer)
      }
      if (response.statusCode >= 200 && response.statusCode < 300) {
        this.#counts.delivered++
      } else {
        this.#counts.refused++
        this.#log('refused', { peer: outgoing.to.id, status: response.statusCode })
      }
    } catch (error) {
      // undici keeps a peer's pool while its connections idle, after its queue here is gone.
      const kind = (error as { code?: string }).code === 'UND_ERR_MAX_ORIGINS_REACHED' ? 'droppedTooManyPeers' : failureKind(error)
      this.#counts[kind]++
      this.#log(kind, { peer: outgoing.to.id, address: outgoing.to.address, code: (error as { code?: string }).code, error: (error as Error).message })
    }
  }

  #count (counter: Counter): void {
    this.#counts[counter]++
    this.#log(counter, {})
  }

  /** Logs at debug, at most once per kind of outcome every 10 s. */
  #log (kind: string, fields: Record<string, unknown>): void {
    const now = this.#options.clock.nowMs()
    const last = this.#lastLoggedAtMs.get(kind)
    if (last !== undefined && now - last < 10_000) return
    this.#lastLoggedAtMs.set(kind, now)
    this.#options.logger.debug({ outcome: kind, total: this.#counts[kind as Counter], ...fields }, 'peer message not delivered')
  }
}

const CONNECT_FAILURE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

function failureKind (error: unknown): 'timeouts' | 'connectFailures' | 'otherFailures' {
  const e = error as { name?: string, code?: string, cause?: unknown }
  if (e.name === 'TimeoutError' || (e.code !== undefined && TIMEOUT_CODES.has(e.code))) return 'timeouts'
  if (e.code !== undefined && (CONNECT_FAILURE_CODES.has(e.code) || e.code.startsWith('ERR_TLS') || e.code.startsWith('ERR_SSL') || e.code.includes('CERT'))) return 'connectFailures'
  if (e.cause !== undefined && e.cause !== error) return failureKind(e.cause)
  return 'otherFailures'
}
