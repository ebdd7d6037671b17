/**
 * The overlay agent: one CyclonNode, one PlacementNode, one FootprintNode and one
 * RevocationGossipNode on the real ports —
 * SystemClock, CryptoRandom, the HTTP peer transport — with their tick loop, an HTTP(S) server
 * for peer messages and for its status document, and an orderly stop (leave, let the goodbyes
 * go, close). `p2pstack agent` runs it alone without an `identity` section; the service agent
 * (service-agent.ts) runs it and serves the OpenStack APIs on the same server (setApi).
 *
 * Routes: POST /p2p/v1/messages (peers; authenticated) and GET /p2p/v1/status (tests and
 * operators: the node's descriptor, cache, counters and the refusals). The status document
 * shows peer addresses; with mutual TLS it is behind client certificates like everything else.
 */
import { emptyResponse, jsonResponse } from '../core/http.ts'
import type { HttpHandler } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import { CyclonNode } from '../protocol/cyclon/cyclon-node.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { CloudletLoad } from '../protocol/placement/cloudlet-load.ts'
import { PlacementNode } from '../protocol/placement/placement-node.ts'
import type { PlacementOutcome } from '../protocol/placement/placement-node.ts'
import type { PlacementRequest } from '../protocol/placement/placement-request.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { createHttpClient } from '../runtime/http-client.ts'
import { startHttpServer } from '../runtime/http-server.ts'
import type { RunningHttpServer } from '../runtime/http-server.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { PEER_MESSAGES_PATH } from '../runtime/peer-envelope.ts'
import { createPeerMessageHandler } from '../runtime/peer-message-handler.ts'
import { PeerRejections } from '../runtime/peer-rejections.ts'
import { startPeerHttpsServer } from '../runtime/peer-tls-server.ts'
import { HttpPeerTransport } from '../runtime/peer-transport.ts'
import { SystemClock } from '../runtime/system-clock.ts'
import { cloudletAdminCredentials } from './agent-config.ts'
import type { AgentConfig, CloudletConnection } from './agent-config.ts'
import { CloudletLoadMonitor } from './cloudlet-load-monitor.ts'
import { CloudletLoadReader } from './cloudlet-load-reader.ts'
import { KeystonePasswordTokenSource } from './keystone-token-source.ts'
import { NO_CLOUDLET_LOAD } from './no-cloudlet-load.ts'
import { FootprintNode } from '../protocol/state/footprint-node.ts'
import type { FootprintChange } from '../protocol/state/footprint-node.ts'
import type { FootprintSnapshot } from '../protocol/state/footprint.ts'
import { DEFAULT_FOOTPRINT_CONFIG } from '../protocol/state/footprint-config.ts'
import { RevocationGossipNode } from '../protocol/state/revocation-gossip-node.ts'
import type { RevocationEventRecord } from '../protocol/state/revocations.ts'
import { AGENT_PROTOCOL_VERSION, agentMessageCodec, isCyclonMessage, isFootprintMessage, isRevocationMessage } from './peer-message-codec.ts'
import type { AgentMessage } from './peer-message-codec.ts'
import { overlayStatus, OVERLAY_STATUS_PATH } from './overlay-status.ts'
import type { OverlayStatus } from './overlay-status.ts'
import { startTickLoop } from './overlay-tick-loop.ts'

export interface OverlayAgentOptions {
  readonly config: AgentConfig
  readonly logger: Logger
  /** The software version peers see in this agent's metadata. */
  readonly software?: string
  /**
   * This cloudlet's load, read synchronously (the caller keeps it fresh); by default it comes
   * from the configured cloudlet's Placement (config.cloudlet). Without either the agent has no
   * capacity: it places for others, but is never chosen.
   */
  readonly load?: () => CloudletLoad
  /** The project footprint as it was saved (a restart resumes it). */
  readonly footprintSnapshot?: FootprintSnapshot
  /** Told every change of the footprint, synchronously, so it can be saved. */
  readonly onFootprintChange?: (change: FootprintChange) => void
  /** The API version ranges of this agent's cloudlet, told to peers in its metadata (e.g. { compute: '2.1-2.79' }). */
  readonly apis?: Readonly<Record<string, string>>
  /** Told every token revocation event learned from a peer (the agent refuses those tokens from then on). */
  readonly onRevocationLearned?: (event: RevocationEventRecord) => void
}

