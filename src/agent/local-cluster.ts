/**
 * The embedded default, in one process: the services node (identity provider, image store and
 * Cyclon introducer), N emulated cloudlets of varied sizes, and N agents in front of them, on
 * loopback. `p2pstack up` runs it; the acceptance tests run it too, and stop and restart single
 * agents in it.
 *
 * Ports are fixed from a base port so that a second run on the same data directory finds
 * everything where it was (agents remember each other by address): agent i listens on
 * base + i − 1 (agent 1 on the base port is where users start), the identity provider on base
 * + 100, the introducer on base + 101, the image store on base + 102, cloudlet i on base + 200
 * + i. Base port 0 gives every process a free port instead (tests). State: the data directory
 * holds idp.sqlite, cluster.key, images/ (the image store's blobs), cloudlet-<i>.sqlite
 * (+ .images/) and the agents' state; without one, memory (and a temporary directory for the
 * image store, removed on stop). Every cloudlet's Glance may web-download from the image store.
 * Each cloudlet's admin password is derived from the cluster key (HMAC), so it is stable
 * across runs and tells nothing of the key.
 *
 * Every cloudlet gets the same public image ("cirros", one id everywhere) so that a server can
 * boot wherever the scheduler puts it; images are per cloudlet until the global-objects issue.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { httpRequest, readBody } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import { DEFAULT_CLOUDLET_CONFIG } from '../emulator/cloudlet-config.ts'
import type { CloudletConfig } from '../emulator/cloudlet-config.ts'
import { DEFAULT_PLACEMENT_CONFIG } from '../protocol/placement/placement-config.ts'
import { SMALL_CLUSTER_CYCLON_CONFIG } from '../protocol/cyclon/cyclon-config.ts'
import type { CyclonConfig } from '../protocol/cyclon/cyclon-config.ts'
import { createHttpClient } from '../runtime/http-client.ts'
import { SystemClock } from '../runtime/system-clock.ts'
import type { AgentConfig } from './agent-config.ts'
import { startCloudletProcess } from './cloudlet-process.ts'
import type { RunningCloudlet } from './cloudlet-process.ts'
import { startIdpProcess } from './idp-process.ts'
import type { RunningIdp } from './idp-process.ts'
import { startImageStoreProcess } from './image-store-process.ts'
import { KeystonePasswordTokenSource } from './keystone-token-source.ts'
import { startOverlayAgent } from './overlay-agent.ts'
import type { RunningOverlayAgent } from './overlay-agent.ts'
import { startServiceAgent } from './service-agent.ts'
import type { RunningServiceAgent } from './service-agent.ts'

/** The image every cloudlet of the embedded default holds, with this id. */
export const DEFAULT_IMAGE = { id: 'c1a5e0b4-0f6e-4b8e-9d1c-2f7a3b9e5d01', name: 'cirros' } as const

/** Hosts per cloudlet, in turn: cloudlets of varied sizes. */
export const HOST_COUNTS = [2, 1, 3, 1, 4, 2, 1, 3]

export interface LocalClusterOptions {
  readonly host: string
  /** 0: every process on a free port. */
  readonly basePort: number
  readonly cloudlets: number
  /** null keeps everything in memory. */
  readonly dataDir: string | null
  readonly adminPassword: string
  /** The member user "demo" in project "demo"; null: none. */
  readonly demoPassword: string | null
  readonly logger: Logger
  readonly region?: string
  readonly transitionDelayMs?: number
  /** Shorter cycles make the overlay converge faster (tests); default the small-cluster preset with 2 s cycles. */
  readonly cyclon?: Partial<CyclonConfig>
  readonly listTimeoutMs?: number
  /** How often agents read revocation events from the identity provider; default 5 s. */
  readonly revocationPollMs?: number
  /** The highest compute microversion of cloudlet i (index i − 1; null or absent: the emulator's), as older Novas. */
  readonly computeMaxMicroversions?: ReadonlyArray<string | null>
  /** Every cloudlet answer waits this long (a remote cloudlet's network, for benchmarks); default 0. */
  readonly cloudletDelayMs?: number
  /** Told what is happening while starting. */
  readonly progress?: (text: string) => void
}

