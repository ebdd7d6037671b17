/**
 * Benchmark (issue 8 §4): what the agent adds over a REAL OpenStack cloudlet (Debian's Nova and
 * Glance from scripts/real-cloudlet), against calling the same services directly, in one run.
 *
 * Wiring as test/real/agents-real.test.ts: real cloudlet 0 (the fixture starts it with
 * `scripts/real-cloudlet start 0` and stops it by its recorded PIDs), and in this process the
 * p2pstack identity provider, the introducer and one agent in front of the cloudlet with
 * `trusted-headers` federation. Direct calls carry the cloudlet admin's Keystone token; calls
 * through the agent carry the identity provider's JWT of its admin (the agent verifies it, maps
 * it to its federated session in the shadow project, translates ids and rewrites URLs).
 *
 * Measured, each on one keep-alive connection per side, sequentially, direct and agent calls
 * alternating (so both see the same load), after a warm-up:
 *   GET servers/{id}, GET servers/detail (K servers each side), GET images/{id} (the seeded
 *   image), GET images; and server create → ACTIVE (POST, then GET every 250 ms), K direct and K
 *   through the agent, alternating; deleted afterwards (delete → 404 timed too).
 *
 *   node --import tsx bench/real-agent-latency.ts [--calls 200] [--warmup 20] [--servers 3]
 *
 * P2PSTACK_REAL_REUSE_RUNNING=1 uses cloudlet 0 already running (its cloudlet.json under
 * P2PSTACK_REAL_DIR, default /tmp/p2pstack-real) and leaves it running; P2PSTACK_REAL_DEBUG=1
 * logs the agent to stderr.
 */
import { cpus, loadavg, totalmem } from 'node:os'
import { Client } from 'undici'
import type { RunningServiceAgent } from '../src/agent/service-agent.ts'
import { silentLogger } from '../src/core/ports.ts'
import { createLogger } from '../src/runtime/logger.ts'
import { loginAt } from '../test/fixtures/agent-login.ts'
import { startRealAgents } from '../test/real/real-agents-fixture.ts'
import type { RealCloudlet } from '../test/real/real-cloudlet-fixture.ts'

const argument = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  const value = i < 0 ? fallback : Number(process.argv[i + 1])
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} wants a positive integer`)
  return value
}
const CALLS = argument('--calls', 200)
const WARMUP = argument('--warmup', 20)
const SERVERS = argument('--servers', 3)
const MINUTE = 60_000
const POLL_MS = 250
const ACTIVE_BOUND_MS = 5 * MINUTE
const reuse = process.env.P2PSTACK_REAL_REUSE_RUNNING === '1'
const logger = process.env.P2PSTACK_REAL_DEBUG === '1' ? createLogger({ level: 'debug', name: 'real-agent-latency' }) : silentLogger

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const load = (): string => loadavg().map(l => l.toFixed(2)).join(' ')
const say = (text: string): void => { console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`) }

/** One side of a comparison: a single keep-alive connection to an origin, with the path prefix and token of that side. */
class Side {
  readonly #client: Client
  constructor (readonly name: string, readonly origin: string, readonly token: string) {
    this.#client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000 })
  }

  async call (method: string, path: string, body?: unknown): Promise<{ status: number, text: string, ms: number }> {
    const started = performance.now()
    const response = await this.#client.request({
      method: method as 'GET',
      path,
      headers: { 'x-auth-token': this.token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.body.text()
    return { status: response.statusCode, text, ms: performance.now() - started }
  }

  async close (): Promise<void> { await this.#client.close() }
}

interface Stats { p50: number, p90: number, p99: number, mean: number, n: number }
function stats (values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, n: sorted.length }
}
const f = (ms: number): string => ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)
const row = (s: Stats): string => `${f(s.p50)} / ${f(s.p90)} / ${f(s.p99)} / ${f(s.mean)}`

interface Pair { readonly what: string, readonly direct: { side: Side, path: string }, readonly agent: { side: Side, path: string }, readonly count: (text: string) => string }