export interface RunningOverlayAgent {
  readonly id: string
  /** Where the server listens, e.g. 'http://127.0.0.1:41234'. */
  readonly url: string
  /** Where peers reach this agent (the advertised address, or `url`). */
  readonly address: string
  readonly node: CyclonNode
  readonly placement: PlacementNode
  /** The project footprint (project → agents holding its resources), gossiped between agents. */
  readonly footprint: FootprintNode
  /** Token revocations, spread to every agent (spread() what this agent learns first). */
  readonly revocations: RevocationGossipNode
  /** The configured cloudlet's load, kept fresh; null without config.cloudlet (or with options.load). */
  readonly cloudletLoad: CloudletLoadMonitor | null
  /** Picks a cloudlet for `request` by the configured policy; the chosen one holds the capacity. */
  place(request: PlacementRequest): Promise<PlacementOutcome>
  /**
   * On the chosen agent, once its cloudlet accepted the create: reads the load again (so
   * Placement's allocation is in it) and then gives the reservation back.
   */
  landed(reservationId: string): Promise<void>
  status(): OverlayStatus
  /** Serves every path that is not the overlay's own (the service proxy) from now on. */
  setApi(handler: HttpHandler): void
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
  const codec = agentMessageCodec(config.overlay.cyclon.cacheSize)

  // The server starts first (its port may be chosen by the system), so the nodes, which need
  // its address, come after; nothing can be delivered before they exist.
  let node: CyclonNode | null = null
  let placer: PlacementNode | null = null
  let footprint: FootprintNode | null = null
  let revocations: RevocationGossipNode | null = null
  let poke = (): void => {}
  let status = (): OverlayStatus | null => null
  const messages = createPeerMessageHandler<AgentMessage>({
    codec,
    clusterKey,
    requireCertificateIdentity: tls !== null,
    clock,
    rejections,
    deliver: (sender, message) => {
      if (node === null || placer === null) return
      if (isCyclonMessage(message)) node.onMessage(agentId(sender.id), message)
      else if (isFootprintMessage(message)) footprint?.onMessage(sender, message)
      else if (isRevocationMessage(message)) revocations?.onMessage(sender, message)
      else placer.onMessage(agentId(sender.id), message, sender.address)
      poke()
    },
    timestampWindowMs: transportConfig.timestampWindowMs,
    maxBodyBytes: transportConfig.maxBodyBytes,
    maxNonces: transportConfig.maxNonces
  })
  let api: HttpHandler | null = null
  const handler = overlayRoutes(messages, () => status(), () => api)
  const server: RunningHttpServer = tls === null
    ? await startHttpServer({ host: config.listen.host, port: config.listen.port, handler, logger })
    : await startPeerHttpsServer({ host: config.listen.host, port: config.listen.port, tls, handler, logger, onHandshakeFailure: error => { rejections.record('tls-handshake', { problem: error.message }) } })
  const address = config.advertisedAddress ?? server.url

