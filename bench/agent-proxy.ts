/**
 * Benchmark (issue 6 §5): GET /compute/v2.1/servers/{id} through the agent, against the same
 * call made directly to the emulated cloudlet and through nginx `proxy_pass` to it, all in one
 * run. Every piece is its own process, as in production: the identity provider, two emulated
 * cloudlets, two agents (`p2pstack agent --config`), nginx (Debian's, started here on loopback
 * with its own config). The agent under test and nginx are pinned to CPU 1 with taskset;
 * everything else, the load generator (wrk) included, shares CPU 0 — so the proxy is the
 * bottleneck, as in ../shared/node-deps-notes.md §2.
 *
 * Scenarios: direct (cloudlet 1, its admin's token), nginx (→ cloudlet 1), agent-own (agent 1,
 * a user token, a server on cloudlet 1: token check, location lookup, federated session,
 * id translation, URL rewriting), agent-other (agent 1 → agent 2 → cloudlet 2). wrk with 64
 * connections (req/s, p50, p99) and with 1 (p50, p99), `--seconds` each (default 10).
 *
 *   node --import tsx bench/agent-proxy.ts [--seconds 10] [--rounds 2]
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_IMAGE } from '../src/agent/local-cluster.ts'
import { loginAt } from '../test/fixtures/agent-login.ts'

const argument = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
const seconds = argument('--seconds', 10)
const rounds = argument('--rounds', 2)
const BIN = join(import.meta.dirname, '../bin/p2pstack.js')
const BASE = 31_000
const PORTS = { idp: BASE, cloudlet1: BASE + 1, cloudlet2: BASE + 2, agent1: BASE + 3, agent2: BASE + 4, nginx: BASE + 5 }
const url = (port: number): string => `http://127.0.0.1:${port}`
const KEY = 'bench-cluster-key-0123456789abcdefghij'

if (!existsSync('/usr/bin/wrk') || !existsSync('/usr/sbin/nginx')) {
  console.error('needs wrk and nginx: apt-get install -y wrk nginx-light')
  process.exit(2)
}

const children: ChildProcess[] = []
const dir = mkdtempSync(join(tmpdir(), 'p2pstack-bench-proxy-'))

function start (cpu: number, args: string[]): ChildProcess {
  const child = spawn('taskset', ['-c', String(cpu), ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  return child
}

async function stopAll (): Promise<void> {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  await new Promise(resolve => setTimeout(resolve, 1_500))
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

async function until (what: string, check: () => Promise<boolean>, boundMs = 60_000): Promise<void> {
  const started = performance.now()
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not up yet
    }
    if (performance.now() - started > boundMs) throw new Error(`${what}: not within ${boundMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

function agentYaml (id: string, port: number, cloudletPort: number, introducer: string | null): string {
  return [
    `id: ${id}`,
    `listen: { host: 127.0.0.1, port: ${port} }`,
    `security: { clusterKey: "${KEY}" }`,
    'overlay:',
    ...(introducer === null ? [] : [`  introducer: { address: "${introducer}" }`]),
    '  cyclon: { preset: small, shufflePeriodMs: 1000, replyTimeoutMs: 500 }',
    `  metadata: { cloudlet: ${id}, region: RegionOne, availabilityZone: nova, labels: { site: ${id} } }`,
    `cloudlet: { authUrl: "${url(cloudletPort)}/identity", username: admin, password: secret, project: admin, region: RegionOne }`,
    `identity: { provider: "${url(PORTS.idp)}" }`,
    ''
  ].join('\n')
}

interface WrkResult { perSecond: number, p50Ms: number, p99Ms: number, errors: boolean }

function wrk (target: string, tokenValue: string, connections: number): WrkResult {
  const out = execFileSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', `X-Auth-Token: ${tokenValue}`, target], { maxBuffer: 4 * 1024 * 1024 }).toString()
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const ms = (label: string): number => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out)
    if (m === null) return Number.NaN
    const value = Number(m[1])
    return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value
  }
  return { perSecond, p50Ms: ms('50'), p99Ms: ms('99'), errors: /Non-2xx or 3xx responses/.test(out) }
}

async function main (): Promise<void> {
  start(0, [process.execPath, BIN, 'idp', '--port', String(PORTS.idp), '--log-level', 'warn'])
  start(0, [process.execPath, BIN, 'cloudlet', '--port', String(PORTS.cloudlet1), '--name', 'cloudlet-1', '--delay-ms', '100', '--log-level', 'warn'])
  start(0, [process.execPath, BIN, 'cloudlet', '--port', String(PORTS.cloudlet2), '--name', 'cloudlet-2', '--delay-ms', '100', '--log-level', 'warn'])
  await until('identity provider', async () => (await fetch(`${url(PORTS.idp)}/identity/v3`)).ok)
  for (const port of [PORTS.cloudlet1, PORTS.cloudlet2]) await until(`cloudlet ${port}`, async () => (await fetch(`${url(port)}/identity/v3`)).ok)

  // The image, with one id in both cloudlets (images are per cloudlet until issue 7).
  for (const port of [PORTS.cloudlet1, PORTS.cloudlet2]) {
    const admin = (await loginAt(url(port))).token
    await fetch(`${url(port)}/image/v2/images`, { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ id: DEFAULT_IMAGE.id, name: 'cirros', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' }) })
    await fetch(`${url(port)}/image/v2/images/${DEFAULT_IMAGE.id}/file`, { method: 'PUT', headers: { 'x-auth-token': admin, 'content-type': 'application/octet-stream' }, body: new Uint8Array(1024) })
  }

  writeFileSync(join(dir, 'agent-1.yaml'), agentYaml('agent-1', PORTS.agent1, PORTS.cloudlet1, null))
  writeFileSync(join(dir, 'agent-2.yaml'), agentYaml('agent-2', PORTS.agent2, PORTS.cloudlet2, url(PORTS.agent1)))
  start(1, [process.execPath, BIN, 'agent', '--config', join(dir, 'agent-1.yaml'), '--log-level', 'warn'])
  await until('agent 1', async () => (await fetch(`${url(PORTS.agent1)}/identity/v3`)).ok)
  start(0, [process.execPath, BIN, 'agent', '--config', join(dir, 'agent-2.yaml'), '--log-level', 'warn'])
  await until('agent 2', async () => (await fetch(`${url(PORTS.agent2)}/identity/v3`)).ok)

  writeFileSync(join(dir, 'nginx.conf'), [
    'worker_processes 1;', 'pid nginx.pid;', 'error_log stderr error;', 'events { worker_connections 1024; }',
    'http {', '  access_log off;', '  keepalive_requests 1000000;',
    `  upstream cloudlet { server 127.0.0.1:${PORTS.cloudlet1}; keepalive 128; keepalive_requests 1000000; }`,
    `  server { listen 127.0.0.1:${PORTS.nginx}; location / { proxy_pass http://cloudlet; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host; } }`,
    '}', ''
  ].join('\n'))
  start(1, ['/usr/sbin/nginx', '-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'])
  await until('nginx', async () => (await fetch(`${url(PORTS.nginx)}/identity/v3`)).ok)

  // One server on each cloudlet, placed there by a label hint, created by the user through agent 1.
  const user = (await loginAt(url(PORTS.agent1))).token
  await until('both agents in the overlay', async () => {
    const status = await (await fetch(`${url(PORTS.agent1)}/p2p/v1/status`)).json() as { cache?: unknown[] }
    return (status.cache?.length ?? 0) >= 1
  })
  const servers: Record<string, string> = {}
  for (const site of ['agent-1', 'agent-2']) {
    const response = await fetch(`${url(PORTS.agent1)}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': user, 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name: `bench-${site}`, flavorRef: '1', imageRef: DEFAULT_IMAGE.id }, 'os:scheduler_hints': { 'p2pstack:labels': `site=${site}` } })
    })
    if (response.status !== 202) throw new Error(`create on ${site}: ${response.status} ${await response.text()}`)
    servers[site] = ((await response.json()) as { server: { id: string } }).server.id
  }
  const direct = (await loginAt(url(PORTS.cloudlet1))).token
  const scenarios = [
    { name: 'direct (cloudlet 1)', target: `${url(PORTS.cloudlet1)}/compute/v2.1/servers/${servers['agent-1']}`, token: direct },
    { name: 'nginx → cloudlet 1', target: `${url(PORTS.nginx)}/compute/v2.1/servers/${servers['agent-1']}`, token: direct },
    { name: 'agent 1 → own cloudlet', target: `${url(PORTS.agent1)}/compute/v2.1/servers/${servers['agent-1']}`, token: user },
    { name: 'agent 1 → agent 2 → cloudlet 2', target: `${url(PORTS.agent1)}/compute/v2.1/servers/${servers['agent-2']}`, token: user }
  ]
  for (const s of scenarios) {
    const check = await fetch(s.target, { headers: { 'x-auth-token': s.token } })
    if (check.status !== 200) throw new Error(`${s.name}: ${check.status} ${await check.text()}`)
    wrk(s.target, s.token, 8) // warm-up (connections, JIT, caches)
  }
  const results = new Map<string, { c64: WrkResult[], c1: WrkResult[] }>(scenarios.map(s => [s.name, { c64: [], c1: [] }]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse()
    for (const s of order) {
      const r = results.get(s.name)
      r?.c64.push(wrk(s.target, s.token, 64))
      r?.c1.push(wrk(s.target, s.token, 1))
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
  const nginx = results.get('nginx → cloudlet 1') as { c64: WrkResult[], c1: WrkResult[] }
  const directResult = results.get('direct (cloudlet 1)') as { c64: WrkResult[], c1: WrkResult[] }
  console.log(`GET /compute/v2.1/servers/{id}, ${rounds} rounds of ${seconds} s per scenario and concurrency; proxy under test and nginx on CPU 1, the rest on CPU 0`)
  console.log('| path | req/s at 64 | p50 / p99 ms at 64 | vs nginx (req/s) | p50 / p99 ms at 1 | added p50 at 1 vs direct |')
  console.log('|---|---|---|---|---|---|')
  for (const s of scenarios) {
    const r = results.get(s.name) as { c64: WrkResult[], c1: WrkResult[] }
    if ([...r.c64, ...r.c1].some(x => x.errors)) console.log(`(${s.name}: wrk saw non-2xx answers)`)
    const rps = median(r.c64.map(x => x.perSecond))
    console.log(`| ${s.name} | ${rps.toFixed(0)} | ${median(r.c64.map(x => x.p50Ms)).toFixed(2)} / ${median(r.c64.map(x => x.p99Ms)).toFixed(2)} | ${(rps / median(nginx.c64.map(x => x.perSecond))).toFixed(2)} | ${median(r.c1.map(x => x.p50Ms)).toFixed(3)} / ${median(r.c1.map(x => x.p99Ms)).toFixed(3)} | ${(median(r.c1.map(x => x.p50Ms)) - median(directResult.c1.map(x => x.p50Ms))).toFixed(3)} ms |`)
  }
}

try {
  await main()
} finally {
  await stopAll()
  rmSync(dir, { recursive: true, force: true })
}
