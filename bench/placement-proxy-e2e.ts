/**
 * Placement end to end through the agents' own POST /servers (issue 4 §4 "End to end", with the
 * service proxy of issue 6): the embedded default with 16 cloudlets of unequal sizes (1 to 4
 * hosts, src/agent/local-cluster.ts) and their 16 agents, in this process on loopback; 400
 * m1.tiny servers created through the agents in turn, 16 at a time; one in eight asks for a
 * particular cloudlet by label (`p2pstack:labels=site=cloudlet-k`).
 * Arguments: servers, cloudlets, creates in flight (default 16), one labelled in how many (8; 0: none).
 *
 * Prints: each cloudlet's utilization at the end (the highest of VCPU, MEMORY_MB, DISK_GB used
 * over capacity, read from its Placement through the agent's load monitor), the highest and the
 * mean, whether every labelled server is on its cloudlet, the placement-decision latency
 * p50/p99 (as the agents measured it), and the creates per second.
 *
 *   node --import tsx bench/placement-proxy-e2e.ts [servers=400] [cloudlets=16] [concurrency=16] [labelEvery=8]
 */
import { DEFAULT_IMAGE, startLocalCluster } from '../src/agent/local-cluster.ts'
import { silentLogger } from '../src/core/ports.ts'
import { loginAt } from '../test/fixtures/agent-login.ts'
import { liftQuotas } from './agent-bench-helpers.ts'
import { utilizationAfter } from '../src/protocol/placement/cloudlet-load.ts'

const ZERO = { vcpus: 0, memoryMb: 0, diskGb: 0 }
const servers = Number(process.argv[2] ?? 400)
const cloudlets = Number(process.argv[3] ?? 16)
/** Creates in flight at once; 1 measures a placement alone. */
const concurrency = Number(process.argv[4] ?? 16)
/** One server in this many asks for a cloudlet by label; 0: none. */
const labelEvery = Number(process.argv[5] ?? 8)

const cluster = await startLocalCluster({
  host: '127.0.0.1',
  basePort: 0,
  cloudlets,
  dataDir: null,
  adminPassword: 'secret',
  demoPassword: null,
  logger: silentLogger,
  transitionDelayMs: 100,
  cyclon: { shufflePeriodMs: 500, replyTimeoutMs: 400 }
})
try {
  await cluster.converged(120_000)
  const agents = cluster.members.map(m => m.agent).filter(a => a !== null)
  const tokens = (await Promise.all(agents.map(async agent => await loginAt(agent.publicUrl)))).map(l => l.token)
  await liftQuotas(agents.map(a => a.publicUrl), await loginAt(cluster.entryUrl))
  const wanted = new Map<string, string>()
  let next = 0
  let refused = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const n = next++
      if (n >= servers) return
      const i = n % agents.length
      const site = labelEvery > 0 && n % labelEvery === labelEvery - 1 ? `cloudlet-${1 + (Math.floor(n / labelEvery) % cloudlets)}` : null
      const response = await fetch(`${agents[i]?.publicUrl as string}/compute/v2.1/servers`, {
        method: 'POST',
        headers: { 'x-auth-token': tokens[i] as string, 'content-type': 'application/json' },
        body: JSON.stringify({ server: { name: `e2e-${n}`, flavorRef: '1', imageRef: DEFAULT_IMAGE.id }, ...(site === null ? {} : { 'os:scheduler_hints': { 'p2pstack:labels': `site=${site}` } }) })
      })
      const text = await response.text()
      if (response.status !== 202) {
        refused++
        continue
      }
      if (site !== null) wanted.set((JSON.parse(text) as { server: { id: string } }).server.id, site)
    }
  }))
  const seconds = (performance.now() - started) / 1000
  // Each agent's load after its last create landed.
  for (const agent of agents) {
    agent.overlay.cloudletLoad?.refreshSoon()
    await agent.overlay.cloudletLoad?.settled()
  }
  const rows = cluster.members.map(m => {
    const load = m.agent?.overlay.cloudletLoad?.load()
    const hosts = m.cloudlet.cloudlet.config.hosts.count
    const utilization = load === undefined ? Number.NaN : 100 * utilizationAfter(load, ZERO, ZERO)
    const count = [...m.cloudlet.cloudlet.compute.state.servers.values()].filter(s => s.deletedAtMs === null).length
    return { name: m.name, hosts, utilization, count }
  })
  let misplaced = 0
  for (const m of cluster.members) {
    for (const server of m.cloudlet.cloudlet.compute.state.servers.values()) {
      const site = wanted.get(server.id)
      if (site !== undefined && site !== m.name) misplaced++
    }
  }
  const decisions = agents.flatMap(a => a.proxy.stats.recentDecisionsMs).sort((a, b) => a - b)
  const pct = (p: number): number => decisions[Math.min(decisions.length - 1, Math.floor(p * decisions.length))] ?? Number.NaN
  const mean = rows.reduce((s, r) => s + r.utilization, 0) / rows.length
  const highest = Math.max(...rows.map(r => r.utilization))
  console.log(`${servers} m1.tiny servers through ${agents.length} agents' POST /servers, ${concurrency} at a time, ${labelEvery > 0 ? `one in ${labelEvery} with a label` : 'no labels'}: ${(servers / seconds).toFixed(1)} creates/s, ${refused} refused`)
  console.log('| cloudlet | hosts | servers | utilization % |')
  console.log('|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.name} | ${r.hosts} | ${r.count} | ${r.utilization.toFixed(1)} |`)
  console.log(`highest ${highest.toFixed(1)} %, mean ${mean.toFixed(1)} %, highest − mean ${(highest - mean).toFixed(1)} points (goal ≤ 15)`)
  console.log(`labelled servers: ${wanted.size}, on another cloudlet than asked: ${misplaced}`)
  console.log(`placement decision (place() to decision, as the agents measured it): p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms over ${decisions.length} placements`)
} finally {
  await cluster.stop()
}
