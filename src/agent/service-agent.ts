/**
 * The whole agent (issue 6): the overlay agent (Cyclon, placement, footprint gossip) plus the
 * service proxy that makes the cloudlets one cloud, on one HTTP server. This is what
 * `p2pstack agent --config FILE` runs when the config has an `identity` section.
 *
 * At start it reaches its cloudlet as the cloudlet's admin: it finds the service endpoints in
 * the catalog, makes the cloudlet's Keystone a service provider of the identity provider
 * (OS-FEDERATION, idempotent), learns the shadow ids already there, and opens the state (the
 * location store and the footprint, in SQLite in the data directory).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { httpRequest, readBody } from '../core/http.ts'
import type { HttpHandler } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import { COMPUTE_VERSION_RANGE } from '../openstack/compute/microversions.ts'
import type { MicroversionRange } from '../openstack/microversion.ts'
import { computeVersionRange, formatMicroversionRange } from '../proxy/microversion-range.ts'
import { createHttpClient } from '../runtime/http-client.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { SystemClock } from '../runtime/system-clock.ts'
import { cloudletAdminCredentials } from './agent-config.ts'
import { ClusterComputeRange } from './cluster-compute-range.ts'
import { createImageStoreClient } from './image-store-client.ts'
import type { AgentConfig } from './agent-config.ts'
import { createForwardSigner } from './forwarded-call.ts'
import { agentIdentityHandler } from './identity/agent-identity-handler.ts'
import { CloudletFederationSetup } from './identity/cloudlet-federation-setup.ts'
import { CloudletLoginRefusedError, CloudletSessions } from './identity/cloudlet-sessions.ts'
import { IdTranslator } from './identity/id-translator.ts'
import { RevocationFeed } from './identity/revocation-feed.ts'
import { RevokedTokens } from './identity/revoked-tokens.ts'
import { learnShadowIds } from './identity/shadow-ids.ts'
import { UserTokenVerifier } from './identity/user-token-verifier.ts'
import { KeystonePasswordTokenSource } from './keystone-token-source.ts'
import { LocationStore } from './location-store.ts'
import { indexNetworkCopies } from './network-copy-index.ts'
import { NetworkIds } from './network-ids.ts'
import { indexOwnCloudlet } from './own-cloudlet-index.ts'
import { startOverlayAgent } from './overlay-agent.ts'
import type { RunningOverlayAgent } from './overlay-agent.ts'
import { CloudletSessionError } from './proxy-ports.ts'
import type { CloudletSessions as CloudletSessionsPort, Footprint, Locations, UserTokens } from './proxy-ports.ts'
import { ServiceProxy } from './service-proxy.ts'

export interface ServiceAgentOptions {
  readonly config: AgentConfig
  readonly logger: Logger
  readonly software?: string
}

export interface RunningServiceAgent {
  readonly id: string
  readonly url: string
  readonly address: string
  /** The base URL clients use (catalog, links). */
  readonly publicUrl: string
  readonly overlay: RunningOverlayAgent
  readonly proxy: ServiceProxy
  stop(): Promise<void>
}

export class ServiceAgentError extends Error {
  readonly code = 'P2P_ERR_SERVICE_AGENT'
}

