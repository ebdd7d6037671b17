/**
 * The overlay agent: one CyclonNode on the real ports — SystemClock, CryptoRandom, the HTTP
 * peer transport — with its tick loop, an HTTP(S) server for peer messages and for its status
 * document, and an orderly stop (leave, let the goodbyes go, close). It is the composition
 * root `p2pstack agent` runs; the agent of later issues (the cloudlet proxy, state) grows
 * from it.
 *
 * Routes: POST /p2p/v1/messages (peers; authenticated) and GET /p2p/v1/status (tests and
 * operators: the node's descriptor, cache, counters and the refusals). The status document
 * shows peer addresses; with mutual TLS it is behind client certificates like everything else.
 */
import { emptyResponse, jsonResponse } from '../core/http.ts'
import type { HttpHandler } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import { CyclonNode } from '../protocol/cyclon/cyclon-node.ts'
import { CYCLON_PROTOCOL_VERSION } from '../protocol/cyclon/messages.ts'
import type { CyclonMessage } from '../protocol/cyclon/messages.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { startHttpServer } from '../runtime/http-server.ts'
import type { RunningHttpServer } from '../runtime/http-server.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { PEER_MESSAGES_PATH } from '../runtime/peer-envelope.ts'
import { createPeerMessageHandler } from '../runtime/peer-message-handler.ts'
import { PeerRejections } from '../runtime/peer-rejections.ts'
import { startPeerHttpsServer } from '../runtime/peer-tls-server.ts'
import { HttpPeerTransport } from '../runtime/peer-transport.ts'
import { SystemClock } from '../runtime/system-clock.ts'
import type { AgentConfig } from './agent-config.ts'
import { cyclonMessageCodec } from './overlay-message-schema.ts'
import { overlayStatus, OVERLAY_STATUS_PATH } from './overlay-status.ts'
import type { OverlayStatus } from './overlay-status.ts'
import { startTickLoop } from './overlay-tick-loop.ts'

export interface OverlayAgentOptions {
  readonly config: AgentConfig
  readonly logger: Logger
  /** The software version peers see in this agent's metadata. */
  readonly software?: string
}

export interface RunningOverlayAgent {
  readonly id: string
  /** Where the server listens, e.g. 'http://127.0.0.1:41234'. */
  readonly url: string
  /** Where peers reach this agent (the advertised address, or `url`). */
  readonly address: string
  readonly node: CyclonNode
  status(): OverlayStatus
  /** Leaves the overlay (telling the neighbours), waits briefly for those messages, and closes everything. */
  stop(): Promise<void>
}

export async function startOverlayAgent (options: OverlayAgentOptions): Promise<RunningOverlayAgent> {
  const { config, logger } = options
  const transportConfig = config.overlay.transport
  const clock = new SystemClock()
  const random = new CryptoRandom()
  const clusterKey = config.security.clusterKey === null ? null : new ClusterKey(config.security.clusterKey)
  const tls = config.security.tls
  const rejections = new PeerRejections(clock, logger)
  const codec = cyclonMessageCodec(config.overlay.cyclon.cacheSize)

  // The server starts first (its port may be chosen by the system), so the node, which needs
  // its address, comes after; nothing can be delivered before the node exists.
  let node: CyclonNode | null = null
  let poke = (): void => {}
  let status = (): OverlayStatus | null => null
  const messages = createPeerMessageHandler<CyclonMessage>({
    codec,
    clusterKey,
    requireCertificateIdentity: tls !== null,
    clock,
    rejections,
    deliver: (sender, message) => {
      if (node === null) return
      node.onMessage(agentId(sender.id), message)
      poke()
    },
    timestampWindowMs: transportConfig.timestampWindowMs,
    maxBodyBytes: transportConfig.maxBodyBytes,
    maxNonces: transportConfig.maxNonces
  })
  const handler = overlayRoutes(messages, () => status())
  const server: RunningHttpServer = tls === null
    ? await startHttpServer({ host: config.listen.host, port: config.listen.port, handler, logger })
    : await startPeerHttpsServer({ host: config.listen.host, port: config.listen.port, tls, handler, logger, onHandshakeFailure: error => { rejections.record('tls-handshake', { problem: error.message }) } })
  const address = config.advertisedAddress ?? server.url

  const transport = new HttpPeerTransport<CyclonMessage>({
    self: { id: config.id, address },
    protocolVersion: CYCLON_PROTOCOL_VERSION,
    clock,
    random,
    clusterKey,
    tls,
    logger,
    connectTimeoutMs: transportConfig.connectTimeoutMs,
    requestTimeoutMs: transportConfig.requestTimeoutMs,
    queueLimitPerPeer: transportConfig.queueLimitPerPeer,
    concurrencyPerPeer: transportConfig.concurrencyPerPeer,
    maxPeers: transportConfig.maxPeers,
    keepAliveMs: transportConfig.keepAliveMs
  })
  // The metadata's version is the start time in seconds, so that what an agent says after a
  // restart (perhaps with a new config) replaces what peers remember from before.
  const metadata = { version: Math.floor(clock.wallClockMs() / 1000), ...config.overlay.metadata, software: options.software ?? 'p2pstack' }
  const cyclon = new CyclonNode(
    { id: agentId(config.id), address, metadata },
    { clock, random, transport },
    config.overlay.cyclon
  )
  node = cyclon
  status = () => overlayStatus({ node: cyclon, transport, rejections, authentication: { clusterKey: clusterKey !== null, mutualTls: tls !== null } })
  const loop = startTickLoop(cyclon, { clock, logger, maxSleepMs: config.overlay.cyclon.shufflePeriodMs })
  poke = loop.poke

  const { introducer, seeds } = config.overlay
  const contacts = [...(introducer === null ? [] : [introducer]), ...seeds]
  cyclon.join(contacts, { seedsInCache: seeds.length > 0 })
  loop.poke()
  logger.info({ id: config.id, address, contacts: contacts.length }, 'overlay agent started')

  let stopping: Promise<void> | null = null
  return {
    id: config.id,
    url: server.url,
    address,
    node: cyclon,
    status: () => status() as OverlayStatus,
    stop: async () => {
      stopping ??= (async () => {
        loop.stop()
        cyclon.leave()
        await transport.close({ graceMs: transportConfig.connectTimeoutMs + transportConfig.requestTimeoutMs })
        await server.close()
        logger.info({ id: config.id }, 'overlay agent stopped')
      })()
      await stopping
    }
  }
}

/** Peer messages and the status document on one handler; anything else is a 404. */
function overlayRoutes (messages: HttpHandler, status: () => OverlayStatus | null): HttpHandler {
  return async request => {
    const path = request.url.pathname
    if (path === PEER_MESSAGES_PATH) return await messages(request)
    if (path === OVERLAY_STATUS_PATH) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return jsonResponse(405, { error: { code: 405, message: 'GET only' } }, { allow: 'GET, HEAD' })
      const document = status()
      return document === null ? emptyResponse(503) : jsonResponse(200, document)
    }
    return jsonResponse(404, { error: { code: 404, message: `no route for ${request.method} ${path}` } })
  }
}