/** Warm-up, then `CALLS` calls on each side, alternating direct and agent; every answer must be 200. */
async function measure (pair: Pair): Promise<{ direct: Stats, agent: Stats, note: string }> {
  const one = async (s: { side: Side, path: string }): Promise<{ ms: number, text: string }> => {
    const r = await s.side.call('GET', s.path)
    if (r.status !== 200) throw new Error(`${pair.what} (${s.side.name}): ${r.status} ${r.text.slice(0, 300)}`)
    return r
  }
  for (let i = 0; i < WARMUP; i++) { await one(pair.direct); await one(pair.agent) }
  const direct: number[] = []
  const agent: number[] = []
  let sizes = ''
  for (let i = 0; i < CALLS; i++) {
    // alternate which side goes first too, so neither always follows the other's call
    const order = i % 2 === 0 ? [pair.direct, pair.agent] : [pair.agent, pair.direct]
    for (const s of order) {
      const r = await one(s)
      ;(s === pair.direct ? direct : agent).push(r.ms)
      if (i === 0) sizes += `${s === pair.direct ? 'direct' : 'agent'} ${Buffer.byteLength(r.text)} B${pair.count(r.text)}; `
    }
  }
  return { direct: stats(direct), agent: stats(agent), note: sizes.replace(/; $/, '') }
}

/** POST the server, then GET it every 250 ms until ACTIVE: ms to the 202 and to ACTIVE seen. */
async function createUntilActive (side: Side, serversPath: string, name: string, flavorRef: string, imageRef: string): Promise<{ id: string, acceptedMs: number, activeMs: number }> {
  const started = performance.now()
  const created = await side.call('POST', serversPath, { server: { name, flavorRef, imageRef } })
  if (created.status !== 202) throw new Error(`create ${name} (${side.name}): ${created.status} ${created.text.slice(0, 300)}`)
  const acceptedMs = performance.now() - started
  const id = (JSON.parse(created.text) as { server: { id: string } }).server.id
  for (;;) {
    await sleep(POLL_MS)
    const shown = await side.call('GET', `${serversPath}/${id}`)
    if (shown.status === 200) {
      const status = (JSON.parse(shown.text) as { server: { status: string } }).server.status
      if (status === 'ACTIVE') return { id, acceptedMs, activeMs: performance.now() - started }
      if (status === 'ERROR') throw new Error(`server ${name} (${side.name}) went to ERROR: ${shown.text.slice(0, 500)}`)
    } else if (shown.status !== 404) {
      throw new Error(`polling ${name} (${side.name}): ${shown.status} ${shown.text.slice(0, 300)}`)
    }
    if (performance.now() - started > ACTIVE_BOUND_MS) throw new Error(`server ${name} (${side.name}) not ACTIVE within ${ACTIVE_BOUND_MS} ms`)
  }
}

/** DELETE, then GET every 250 ms until 404: ms until gone. */
async function deleteUntilGone (side: Side, serversPath: string, id: string): Promise<number> {
  const started = performance.now()
  const deleted = await side.call('DELETE', `${serversPath}/${id}`)
  if (deleted.status !== 204 && deleted.status !== 404) throw new Error(`delete ${id} (${side.name}): ${deleted.status} ${deleted.text.slice(0, 300)}`)
  for (;;) {
    await sleep(POLL_MS)
    const shown = await side.call('GET', `${serversPath}/${id}`)
    if (shown.status === 404) return performance.now() - started
    if (performance.now() - started > ACTIVE_BOUND_MS) throw new Error(`server ${id} (${side.name}) not gone within ${ACTIVE_BOUND_MS} ms`)
  }
}