export async function startServiceAgent (options: ServiceAgentOptions): Promise<RunningServiceAgent> {
  const { config, logger } = options
  const { cloudlet, identity } = config
  if (cloudlet === null || identity === null || config.security.clusterKey === null) {
    throw new ServiceAgentError('the service agent needs the cloudlet and identity sections and a cluster key')
  }
  const clock = new SystemClock()
  const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: config.proxy.forwardTimeoutMs })
  const closers: Array<() => Promise<void> | void> = [async () => { await http.close() }]
  try {
    const admin = new KeystonePasswordTokenSource(http, clock, cloudletAdminCredentials(cloudlet))
    const region = cloudlet.region === null ? {} : { region: cloudlet.region }
    const computeUrl = await admin.endpoint('compute', region)
    const cloudletRoots = {
      compute: computeUrl.replace(/\/v2(\.1)?(\/[^/]*)?$/, ''),
      image: await admin.endpoint('image', region),
      network: await admin.endpoint('network', region)
    }
    const ownComputeRange = await readComputeRange(http, cloudletRoots.compute, logger)
    const keystoneUrl = cloudlet.authUrl.replace(/\/+$/, '')
    await new CloudletFederationSetup(http, admin, { keystoneUrl, issuer: identity.issuer }).ensure()
    const translator = new IdTranslator()
    await learnShadowIds(http, keystoneUrl, admin, translator)

    const revoked = new RevokedTokens()
    if (identity.credentials !== null) {
      const idpTokens = new KeystonePasswordTokenSource(http, clock, {
        authUrl: `${identity.provider}/identity`,
        user: identity.credentials.username,
        password: identity.credentials.password,
        project: identity.credentials.project
      })
      const feed = new RevocationFeed({ http, identityUrl: `${identity.provider}/identity`, tokens: idpTokens, revoked, clock, logger })
      feed.start(identity.revocationPollMs)
      closers.unshift(() => { feed.stop() })
    }
    const verifier = new UserTokenVerifier({ clock, outbound: http, logger, issuer: identity.issuer, revocations: revoked })
    const federation = cloudlet.federation === 'trusted-headers' ? { mode: 'trusted-headers' as const, issuer: identity.issuer } : { mode: 'bearer' as const }
    const sessions = new CloudletSessions({ http, keystoneUrl, clock, logger, translator, federation })

    const state = new LocationStore(config.dataDir === null ? ':memory:' : stateFile(config.dataDir, config.id))
    closers.push(() => { state.close() })
    const overlay = await startOverlayAgent({ config, logger, ...(options.software === undefined ? {} : { software: options.software }), footprintSnapshot: state.loadFootprint(), onFootprintChange: snapshot => { state.saveFootprint(snapshot) }, onRevocationLearned: event => { revoked.add(event) }, apis: { compute: formatMicroversionRange(ownComputeRange) } })
    // What this agent learns first (a token deleted through it, its poll of the provider) goes to every agent.
    revoked.onNew = event => { overlay.revocations.spread([event]) }
    closers.unshift(async () => { await overlay.stop() })
    const self = { id: config.id, address: overlay.address }
    const publicUrl = config.proxy.publicUrl ?? overlay.address

    const users: UserTokens = {
      verify: async token => {
        try {
          return await verifier.verify(token)
        } catch {
          return null
        }
      }
    }
    const sessionsPort: CloudletSessionsPort = {
      session: async auth => {
        try {
          const session = await sessions.session(auth)
          return { token: session.token, toGlobal: text => translator.toGlobal(text), toLocal: text => translator.toLocal(text) }
        } catch (error) {
          if (error instanceof CloudletLoginRefusedError) throw new CloudletSessionError(401, error.message, { cause: error })
          throw new CloudletSessionError(503, (error as Error).message, { cause: error })
        }
      },
      invalidate: auth => { sessions.invalidate(auth.auditId) }
    }
    const locations: Locations = {
      get: id => state.get(id),
      put: (id, kind, location) => { state.put(id, kind, location) },
      delete: id => { state.delete(id) },
      byAgent: (agentId, projectId) => state.byAgent(agentId, projectId)
    }
    const footprint: Footprint = {
      add: projectId => { if (!overlay.footprint.holds(projectId)) overlay.footprint.add(projectId) },
      withdraw: projectId => { if (overlay.footprint.holds(projectId)) overlay.footprint.withdraw(projectId) },
      agentsOf: projectId => overlay.footprint.agentsOf(projectId).map(a => ({ id: a.id, address: a.address })),
      allAgents: () => overlay.footprint.allAgents().map(a => ({ id: a.id, address: a.address }))
    }
    const identityHandler = agentIdentityHandler({
      agentUrl: publicUrl,
      region: cloudlet.region ?? 'RegionOne',
      idpUrl: identity.provider,
      idp: http,
      verifier,
      revoked,
      logger
    })
    const networkIds = new NetworkIds(translator, state.network, logger)
    await indexNetworkCopies({ http, networkRoot: cloudletRoots.network, admin, ids: networkIds, logger })
    const computeRange = new ClusterComputeRange(ownComputeRange, () => overlay.node.view(), clock, logger)
    const proxy = new ServiceProxy({
      self,
      publicUrl: config.proxy.publicUrl,
      cloudletRoots,
      http,
      users,
      sessions: sessionsPort,
      locations,
      footprint,
      scheduler: {
        place: async request => await overlay.place(request),
        landed: async reservationId => { await overlay.landed(reservationId) },
        peers: () => overlay.node.view().map(entry => ({ id: entry.id, address: entry.address }))
      },
      forward: createForwardSigner(new ClusterKey(config.security.clusterKey), clock, { windowMs: config.overlay.transport.timestampWindowMs, maxNonces: config.overlay.transport.maxNonces }),
      identity: identityHandler,
      clock,
      logger,
      listTimeoutMs: config.proxy.listTimeoutMs,
      forwardTimeoutMs: config.proxy.forwardTimeoutMs,
      computeRange: () => computeRange.current(),
      networkIds,
      cloudletAdmin: admin,
      imageStore: config.imageStore === null
        ? null
        : createImageStoreClient({ url: config.imageStore.url, agentId: config.id, key: new ClusterKey(config.security.clusterKey), http, clock, random: new CryptoRandom() })
    })
    await indexOwnCloudlet({
      http,
      computeRoot: cloudletRoots.compute,
      admin,
      globalProject: local => {
        const global = translator.globalId(local)
        return global === local ? undefined : global
      },
      self,
      locations,
      footprint,
      logger
    })
    overlay.setApi(proxy.handle)
    logger.info({ id: config.id, publicUrl, cloudlet: cloudlet.authUrl }, 'service agent started')
    let stopping: Promise<void> | null = null
    return {
      id: config.id,
      url: overlay.url,
      address: overlay.address,
      publicUrl,
      overlay,
      proxy,
      stop: async () => {
        stopping ??= (async () => {
          for (const close of closers) await close()
        })()
        await stopping
      }
    }
  } catch (error) {
    for (const close of closers) await Promise.resolve(close()).catch(() => {})
    throw error
  }
}

/** The compute microversion range of the own cloudlet, from its version document (GET …/v2.1/, no token). */
async function readComputeRange (http: HttpHandler, computeRoot: string, logger: Logger): Promise<MicroversionRange> {
  try {
    const response = await http(httpRequest('GET', `${computeRoot}/v2.1/`, { headers: { accept: 'application/json' } }))
    const text = new TextDecoder().decode(await readBody(response.body, 1024 * 1024))
    const range = response.status === 200 ? computeVersionRange(JSON.parse(text)) : null
    if (range !== null) return range
    logger.warn({ status: response.status }, 'the cloudlet\'s compute version document names no range; assuming the emulator\'s')
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not read the cloudlet\'s compute version document; assuming the emulator\'s range')
  }
  return COMPUTE_VERSION_RANGE
}

function stateFile (dataDir: string, id: string): string {
  mkdirSync(dataDir, { recursive: true })
  return join(dataDir, `agent-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.sqlite`)
}
