/**
 * Benchmark: requests per second of an emulated cloudlet over real HTTP on loopback, for
 * GET /compute/v2.1/servers/detail with 100 servers (what every `openstack server list` calls)
 * and for POST /compute/v2.1/servers. The cloudlet runs in a child process pinned to one core
 * (taskset, when present) so the figure is "on one core"; the load comes from this process on
 * the other core. Goal (issue 2): ≥ 5,000 GET/s. Because this machine's speed varies from run to
 * run, the same load is also run against a bare node:http server that returns the same bytes
 * (bench/baseline-server.mjs), pinned the same way, and the ratio is reported.
 *
 *   npm run bench            (or: node --import tsx bench/emulator-http.bench.ts [--seconds 10])
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { cpus } from 'node:os'
import { request } from 'undici'
import { runLoad } from './load-generator.ts'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? 10) || 10
const PORT = 18_999
const BASELINE_PORT = 18_998
const BASE = `http://127.0.0.1:${PORT}`
const BASELINE = `http://127.0.0.1:${BASELINE_PORT}`
const hasTaskset = existsSync('/usr/bin/taskset')
const hasWrk = existsSync('/usr/bin/wrk')

async function call (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, headers: Record<string, unknown>, json: any }> {
  const response = await request(`${BASE}${path}`, {
    method: method as 'GET',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-auth-token': token }), ...headers },
    body: body === undefined ? null : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
  })
  const text = await response.body.text()
  return { status: response.statusCode, headers: response.headers, json: text === '' ? null : JSON.parse(text) }
}

async function main (): Promise<void> {
  const serverArgs = ['bin/p2pstack.js', 'cloudlet', '--port', String(PORT), '--delay-ms', '0', '--hosts', '4', '--vcpus', '10000', '--ram-mb', '100000000', '--disk-gb', '10000000', '--log-level', 'error']
  const child = hasTaskset
    ? spawn('taskset', ['-c', '1', process.execPath, ...serverArgs], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, serverArgs, { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    child.stdout?.resume()
    for (let i = 0; i < 100; i++) {
      try { await call('GET', '/identity/v3', null); break } catch { await new Promise(resolve => setTimeout(resolve, 100)) }
    }
    if (hasTaskset) execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
    const auth = await call('POST', '/identity/v3/auth/tokens', null, {
      auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } }
    })
    const token = auth.headers['x-subject-token'] as string
    const project = auth.json.token.project.id as string
    await call('PUT', `/compute/v2.1/os-quota-sets/${project}`, token, { quota_set: { instances: -1, cores: -1, ram: -1 } })
    await call('PUT', `/networking/v2.0/quotas/${project}`, token, { quota: { port: -1 } })
    const image = await call('POST', '/image/v2/images', token, { name: 'bench', disk_format: 'raw', container_format: 'bare', visibility: 'public' })
    await call('PUT', `/image/v2/images/${image.json.id}/file`, token, new Uint8Array(1024), { 'content-type': 'application/octet-stream' })
    const network = await call('POST', '/networking/v2.0/networks', token, { network: { name: 'bench' } })
    await call('POST', '/networking/v2.0/subnets', token, { subnet: { network_id: network.json.network.id, cidr: '10.0.0.0/12', ip_version: 4 } })
    const serverBody = (name: string): string => JSON.stringify({ server: { name, imageRef: image.json.id, flavorRef: '1', networks: [{ uuid: network.json.network.id }] } })
    for (let i = 0; i < 100; i++) {
      const r = await call('POST', '/compute/v2.1/servers', token, serverBody(`vm-${i}`))
      if (r.status !== 202) throw new Error(`setup create failed: ${r.status} ${JSON.stringify(r.json)}`)
    }
    const list = await call('GET', '/compute/v2.1/servers/detail', token)
    const bodyBytes = Buffer.byteLength(JSON.stringify(list.json))
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}; server pinned to one core: ${hasTaskset}`)
    console.log(`GET /compute/v2.1/servers/detail: ${list.json.servers.length} servers, ${(bodyBytes / 1024).toFixed(0)} KiB per response`)

    const getHeaders = { 'x-auth-token': token }
    const bodyDir = mkdtempSync(join(tmpdir(), 'p2pstack-bench-'))
    const bodyFile = join(bodyDir, 'detail.json')
    writeFileSync(bodyFile, JSON.stringify(list.json))
    const baselineArgs = ['bench/baseline-server.mjs', String(BASELINE_PORT), bodyFile]
    const baseline = hasTaskset
      ? spawn('taskset', ['-c', '1', process.execPath, ...baselineArgs], { stdio: 'ignore' })
      : spawn(process.execPath, baselineArgs, { stdio: 'ignore' })
    try {
      await new Promise(resolve => setTimeout(resolve, 500))
      const measure = async (url: string): Promise<{ undici: number, wrk: number | null }> => {
        await runLoad({ url, path: '/compute/v2.1/servers/detail', headers: getHeaders, connections: 32, durationMs: 2000, expectStatus: 200 })
        const u = await runLoad({ url, path: '/compute/v2.1/servers/detail', headers: getHeaders, connections: 32, durationMs: seconds * 1000, expectStatus: 200 })
        if (u.errors > 0) throw new Error(`${u.errors} errors against ${url}`)
        let w: number | null = null
        if (hasWrk) {
          const out = execFileSync('taskset', ['-c', '0', 'wrk', '-t1', '-c32', `-d${seconds}s`, '-H', `X-Auth-Token: ${token}`, `${url}/compute/v2.1/servers/detail`]).toString()
          if (/Non-2xx or 3xx responses/.test(out)) throw new Error(`wrk saw errors against ${url}: ${out}`)
          w = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
        }
        return { undici: u.perSecond, wrk: w }
      }
      let n = 0
      const uncached = await runLoad({ url: BASE, path: () => `/compute/v2.1/servers/detail?bench=${n++}`, headers: getHeaders, connections: 32, durationMs: seconds * 1000, expectStatus: 200 })
      const emulator = await measure(BASE)
      const bare = await measure(BASELINE)
      console.log(`GET  servers/detail, undici 32 conns ${seconds}s: emulator ${emulator.undici.toFixed(0)} req/s, bare node:http ${bare.undici.toFixed(0)} req/s, ratio ${(emulator.undici / bare.undici).toFixed(2)}`)
      console.log(`GET  servers/detail, undici 32 conns ${seconds}s, every query different (the list built each time from the cached server views): ${uncached.perSecond.toFixed(0)} req/s, ratio to bare ${(uncached.perSecond / bare.undici).toFixed(2)}`)
      if (emulator.wrk !== null && bare.wrk !== null) {
        console.log(`GET  servers/detail, wrk 32 conns ${seconds}s:    emulator ${emulator.wrk.toFixed(0)} req/s, bare node:http ${bare.wrk.toFixed(0)} req/s, ratio ${(emulator.wrk / bare.wrk).toFixed(2)}`)
      }
    } finally {
      baseline.kill('SIGTERM')
      rmSync(bodyDir, { recursive: true, force: true })
    }

    let created = 0
    const post = await runLoad({
      url: BASE,
      path: '/compute/v2.1/servers',
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: () => serverBody(`load-${created++}`),
      connections: 16,
      durationMs: seconds * 1000,
      expectStatus: 202
    })
    console.log(`POST servers (undici, 16 conns, ${seconds}s): ${post.perSecond.toFixed(0)} req/s, p50 ${post.p50Ms.toFixed(2)} ms, p99 ${post.p99Ms.toFixed(2)} ms, errors ${post.errors}`)
  } finally {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
}

await main()
