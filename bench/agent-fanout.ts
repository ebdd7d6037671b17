/**
 * Benchmark (issue 6 §5): what grows with the number of cloudlets. The embedded default
 * (src/agent/local-cluster.ts: identity provider, introducer, N emulated cloudlets and N agents)
 * runs in this process on loopback; every cloudlet answer waits `--delay-ms` (default 20 ms),
 * standing for the network between an agent and a remote cloudlet, so that the fan-out's
 * parallelism shows as it would between machines (on one machine all agents share 2 cores,
 * which this cannot hide: the figures include every agent's CPU).
 *
 * - GET /servers/detail latency through agent 1 for N = 1, 4, 16, 64 cloudlets, with 2 servers
 *   in every cloudlet (so every agent is in the project's footprint): p50 and p99 of
 *   `--requests` sequential lists. Goal: 64 ≤ 3 × 1.
 * - Creates per second through the agents with 16 cloudlets: POST /servers through agents
 *   picked in turn, 16 at a time, for `--seconds`.
 * - Time until a footprint change (an agent's first resource of a project) has reached all of
 *   64 agents, over the real gossip (HTTP, signed envelopes), 5 changes.
 *
 * The agents run with the default Cyclon period (2 s), as deployed; `--fast-overlay` uses 500 ms
 * (quicker to converge, but 64 agents' gossip then takes about half a core of this process
 * while it measures).
 *
 *   node --import tsx bench/agent-fanout.ts [--delay-ms 20] [--requests 40] [--seconds 10] [--sizes 1,4,16,64] [--fast-overlay]
 */
import { DEFAULT_IMAGE, startLocalCluster } from '../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../src/agent/local-cluster.ts'
import { silentLogger } from '../src/core/ports.ts'
import { loginAt } from '../test/fixtures/agent-login.ts'
import { liftQuotas } from './agent-bench-helpers.ts'

const argument = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name)
  return i < 0 ? fallback : process.argv[i + 1] ?? fallback
}
const delayMs = Number(argument('--delay-ms', '20'))
const requests = Number(argument('--requests', '40'))
const seconds = Number(argument('--seconds', '10'))
const sizes = argument('--sizes', '1,4,16,64').split(',').map(Number)
const fastOverlay = process.argv.includes('--fast-overlay')

async function create (agentUrl: string, token: string, name: string, site: string | null): Promise<number> {
  const response = await fetch(`${agentUrl}/compute/v2.1/servers`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ server: { name, flavorRef: '1', imageRef: DEFAULT_IMAGE.id }, ...(site === null ? {} : { 'os:scheduler_hints': { 'p2pstack:labels': `site=${site}` } }) })
  })
  await response.arrayBuffer()
  return response.status
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

async function cluster (n: number): Promise<RunningLocalCluster> {
  const started = performance.now()
  const c = await startLocalCluster({
    host: '127.0.0.1',
    basePort: 0,
    cloudlets: n,
    dataDir: null,
    adminPassword: 'secret',
    demoPassword: null,
    logger: silentLogger,
    transitionDelayMs: 100,
    cloudletDelayMs: delayMs,
    ...(fastOverlay ? { cyclon: { shufflePeriodMs: 500, replyTimeoutMs: 400 } } : {}),
    listTimeoutMs: 10_000
  })
  await c.converged(300_000)
  console.error(`  ${n} cloudlets up in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return c
}

async function listLatency (n: number): Promise<{ p50: number, p99: number, servers: number }> {
  const c = await cluster(n)
  try {
    const entry = c.entryUrl
    const admin = await loginAt(entry)
    const token = admin.token
    await liftQuotas(c.members.map(m => m.agent?.publicUrl as string), admin)
    for (const member of c.members) {
      for (let k = 0; k < 2; k++) {
        const status = await create(entry, token, `s-${member.index}-${k}`, member.name)
        if (status !== 202) throw new Error(`create on ${member.name}: ${status}`)
      }
    }
    // Until every agent's footprint entry reached agent 1 (the list then holds every server).
    let servers = 0
    const deadline = performance.now() + 60_000
    while (performance.now() < deadline) {
      const body = await (await fetch(`${entry}/compute/v2.1/servers/detail`, { headers: { 'x-auth-token': token } })).json() as { servers: unknown[] }
      servers = body.servers.length
      if (servers === 2 * n) break
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    const times: number[] = []
    for (let i = 0; i < requests + 5; i++) {
      const t0 = performance.now()
      const response = await fetch(`${entry}/compute/v2.1/servers/detail`, { headers: { 'x-auth-token': token } })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`list: ${response.status}`)
      if (i >= 5) times.push(performance.now() - t0)
    }
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), servers }
  } finally {
    await c.stop()
  }
}

async function createsPerSecond (n: number): Promise<{ perSecond: number, ok: number, failed: number }> {
  const c = await cluster(n)
  try {
    const agents = c.members.map(m => m.agent?.publicUrl as string)
    const tokens = (await Promise.all(agents.map(async url => await loginAt(url)))).map(l => l.token)
    await liftQuotas(agents, await loginAt(c.entryUrl))
    let ok = 0
    let failed = 0
    let next = 0
    const end = performance.now() + seconds * 1000
    const started = performance.now()
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (performance.now() < end) {
        const i = next++ % agents.length
        const status = await create(agents[i] as string, tokens[i] as string, `c-${next}`, null)
        if (status === 202) ok++
        else failed++
      }
    }))
    return { perSecond: ok / ((performance.now() - started) / 1000), ok, failed }
  } finally {
    await c.stop()
  }
}

async function footprintSpread (n: number): Promise<number[]> {
  const c = await cluster(n)
  try {
    const agents = c.members.map(m => m.agent).filter(a => a !== null)
    const times: number[] = []
    for (let k = 0; k < 5; k++) {
      const project = `bench-project-${k}`
      const origin = agents[(k * 13) % agents.length]
      if (origin === undefined) throw new Error('no agent')
      const t0 = performance.now()
      origin.overlay.footprint.add(project)
      while (!agents.every(a => a.overlay.footprint.agentsOf(project).some(e => e.id === origin.id))) {
        if (performance.now() - t0 > 120_000) throw new Error('the change did not reach every agent within 120 s')
        await new Promise(resolve => setTimeout(resolve, 5))
      }
      times.push(performance.now() - t0)
    }
    return times
  } finally {
    await c.stop()
  }
}

console.log(`Agents over emulated cloudlets in one process on loopback; every cloudlet answer delayed ${delayMs} ms (a remote cloudlet).`)
console.log('\nGET /compute/v2.1/servers/detail through agent 1 (2 servers per cloudlet):')
console.log('| cloudlets | servers listed | p50 ms | p99 ms | p50 / p50 at 1 |')
console.log('|---|---|---|---|---|')
let base: number | null = null
for (const n of sizes) {
  const r = await listLatency(n)
  base ??= r.p50
  console.log(`| ${n} | ${r.servers} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / base).toFixed(2)} |`)
}
const creates = await createsPerSecond(16)
console.log(`\nPOST /servers through 16 agents in turn, 16 at a time, ${seconds} s: ${creates.perSecond.toFixed(1)} creates/s (${creates.ok} accepted, ${creates.failed} refused)`)
const spread = await footprintSpread(64)
console.log(`\nA footprint change reaching all 64 agents (5 changes): ${spread.map(t => t.toFixed(0)).join(', ')} ms; median ${percentile(spread, 0.5).toFixed(0)} ms`)