export interface ClusterMember {
  readonly index: number
  readonly name: string
  readonly cloudlet: RunningCloudlet
  /** Null while stopped (stopAgent). */
  agent: RunningServiceAgent | null
  readonly config: AgentConfig
}

export interface RunningLocalCluster {
  readonly idp: RunningIdp
  /** The image store of the services node (src/imagestore); agents sign their writes with the cluster key. */
  readonly imageStore: { readonly url: string }
  readonly introducer: RunningOverlayAgent
  readonly members: readonly ClusterMember[]
  /** Agent 1's URL: where users start (auth_url is `<entryUrl>/identity`). */
  readonly entryUrl: string
  readonly region: string
  /** Resolves once every agent's cache is as full as the cluster allows and every agent is in some cache; rejects after `timeoutMs`. */
  converged(timeoutMs: number): Promise<void>
  stopAgent(index: number): Promise<void>
  startAgent(index: number): Promise<void>
  stop(): Promise<void>
}

export async function startLocalCluster (options: LocalClusterOptions): Promise<RunningLocalCluster> {
  const { host, basePort, logger } = options
  const progress = options.progress ?? (() => {})
  const region = options.region ?? 'RegionOne'
  const port = (offset: number): number => basePort === 0 ? 0 : basePort + offset
  if (options.dataDir !== null) mkdirSync(options.dataDir, { recursive: true })
  const file = (name: string): string | null => options.dataDir === null ? null : join(options.dataDir, name)
  const clusterKey = readOrMakeClusterKey(file('cluster.key'))
  const stops: Array<() => Promise<void>> = []
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => { logger.error({ err: error }, 'stopping failed') })
    stops.length = 0
  }
  try {
    progress('starting the identity provider')
    const idp = await startLocalIdp({ host, port: port(100), stateFile: file('idp.sqlite'), logger, region, adminPassword: options.adminPassword, demoPassword: options.demoPassword })
    stops.push(async () => { await idp.stop() })

    progress('starting the image store')
    const imageStore = await startImageStoreProcess({ host, port: port(102), dir: file('images'), clusterKey, publicUrl: null, logger })
    stops.push(async () => { await imageStore.stop() })

    const cyclon = localCyclonConfig(options.cyclon)
    const introducer = await startIntroducer({ host, port: port(101), clusterKey, cyclon, logger, listTimeoutMs: options.listTimeoutMs })
    stops.push(async () => { await introducer.stop() })

    const members: ClusterMember[] = []
    for (let i = 1; i <= options.cloudlets; i++) {
      const name = `cloudlet-${i}`
      progress(`starting ${name} and its agent (${i} of ${options.cloudlets})`)
      const config: CloudletConfig = {
        ...DEFAULT_CLOUDLET_CONFIG,
        name,
        region,
        ...(options.transitionDelayMs === undefined ? {} : { transitionDelayMs: options.transitionDelayMs }),
        admin: { user: 'admin', password: createHmac('sha256', clusterKey).update(`cloudlet admin ${i}`).digest('base64url').slice(0, 24), project: 'admin' },
        hosts: { ...DEFAULT_CLOUDLET_CONFIG.hosts, count: HOST_COUNTS[(i - 1) % HOST_COUNTS.length] ?? 2 },
        computeMaxMicroversion: options.computeMaxMicroversions?.[i - 1] ?? null,
        webDownloadAllowedHosts: [new URL(imageStore.url).host]
      }
      const cloudlet = await startCloudletProcess({ host, port: port(200 + i), config, stateFile: file(`${name}.sqlite`), logger, responseDelayMs: options.cloudletDelayMs ?? 0 })
      stops.push(async () => { await cloudlet.stop() })
      await seedImage(cloudlet.url, config)
      const agentConf = localAgentConfig({
        id: `agent-${i}`,
        host,
        port: port(i - 1),
        clusterKey,
        cyclon,
        introducer: { id: introducer.id, address: introducer.address },
        cloudlet: { authUrl: `${cloudlet.url}/identity`, username: 'admin', password: config.admin.password, project: 'admin', userDomain: 'Default', projectDomain: 'Default', region, loadRefreshMs: 2_000 },
        identity: localIdentityConnection(idp, options.adminPassword, options.revocationPollMs),
        dataDir: options.dataDir === null ? null : join(options.dataDir, `agent-${i}`),
        metadata: { cloudlet: name, region, availabilityZone: config.availabilityZone, labels: { site: name } },
        listTimeoutMs: options.listTimeoutMs,
        imageStoreUrl: imageStore.url
      })
      const agent = await startServiceAgent({ config: agentConf, logger })
      // A restarted agent keeps its port, so peers' records of its address stay right.
      const member: ClusterMember = { index: i, name, cloudlet, agent, config: { ...agentConf, listen: { host, port: Number(new URL(agent.url).port) } } }
      stops.push(async () => { await member.agent?.stop() })
      members.push(member)
    }
    const first = members[0]?.agent
    if (first === undefined || first === null) throw new Error('a local cluster needs at least one cloudlet')

    return {
      idp,
      imageStore: { url: imageStore.url },
      introducer,
      members,
      entryUrl: first.publicUrl,
      region,
      converged: async timeoutMs => { await overlayConverged(introducer, () => members.flatMap(m => m.agent === null ? [] : [m.agent.overlay]), cyclon.cacheSize, timeoutMs, progress) },
      stopAgent: async index => {
        const member = members[index - 1]
        if (member === undefined) throw new Error(`no agent ${index}`)
        await member.agent?.stop()
        member.agent = null
      },
      startAgent: async index => {
        const member = members[index - 1]
        if (member === undefined) throw new Error(`no agent ${index}`)
        if (member.agent !== null) return
        member.agent = await startServiceAgent({ config: member.config, logger })
      },
      stop: stopAll
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** The identity provider of the embedded default: admin user and project "admin", optionally the member user "demo" in project "demo". */
export async function startLocalIdp (o: { host: string, port: number, stateFile: string | null, logger: Logger, region: string, adminPassword: string, demoPassword: string | null }): Promise<RunningIdp> {
  return await startIdpProcess({
    host: o.host,
    port: o.port,
    publicUrl: null,
    stateFile: o.stateFile,
    logger: o.logger,
    settings: {
      region: o.region,
      tokenTtlMs: 3_600_000,
      keyRotationPeriodMs: 7 * 24 * 3_600_000,
      lockout: { failureAttempts: 6, durationMs: 60_000 },
      bootstrap: { adminUser: 'admin', adminPassword: o.adminPassword, adminProject: 'admin', region: o.region, demo: o.demoPassword === null ? null : { user: 'demo', password: o.demoPassword, project: 'demo' } }
    }
  })
}

/** The embedded default's Cyclon parameters: the small-cluster preset with 2 s cycles, and overrides. */
export function localCyclonConfig (overrides: Partial<CyclonConfig> = {}): CyclonConfig {
  return { ...SMALL_CLUSTER_CYCLON_CONFIG, shufflePeriodMs: 2_000, replyTimeoutMs: 1_000, ...overrides }
}

/** The Cyclon introducer of the services node: an overlay agent without a cloudlet. */
export async function startIntroducer (o: { host: string, port: number, clusterKey: string, cyclon: CyclonConfig, logger: Logger, listTimeoutMs?: number | undefined }): Promise<RunningOverlayAgent> {
  const config = localAgentConfig({ id: 'introducer', host: o.host, port: o.port, clusterKey: o.clusterKey, cyclon: o.cyclon, introducer: null, cloudlet: null, identity: null, dataDir: null, listTimeoutMs: o.listTimeoutMs })
  return await startOverlayAgent({ config, logger: o.logger })
}

/** An agent's identity section for the embedded default's provider, with its admin as the revocation reader. */
export function localIdentityConnection (idp: RunningIdp, adminPassword: string, revocationPollMs?: number): NonNullable<AgentConfig['identity']> {
  return { provider: idp.url, issuer: idp.idp.issuer, credentials: { username: 'admin', password: adminPassword, project: 'admin' }, revocationPollMs: revocationPollMs ?? 5_000 }
}

/** The config of an agent of the embedded default (loopback, cluster key, the introducer as the only contact). */
export function localAgentConfig (o: {
  id: string
  host: string
  port: number
  clusterKey: string
  cyclon: CyclonConfig
  introducer: { id: string, address: string } | null
  cloudlet: AgentConfig['cloudlet']
  identity: AgentConfig['identity']
  dataDir: string | null
  metadata?: AgentConfig['overlay']['metadata']
  listTimeoutMs: number | undefined
  imageStoreUrl?: string
}): AgentConfig {
  return {
    id: o.id,
    listen: { host: o.host, port: o.port },
    advertisedAddress: null,
    security: { clusterKey: o.clusterKey, tls: null },
    overlay: {
      introducer: o.introducer,
      seeds: [],
      cyclon: o.cyclon,
      metadata: o.metadata ?? { cloudlet: '', region: '', availabilityZone: '', labels: {} },
      transport: { connectTimeoutMs: 1_000, requestTimeoutMs: 2_000, queueLimitPerPeer: 64, concurrencyPerPeer: 4, maxPeers: 256, keepAliveMs: 10_000, timestampWindowMs: 60_000, maxBodyBytes: 1_048_576, maxNonces: 100_000 }
    },
    placement: DEFAULT_PLACEMENT_CONFIG,
    cloudlet: o.cloudlet,
    identity: o.identity,
    proxy: { listTimeoutMs: o.listTimeoutMs ?? 2_000, forwardTimeoutMs: 60_000, publicUrl: null },
    imageStore: o.imageStoreUrl === undefined ? null : { url: o.imageStoreUrl },
    dataDir: o.dataDir
  }
}

/** The cluster key in `path` (made and written there if missing); a fresh one when path is null. */
export function readOrMakeClusterKey (path: string | null): string {
  if (path !== null && existsSync(path)) return readFileSync(path, 'utf8').trim()
  const key = randomBytes(32).toString('base64url')
  if (path !== null) writeFileSync(path, `${key}\n`, { mode: 0o600 })
  return key
}

/** Registers the default image in a cloudlet (same id everywhere), unless it is there. */
async function seedImage (cloudletUrl: string, config: CloudletConfig): Promise<void> {
  const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 10_000 })
  try {
    const tokens = new KeystonePasswordTokenSource(http, new SystemClock(), { authUrl: `${cloudletUrl}/identity`, user: config.admin.user, password: config.admin.password, project: config.admin.project })
    const token = await tokens.token()
    const images = `${cloudletUrl}/image/v2/images`
    const call = async (method: string, url: string, body: string | Uint8Array, contentType: string): Promise<number> => {
      const response = await http(httpRequest(method, url, { headers: { 'x-auth-token': token, 'content-type': contentType }, body }))
      await readBody(response.body)
      return response.status
    }
    const created = await call('POST', images, JSON.stringify({ id: DEFAULT_IMAGE.id, name: DEFAULT_IMAGE.name, disk_format: 'qcow2', container_format: 'bare', visibility: 'public' }), 'application/json')
    if (created === 409) return
    if (created !== 201) throw new Error(`${cloudletUrl}: creating the default image answered ${created}`)
    const uploaded = await call('PUT', `${images}/${DEFAULT_IMAGE.id}/file`, new Uint8Array(1024).fill(7), 'application/octet-stream')
    if (uploaded !== 204) throw new Error(`${cloudletUrl}: uploading the default image answered ${uploaded}`)
  } finally {
    await http.close()
  }
}

/** Resolves once every agent's cache is as full as the cluster allows and every agent is in some cache; rejects after `timeoutMs`. */
export async function overlayConverged (introducer: RunningOverlayAgent, running: () => readonly RunningOverlayAgent[], cacheSize: number, timeoutMs: number, progress: (text: string) => void = () => {}): Promise<void> {
  const started = performance.now()
  let last = ''
  for (;;) {
    const agents = [introducer, ...running()]
    const wanted = Math.min(cacheSize, agents.length - 1)
    const referenced = new Set(agents.flatMap(a => a.node.view().map(e => String(e.id))))
    const full = agents.filter(a => a.node.view().length >= wanted).length
    const linked = agents.filter(a => referenced.has(a.id)).length
    const text = `overlay: ${full} of ${agents.length} caches full, ${linked} of ${agents.length} agents known by a peer`
    if (text !== last) progress(text)
    last = text
    if (full === agents.length && linked === agents.length) return
    if (performance.now() - started > timeoutMs) throw new Error(`the overlay did not converge within ${timeoutMs} ms (${text})`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