  const transport = new HttpPeerTransport<AgentMessage>({
    self: { id: config.id, address },
    protocolVersion: AGENT_PROTOCOL_VERSION,
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
  const metadata = { version: Math.floor(clock.wallClockMs() / 1000), ...config.overlay.metadata, software: options.software ?? 'p2pstack', ...(options.apis === undefined ? {} : { apis: options.apis }) }
  const cyclon = new CyclonNode(
    { id: agentId(config.id), address, metadata },
    { clock, random, transport },
    config.overlay.cyclon
  )
  const cloudlet = options.load === undefined && config.cloudlet !== null ? await startCloudletLoad(config.cloudlet, clock, logger) : null
  const cloudletLoad = cloudlet?.monitor ?? null
  const waiting = new Map<number, (outcome: PlacementOutcome) => void>()
  const early = new Map<number, PlacementOutcome>()
  const placement = new PlacementNode(
    { id: agentId(config.id), address, metadata: () => cyclon.descriptor.metadata },
    {
      clock,
      random,
      transport,
      view: () => cyclon.view(),
      load: options.load ?? (cloudletLoad === null ? () => NO_CLOUDLET_LOAD : () => cloudletLoad.load()),
      decided: outcome => {
        const resolve = waiting.get(outcome.placementId)
        if (resolve === undefined) early.set(outcome.placementId, outcome)
        else {
          waiting.delete(outcome.placementId)
          resolve(outcome)
        }
      }
    },
    config.placement
  )
  const footprintNode = new FootprintNode(
    { id: agentId(config.id), address },
    { clock, random, transport, view: () => cyclon.view(), ...(options.onFootprintChange === undefined ? {} : { persisted: options.onFootprintChange }) },
    DEFAULT_FOOTPRINT_CONFIG,
    options.footprintSnapshot
  )
  const revocationNode = new RevocationGossipNode(config.id, {
    clock,
    random,
    transport,
    view: () => cyclon.view(),
    learned: event => { options.onRevocationLearned?.(event) }
  })
  node = cyclon
  placer = placement
  footprint = footprintNode
  revocations = revocationNode
  status = () => overlayStatus({ node: cyclon, placement, protocolVersion: AGENT_PROTOCOL_VERSION, transport, rejections, authentication: { clusterKey: clusterKey !== null, mutualTls: tls !== null } })
  const loop = startTickLoop({
    onTick: () => {
      cyclon.onTick()
      placement.onTick()
      footprintNode.onTick()
      revocationNode.onTick()
    },
    nextWakeupMs: () => Math.min(cyclon.nextWakeupMs(), placement.nextWakeupMs(), footprintNode.nextWakeupMs(), revocationNode.nextWakeupMs())
  }, { clock, logger, maxSleepMs: config.overlay.cyclon.shufflePeriodMs })
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
    placement,
    footprint: footprintNode,
    revocations: revocationNode,
    cloudletLoad,
    place: async request => await new Promise<PlacementOutcome>(resolve => {
      const id = placement.place(request)
      const decided = early.get(id)
      if (decided !== undefined) {
        early.delete(id)
        resolve(decided)
      } else waiting.set(id, resolve)
      loop.poke()
    }),
    landed: async reservationId => {
      if (cloudletLoad !== null) {
        cloudletLoad.refreshSoon()
        await cloudletLoad.settled()
      }
      placement.releaseReservation(reservationId)
    },
    status: () => status() as OverlayStatus,
    setApi: h => { api = h },
    stop: async () => {
      stopping ??= (async () => {
        loop.stop()
        cloudletLoad?.stop()
        await cloudlet?.close()
        for (const [placementId, resolve] of waiting) resolve({ kind: 'no-valid-host', placementId, attempts: 0, reason: 'the agent is stopping', decisionMs: 0 })
        waiting.clear()
        cyclon.leave()
        await transport.close({ graceMs: transportConfig.connectTimeoutMs + transportConfig.requestTimeoutMs })
        await server.close()
        logger.info({ id: config.id }, 'overlay agent stopped')
      })()
      await stopping
    }
  }
}

/** Reads the cloudlet's load from its Placement, found through its Keystone's catalog. */
async function startCloudletLoad (cloudlet: CloudletConnection, clock: SystemClock, logger: Logger): Promise<{ monitor: CloudletLoadMonitor, close: () => Promise<void> }> {
  const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 5_000 })
  const tokens = new KeystonePasswordTokenSource(http, clock, cloudletAdminCredentials(cloudlet))
  // The reader finds Placement on its first read, so a cloudlet that is not up yet only delays it.
  let reader: CloudletLoadReader | null = null
  const monitor = new CloudletLoadMonitor({
    source: {
      read: async () => {
        reader ??= new CloudletLoadReader({ http, tokens, placementUrl: await tokens.endpoint('placement', cloudlet.region === null ? {} : { region: cloudlet.region }) })
        return await reader.read()
      }
    },
    clock,
    logger,
    refreshMs: cloudlet.loadRefreshMs
  })
  await monitor.start()
  return {
    monitor,
    close: async () => {
      await monitor.settled()
      await http.close()
    }
  }
}

/** Peer messages and the status document on one handler; anything else goes to the API, if there is one, or is a 404. */
function overlayRoutes (messages: HttpHandler, status: () => OverlayStatus | null, api: () => HttpHandler | null): HttpHandler {
  return async request => {
    const path = request.url.pathname
    if (path === PEER_MESSAGES_PATH) return await messages(request)
    if (path === OVERLAY_STATUS_PATH) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return jsonResponse(405, { error: { code: 405, message: 'GET only' } }, { allow: 'GET, HEAD' })
      const document = status()
      return document === null ? emptyResponse(503) : jsonResponse(200, document)
    }
    const served = api()
    if (served !== null) return await served(request)
    return jsonResponse(404, { error: { code: 404, message: `no route for ${request.method} ${path}` } })
  }
}
