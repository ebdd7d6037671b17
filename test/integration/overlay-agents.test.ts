/**
 * Real agents on loopback (issue 3, §4 "Real processes"): 24 `p2pstack agent --config` child
 * processes with a 250 ms Cyclon cycle and a 150 ms reply timeout (shorter ones time out
 * under the load of 24 processes on two cores), all joining through one introducer. The test waits
 * (polling every agent's /p2p/v1/status, with a bound) until every agent has in-links, kills a
 * third of them with SIGKILL — the introducer among them — and checks that within the healing
 * bound no survivor's cache holds a dead agent, and that the survivors still form an overlay in
 * which everyone has in-links. It then sends one agent forged, replayed, expired, unsigned and
 * malformed messages and checks each is refused with its status and counted under its reason.
 * Every process is stopped by its PID at the end, also on failure; the survivors by SIGTERM,
 * which makes them leave the overlay and exit 0.
 *
 * Nothing here depends on how fast the machine is, only on bounds: each wait polls for a state
 * and fails, saying what it saw, when the bound passes.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { get } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { stringify } from 'yaml'
import type { OverlayStatus } from '../../src/agent/overlay-status.ts'
import { ClusterKey } from '../../src/runtime/peer-cluster-key.ts'
import { encodeEnvelope, PEER_SIGNATURE_HEADER } from '../../src/runtime/peer-envelope.ts'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')
const AGENTS = 24
const SHUFFLE_PERIOD_MS = 250
const REPLY_TIMEOUT_MS = 150
const CACHE_SIZE = 8
/** How often the test asks every agent for its status: often enough to see, seldom enough not to load them. */
const POLL_MS = 500
const START_BATCH = 8
/**
 * The healing bound: how long after the kill no survivor may still point at a dead agent.
 * Every cycle an agent removes its oldest entry, and a dead agent's entries only age (it never
 * sends a fresh one), while copies that travel in shuffles keep their age; so dead entries go
 * within a few times c cycles (the O5 asks for none left by cycle 45 with c=20). A shuffle
 * whose reply comes too late leaves its entries at both ends, which slows this on a loaded
 * machine; the bound is 4·c cycles, each counted with its reply timeout: 12.8 s here.
 */
const HEALING_BOUND_MS = 4 * CACHE_SIZE * (SHUFFLE_PERIOD_MS + REPLY_TIMEOUT_MS)

interface Agent {
  readonly id: string
  readonly child: ChildProcess
  readonly url: string
  readonly log: () => string
}