/** The cloudlet admin's project-scoped Keystone token, by password. */
async function keystoneToken (cloud: RealCloudlet): Promise<string> {
  const a = cloud.description.admin
  const response = await fetch(`${cloud.description.auth_url}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: a.username, domain: { name: a.user_domain_name }, password: a.password } } }, scope: { project: { name: a.project_name, domain: { name: a.project_domain_name } } } } })
  })
  await response.arrayBuffer()
  const token = response.headers.get('x-subject-token')
  if (response.status !== 201 || token === null) throw new Error(`keystone login at ${cloud.description.auth_url}: ${response.status}`)
  return token
}

const stops: Array<() => Promise<void>> = []
async function stopAll (): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => { say(`stop: ${String(error)}`) })
  stops.length = 0
}

async function main (): Promise<void> {
  const runStarted = performance.now()
  const loads: string[] = [`start ${load()}`]
  say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load ${load()}`)

  say(reuse ? 'using real cloudlet 0 already running' : 'installing if missing and starting real cloudlet 0, then the identity provider, the introducer and the agent')
  const real = await startRealAgents({ logger, timed: async (what, work) => { const t = performance.now(); const r = await work(); say(`${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`); return r }, cloudlets: [0] })
  stops.push(async () => { say('stopping the agent and real cloudlet 0'); await real.stop() })
  const cloud = real.clouds[0] as RealCloudlet
  const agent = real.agents[0] as RunningServiceAgent
  const d = cloud.description

  const user = await loginAt(agent.publicUrl)
  const adminToken = await keystoneToken(cloud)
  const nova = new URL(d.endpoints.compute)
  const glance = new URL(d.endpoints.image)
  const agentUrl = new URL(agent.publicUrl)
  const novaPath = nova.pathname.replace(/\/$/, '').replace(/\/v2\.1$/, '')
  const glancePath = glance.pathname.replace(/\/$/, '')
  const direct = { nova: new Side('direct Nova', nova.origin, adminToken), glance: new Side('direct Glance', glance.origin, adminToken) }
  const viaAgent = new Side('agent', agentUrl.origin, user.token)
  const sides = [direct.nova, direct.glance, viaAgent]
  stops.push(async () => { for (const s of sides) await s.close() })
  const directServers = `${novaPath}/v2.1/servers`
  const agentServers = '/compute/v2.1/servers'
  const imageId = d.seed.image.id
  say(`agent ${agent.publicUrl} in front of Nova ${d.endpoints.compute}, Glance ${d.endpoints.image}; image ${d.seed.image.name} ${imageId}`)

  // Creates: direct and through the agent, alternating, each waited for until ACTIVE.
  loads.push(`creates ${load()}`)
  const createTimes = { direct: { accepted: [] as number[], active: [] as number[] }, agent: { accepted: [] as number[], active: [] as number[] } }
  const created: { direct: Array<{ id: string, acceptedMs: number, activeMs: number }>, agent: Array<{ id: string, acceptedMs: number, activeMs: number }> } = { direct: [], agent: [] }
  try {
    for (let k = 0; k < SERVERS; k++) {
      const order = k % 2 === 0 ? (['direct', 'agent'] as const) : (['agent', 'direct'] as const)
      for (const which of order) {
        const side = which === 'direct' ? direct.nova : viaAgent
        const r = await createUntilActive(side, which === 'direct' ? directServers : agentServers, `bench-${which}-${k}`, '1', imageId)
        created[which].push(r)
        createTimes[which].accepted.push(r.acceptedMs)
        createTimes[which].active.push(r.activeMs)
        say(`create ${which} ${k}: 202 after ${r.acceptedMs.toFixed(0)} ms, ACTIVE after ${(r.activeMs / 1000).toFixed(1)} s`)
      }
    }

    // The scheduler's decision time for each create through the agent (part of its 202 time).
    const decisions = agent.proxy.stats.recentDecisionsMs.slice(-SERVERS)

    // GETs.
    loads.push(`GETs ${load()}`)
    const byIdServer = created.agent[0]?.id as string
    const count = (key: 'servers' | 'images') => (text: string): string => `, ${((JSON.parse(text) as Record<string, unknown[]>)[key] ?? []).length} ${key}`
    const none = (): string => ''
    const pairs: Pair[] = [
      { what: 'GET /compute/v2.1/servers/{id}', direct: { side: direct.nova, path: `${directServers}/${byIdServer}` }, agent: { side: viaAgent, path: `${agentServers}/${byIdServer}` }, count: none },
      { what: 'GET /compute/v2.1/servers/detail', direct: { side: direct.nova, path: `${directServers}/detail` }, agent: { side: viaAgent, path: `${agentServers}/detail` }, count: count('servers') },
      { what: 'GET /image/v2/images/{id}', direct: { side: direct.glance, path: `${glancePath}/v2/images/${imageId}` }, agent: { side: viaAgent, path: `/image/v2/images/${imageId}` }, count: none },
      { what: 'GET /image/v2/images', direct: { side: direct.glance, path: `${glancePath}/v2/images` }, agent: { side: viaAgent, path: '/image/v2/images' }, count: count('images') }
    ]
    const results: Array<{ pair: Pair, r: Awaited<ReturnType<typeof measure>> }> = []
    for (const pair of pairs) {
      say(`${pair.what}: ${WARMUP} + ${CALLS} calls each side`)
      const r = await measure(pair)
      results.push({ pair, r })
      say(`  direct ${row(r.direct)} ms, agent ${row(r.agent)} ms (${r.note})`)
    }
    loads.push(`after GETs ${load()}`)

    // Deletes (timed for the record; the servers must go anyway).
    const gone: { direct: number[], agent: number[] } = { direct: [], agent: [] }
    for (let k = 0; k < SERVERS; k++) {
      gone.direct.push(await deleteUntilGone(direct.nova, directServers, (created.direct[k] as { id: string }).id))
      gone.agent.push(await deleteUntilGone(viaAgent, agentServers, (created.agent[k] as { id: string }).id))
    }
    created.direct.length = 0
    created.agent.length = 0
    loads.push(`end ${load()}`)

    console.log(`\nReal cloudlet 0 (Debian bookworm: Nova 26, Glance 25, Keystone 22) behind one agent (trusted-headers federation); ${new Date().toISOString().slice(0, 10)}`)
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average (1/5/15 min): ${loads.join('; ')}`)
    console.log(`sequential GETs on one keep-alive connection per side, direct and agent alternating; ${WARMUP} warm-up + ${CALLS} measured calls each; ms`)
    console.log('\n| call | direct p50 / p90 / p99 / mean | agent p50 / p90 / p99 / mean | agent / direct (p50, mean) | added ms (p50, mean) | answers |')
    console.log('|---|---|---|---|---|---|')
    for (const { pair, r } of results) {
      console.log(`| ${pair.what} | ${row(r.direct)} | ${row(r.agent)} | ${(r.agent.p50 / r.direct.p50).toFixed(2)}, ${(r.agent.mean / r.direct.mean).toFixed(2)} | ${f(r.agent.p50 - r.direct.p50)}, ${f(r.agent.mean - r.direct.mean)} | ${r.note} |`)
    }
    const s = (xs: number[]): string => xs.map(x => (x / 1000).toFixed(1)).join(', ')
    console.log(`\nserver create → ACTIVE (POST, then GET every ${POLL_MS} ms), ${SERVERS} each, alternating; s`)
    console.log('| path | 202 after (ms) | ACTIVE after (s) | mean ACTIVE (s) | delete → 404 (s) |')
    console.log('|---|---|---|---|---|')
    for (const which of ['direct', 'agent'] as const) {
      const { accepted, active } = createTimes[which]
      console.log(`| ${which} | ${accepted.map(x => x.toFixed(0)).join(', ')} | ${s(active)} | ${(active.reduce((a, b) => a + b, 0) / active.length / 1000).toFixed(2)} | ${s(gone[which])} |`)
    }
    console.log(`through the agent, the scheduler's decision (placement over the overlay) took ${decisions.map(x => x.toFixed(0)).join(', ')} ms of the 202 time`)
    console.log(`\nwall time ${((performance.now() - runStarted) / 1000).toFixed(0)} s`)
  } finally {
    // servers left by a failure: delete them (without waiting long) before the cloudlet goes
    for (const r of created.direct) await direct.nova.call('DELETE', `${directServers}/${r.id}`).catch(() => undefined)
    for (const r of created.agent) await viaAgent.call('DELETE', `${agentServers}/${r.id}`).catch(() => undefined)
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping what was started`)
    void stopAll().finally(() => process.exit(130))
  })
}

try {
  await main()
} finally {
  await stopAll()
}
