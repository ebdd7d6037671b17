/**
 * Agents in front of REAL cloudlets for the `real` suite and bench/real-agent-latency.ts: real
 * cloudlets 0 and 1 (or those asked for)
 * (scripts/real-cloudlet, through real-cloudlet-fixture.ts, started one after the other), and in
 * this process the identity provider, the introducer, optionally the image store, and one agent
 * per cloudlet with `trusted-headers` federation, wired by the embedded default's pieces
 * (src/agent/local-cluster.ts), converged. stop() stops what was started, cloudlets included
 * (unless P2PSTACK_REAL_REUSE_RUNNING=1, which uses cloudlets 0 and 1 already running, their
 * cloudlet.json under P2PSTACK_REAL_DIR, and leaves them running).
 */
import { join } from 'node:path'
import { localAgentConfig, localCyclonConfig, localIdentityConnection, overlayConverged, readOrMakeClusterKey, startIntroducer, startLocalIdp } from '../../src/agent/local-cluster.ts'
import type { AgentConfig } from '../../src/agent/agent-config.ts'
import type { RunningIdp } from '../../src/agent/idp-process.ts'
import { startImageStoreProcess } from '../../src/agent/image-store-process.ts'
import type { RunningImageStore } from '../../src/agent/image-store-process.ts'
import type { RunningOverlayAgent } from '../../src/agent/overlay-agent.ts'
import { startServiceAgent } from '../../src/agent/service-agent.ts'
import type { RunningServiceAgent } from '../../src/agent/service-agent.ts'
import type { Logger } from '../../src/core/ports.ts'
import { installRealCloudletPackages, startRealCloudlet } from './real-cloudlet-fixture.ts'
import type { RealCloudlet } from './real-cloudlet-fixture.ts'

const MINUTE = 60_000
export const REAL_REGION = 'RegionOne'

export interface RealAgents {
  readonly clouds: RealCloudlet[]
  readonly agents: RunningServiceAgent[]
  /** Each agent's configuration, with the port it listens on (to restart it there). */
  readonly configs: AgentConfig[]
  readonly idp: RunningIdp
  readonly introducer: RunningOverlayAgent
  readonly imageStore: RunningImageStore | null
  stop(): Promise<void>
}

export async function startRealAgents (options: {
  readonly logger: Logger
  /** Times a step (for the suite's wall-time summary). */
  readonly timed: <T>(what: string, work: () => Promise<T>) => Promise<T>
  /** Runs an image store on the services node and gives its URL to the agents. */
  readonly imageStore?: boolean
  /** Which real cloudlets, one agent each (default 0 and 1). */
  readonly cloudlets?: readonly number[]
  /** Work on the cloudlets before the agents start (e.g. registering an image in both). */
  readonly prepare?: (clouds: readonly RealCloudlet[]) => Promise<void>
}): Promise<RealAgents> {
  const { logger, timed } = options
  const clouds: RealCloudlet[] = []
  const agents: RunningServiceAgent[] = []
  const configs: AgentConfig[] = []
  let idp: RunningIdp | undefined
  let introducer: RunningOverlayAgent | undefined
  let imageStore: RunningImageStore | null = null
  const stop = async (): Promise<void> => {
    for (const agent of [...agents].reverse()) await agent.stop().catch(() => {})
    await introducer?.stop().catch(() => {})
    await imageStore?.stop().catch(() => {})
    await idp?.stop().catch(() => {})
    for (const cloud of [...clouds].reverse()) await timed(`real cloudlet ${cloud.description.index} stop`, async () => { await cloud.stop() }).catch(() => {})
  }
  try {
    const reuse = process.env.P2PSTACK_REAL_REUSE_RUNNING === '1'
    if (!reuse) await timed('install check', async () => { await installRealCloudletPackages(20 * MINUTE) })
    for (const index of options.cloudlets ?? [0, 1]) {
      const realDir = process.env.P2PSTACK_REAL_DIR ?? '/tmp/p2pstack-real'
      clouds.push(await timed(`real cloudlet ${index} start`, async () => await startRealCloudlet({ index, startTimeoutMs: 15 * MINUTE, ...(reuse ? { jsonPath: join(realDir, `cloudlet-${index}`, 'cloudlet.json') } : {}) })))
    }
    await options.prepare?.(clouds)
    await timed('identity provider, introducer and two agents start', async () => {
      idp = await startLocalIdp({ host: '127.0.0.1', port: 0, stateFile: null, logger, region: REAL_REGION, adminPassword: 'secret', demoPassword: null })
      const clusterKey = readOrMakeClusterKey(null)
      if (options.imageStore === true) imageStore = await startImageStoreProcess({ host: '127.0.0.1', port: 0, dir: null, clusterKey, publicUrl: null, logger })
      const cyclon = localCyclonConfig({ shufflePeriodMs: 300, replyTimeoutMs: 250, rejoinBackoffMs: 500 })
      introducer = await startIntroducer({ host: '127.0.0.1', port: 0, clusterKey, cyclon, logger })
      for (const [i, cloud] of clouds.entries()) {
        const d = cloud.description
        const config = localAgentConfig({
          id: `agent-${'AB'[i] as string}`,
          host: '127.0.0.1',
          port: 0,
          clusterKey,
          cyclon,
          introducer: { id: introducer.id, address: introducer.address },
          cloudlet: { authUrl: d.auth_url, username: d.admin.username, password: d.admin.password, project: d.admin.project_name, userDomain: d.admin.user_domain_name, projectDomain: d.admin.project_domain_name, region: d.region, loadRefreshMs: 2_000, federation: 'trusted-headers' },
          identity: localIdentityConnection(idp, 'secret'),
          dataDir: null,
          metadata: { cloudlet: d.name, region: REAL_REGION, availabilityZone: 'nova', labels: { site: d.name } },
          listTimeoutMs: 30_000,
          ...(imageStore === null ? {} : { imageStoreUrl: imageStore.url })
        })
        const proxy = { ...config.proxy, forwardTimeoutMs: 120_000 }
        const started = await startServiceAgent({ config: { ...config, proxy }, logger })
        agents.push(started)
        // a restart keeps the port, so the peers' records of its address stay right
        configs.push({ ...config, listen: { host: '127.0.0.1', port: Number(new URL(started.url).port) }, proxy })
      }
      await overlayConverged(introducer, () => agents.map(a => a.overlay), cyclon.cacheSize, 60_000)
    })
  } catch (error) {
    await stop()
    throw error
  }
  return { clouds, agents, configs, idp: idp as RunningIdp, introducer: introducer as RunningOverlayAgent, imageStore, stop }
}