const children: ChildProcess[] = []
// Should the test runner itself die, no agent outlives it.
process.on('exit', () => { for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Polls `probe` until it returns a value, or fails after `boundMs` with what `describeState` says. */
async function waitFor<T> (what: string, boundMs: number, probe: () => Promise<T | null>, describeState: () => string): Promise<{ value: T, afterMs: number }> {
  const start = performance.now()
  while (performance.now() - start < boundMs) {
    const value = await probe()
    if (value !== null) return { value, afterMs: Math.round(performance.now() - start) }
    await sleep(POLL_MS)
  }
  throw new Error(`${what}: not within ${boundMs} ms; ${describeState()}`)
}

function agentConfig (id: string, clusterKey: string, introducer: string | null): Record<string, unknown> {
  return {
    id,
    listen: { host: '127.0.0.1', port: 0 },
    security: { clusterKey },
    overlay: {
      ...(introducer === null ? {} : { introducer: { id: 'agent-00', address: introducer } }),
      cyclon: { preset: 'small', cacheSize: CACHE_SIZE, shuffleLength: 4, shufflePeriodMs: SHUFFLE_PERIOD_MS, replyTimeoutMs: REPLY_TIMEOUT_MS, rejoinBackoffMs: 2_000 },
      metadata: { cloudlet: `cloudlet-${id}`, region: 'test' },
      transport: { connectTimeoutMs: 500, requestTimeoutMs: 1_000 }
    }
  }
}

async function startAgent (dir: string, id: string, clusterKey: string, introducer: string | null): Promise<Agent> {
  const file = join(dir, `${id}.yaml`)
  writeFileSync(file, stringify(agentConfig(id, clusterKey, introducer)))
  const child = spawn(process.execPath, [BIN, 'agent', '--config', file, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { err += chunk.toString() })
  const { value: url } = await waitFor(`agent ${id} to listen`, 90_000, async () => {
    if (child.exitCode !== null) throw new Error(`agent ${id} exited with ${child.exitCode}: ${err}`)
    return /listening on (http:\/\/\S+),/.exec(out)?.[1] ?? null
  }, () => `stdout: ${out} stderr: ${err}`)
  return { id, child, url, log: () => err }
}

/** Why each agent's last status request failed, for the message of a failed wait. */
const statusErrors = new Map<string, string>()

/**
 * An agent's status document, or null. Each call is a new connection (no pool): a request
 * abandoned at its timeout while the machine was busy must not leave a pooled connection that
 * makes the next ones fail too.
 */
async function status (agent: Agent): Promise<OverlayStatus | null> {
  return await new Promise(resolve => {
    const request = get(`${agent.url}/p2p/v1/status`, { agent: false, timeout: 5_000 }, response => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { text += chunk })
      response.on('end', () => {
        if (response.statusCode === 200) return resolve(JSON.parse(text) as OverlayStatus)
        statusErrors.set(agent.id, `HTTP ${String(response.statusCode)}`)
        resolve(null)
      })
      response.on('error', error => { statusErrors.set(agent.id, error.message); resolve(null) })
    })
    request.on('timeout', () => { request.destroy(new Error('no answer within 5 s')) })
    request.on('error', error => { statusErrors.set(agent.id, error.message); resolve(null) })
  })
}

async function statuses (agents: readonly Agent[]): Promise<Map<string, OverlayStatus>> {
  const all = await Promise.all(agents.map(async a => [a.id, await status(a)] as const))
  return new Map(all.filter((e): e is readonly [string, OverlayStatus] => e[1] !== null))
}

/** The agents nobody's cache points at (of `ids`), given every cache. */
function withoutInLinks (ids: readonly string[], caches: ReadonlyMap<string, OverlayStatus>): string[] {
  const pointedAt = new Set<string>()
  for (const s of caches.values()) for (const entry of s.cache) pointedAt.add(entry.id)
  return ids.filter(id => !pointedAt.has(id))
}

/** What the agents that did not answer were doing: their exit code and the end of their log. */
function silent (agents: readonly Agent[], answered: ReadonlyMap<string, OverlayStatus>): string {
  return agents.filter(a => !answered.has(a.id)).map(a => `${a.id} (exit ${String(a.child.exitCode)}, ${statusErrors.get(a.id) ?? ''}): ${a.log().slice(-1_500)}`).join('; ')
}

async function stopBySigterm (child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = once(child, 'exit') as Promise<[number | null]>
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const [code] = await exited
  clearTimeout(timer)
  return code
}

async function post (agent: Agent, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${agent.url}/p2p/v1/messages`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  await response.arrayBuffer()
  return response.status
}

describe('24 overlay agents as real processes on loopback', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-overlay-'))
  const clusterKey = randomBytes(32).toString('hex')
  const agents: Agent[] = []
  let lastSeen = new Map<string, OverlayStatus>()

  after(async () => {
    await Promise.all(children.map(async child => { await stopBySigterm(child) }))
    rmSync(dir, { recursive: true, force: true })
  })

  it('lets every agent get in-links through one introducer', async () => {
    const startedAt = performance.now()
    const introducer = await startAgent(dir, 'agent-00', clusterKey, null)
    agents.push(introducer)
    const ids = Array.from({ length: AGENTS - 1 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`)
    // A few at a time: starting a process costs about two CPU-seconds (tsx, and the whole CLI),
    // and the agents already running should not be starved meanwhile.
    for (let i = 0; i < ids.length; i += START_BATCH) {
      agents.push(...await Promise.all(ids.slice(i, i + START_BATCH).map(async id => await startAgent(dir, id, clusterKey, introducer.url))))
    }
    process.stdout.write(`# ${AGENTS} agents started in ${Math.round(performance.now() - startedAt)} ms\n`)
    const { afterMs } = await waitFor('every agent has in-links', 30_000, async () => {
      lastSeen = await statuses(agents)
      if (lastSeen.size < AGENTS) return null
      const lonely = withoutInLinks(agents.map(a => a.id), lastSeen)
      const empty = [...lastSeen.values()].filter(s => s.cache.length === 0)
      return lonely.length === 0 && empty.length === 0 ? true : null
    }, () => `answering: ${lastSeen.size}, without in-links: ${withoutInLinks(agents.map(a => a.id), lastSeen).join(', ')}; ${silent(agents, lastSeen)}`)
    const fill = [...lastSeen.values()].map(s => s.cache.length)
    process.stdout.write(`# in-links everywhere ${afterMs} ms after the last agent started; cache sizes ${fill.join(' ')}\n`)
    for (const s of lastSeen.values()) {
      assert.ok(!s.cache.some(e => e.id === s.descriptor.id), `${s.descriptor.id} holds itself`)
      assert.ok(s.cache.length <= CACHE_SIZE)
      assert.equal(new Set(s.cache.map(e => e.id)).size, s.cache.length, `${s.descriptor.id} holds a duplicate`)
    }
  })

  it('forgets the killed third within the healing bound, and the survivors keep in-links', async () => {
    assert.equal(agents.length, AGENTS, 'the overlay did not start')
    const dead = agents.filter((_, i) => i % 3 === 0)
    const survivors = agents.filter((_, i) => i % 3 !== 0)
    const deadIds = new Set(dead.map(a => a.id))
    await Promise.all(dead.map(async a => {
      const exited = once(a.child, 'exit')
      a.child.kill('SIGKILL')
      await exited
    }))
    const stale = (caches: ReadonlyMap<string, OverlayStatus>): string[] =>
      [...caches.values()].flatMap(s => s.cache.filter(e => deadIds.has(e.id)).map(e => `${s.descriptor.id}→${e.id}`))
    const { afterMs } = await waitFor('no survivor points at a dead agent', HEALING_BOUND_MS, async () => {
      lastSeen = await statuses(survivors)
      return lastSeen.size === survivors.length && stale(lastSeen).length === 0 ? true : null
    }, () => `stale links: ${stale(lastSeen).join(' ')}`)
    process.stdout.write(`# dead agents forgotten ${afterMs} ms after the kill (bound ${HEALING_BOUND_MS} ms)\n`)
    await waitFor('every survivor has in-links from survivors', 10 * SHUFFLE_PERIOD_MS * CACHE_SIZE, async () => {
      lastSeen = await statuses(survivors)
      const lonely = withoutInLinks(survivors.map(a => a.id), lastSeen)
      return lastSeen.size === survivors.length && lonely.length === 0 && stale(lastSeen).length === 0 && [...lastSeen.values()].every(s => s.cache.length > 0) ? true : null
    }, () => `without in-links: ${withoutInLinks(survivors.map(a => a.id), lastSeen).join(', ')}`)
  })

  it('refuses forged, replayed, expired, unsigned and malformed messages and counts each', async () => {
    const target = agents.find((_, i) => i % 3 !== 0)
    assert.ok(target !== undefined)
    const before = (await status(target))?.rejections
    assert.ok(before !== undefined)
    const key = new ClusterKey(clusterKey)
    const envelope = (timestampMs: number): string => encodeEnvelope({
      version: 1,
      sender: { id: 'outsider', address: 'http://127.0.0.1:9' },
      timestampMs,
      nonce: randomBytes(16).toString('base64url'),
      message: { kind: 'Leave', id: 'outsider' }
    })
    const genuine = envelope(Date.now())
    assert.equal(await post(target, genuine, { [PEER_SIGNATURE_HEADER]: key.sign(genuine) }), 202)
    assert.equal(await post(target, genuine, { [PEER_SIGNATURE_HEADER]: key.sign(genuine) }), 409, 'a replay is refused')
    const forged = envelope(Date.now())
    assert.equal(await post(target, forged, { [PEER_SIGNATURE_HEADER]: new ClusterKey('x'.repeat(64)).sign(forged) }), 401, 'a signature under another key is refused')
    const tampered = genuine.replace('outsider', 'outsidex')
    assert.equal(await post(target, tampered, { [PEER_SIGNATURE_HEADER]: key.sign(genuine) }), 401, 'a changed body is refused')
    const old = envelope(Date.now() - 10 * 60_000)
    assert.equal(await post(target, old, { [PEER_SIGNATURE_HEADER]: key.sign(old) }), 401, 'an old timestamp is refused')
    assert.equal(await post(target, envelope(Date.now()), {}), 401, 'an unsigned message is refused')
    const garbage = '{"version": 1, "sender": '
    assert.equal(await post(target, garbage, { [PEER_SIGNATURE_HEADER]: key.sign(garbage) }), 400, 'a signed but malformed body is refused')
    const after = (await status(target))?.rejections
    assert.ok(after !== undefined, 'the agent still answers')
    assert.equal(after.replayed - before.replayed, 1)
    assert.equal(after['bad-signature'] - before['bad-signature'], 2)
    assert.equal(after.expired - before.expired, 1)
    assert.equal(after.unauthenticated - before.unauthenticated, 1)
    assert.equal(after.malformed - before.malformed, 1)
  })

  it('stops every survivor on SIGTERM: each leaves the overlay and exits 0', async () => {
    const survivors = agents.filter(a => a.child.exitCode === null && a.child.signalCode === null)
    assert.ok(survivors.length > 0)
    const codes = await Promise.all(survivors.map(async a => await stopBySigterm(a.child)))
    assert.deepEqual(codes, survivors.map(() => 0), survivors.map(a => a.log()).join('\n').slice(0, 4_000))
  })
})
