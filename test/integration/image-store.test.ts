/**
 * The image store over real HTTP on loopback (issue 7 §1):
 * - `p2pstack imagestore` as a child process on a directory: 512 MiB generated in 1 MiB chunks
 *   (never held whole) are uploaded through the agent's client and undici; the answer's size,
 *   md5, sha256 and sha512 are the ones this test computes; the bytes come back whole and in a
 *   range that spans two chunks; the child's peak RSS (VmHWM, read from /proc) grows by less
 *   than 150 MB; a checksum mismatch keeps nothing in the directory; unsigned and forged writes
 *   and deletes are refused.
 * - the process in this one, with a small limit: 413 whether the size is announced or not,
 *   keeping nothing; its temporary directory is removed on stop.
 * - the embedded default (`p2pstack up`'s local cluster) starts the store, exposes its URL, and
 *   a cloudlet's Glance imports a stored blob by web-download with the same checksums.
 * - the process with the plain-HTTP backend (HttpBlobStore) on a real nginx with WebDAV started
 *   here: a signed upload (moved into place with MOVE), a download and a range read through the
 *   store's own API, the bytes on nginx, the index in a state directory, a signed delete.
 * Every child is stopped by its PID, every server stopped.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createImageStoreClient } from '../../src/agent/image-store-client.ts'
import type { ImageStoreClient, ImageStoreError } from '../../src/agent/image-store-client.ts'
import { startImageStoreProcess } from '../../src/agent/image-store-process.ts'
import { KeystonePasswordTokenSource } from '../../src/agent/keystone-token-source.ts'
import { startLocalCluster } from '../../src/agent/local-cluster.ts'
import { httpRequest, readBody, readJson } from '../../src/core/http.ts'
import { createWriteSigner } from '../../src/imagestore/write-signature.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { CryptoRandom } from '../../src/runtime/crypto-random.ts'
import { createHttpClient } from '../../src/runtime/http-client.ts'
import { ClusterKey } from '../../src/runtime/peer-cluster-key.ts'
import { SystemClock } from '../../src/runtime/system-clock.ts'
import { startDavNginx } from '../fixtures/nginx-dav.ts'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')
const SECRET = 'image-store-test-cluster-secret-0123456789'
const MIB = 1024 * 1024
const BIG_MIB = 512
const RSS_GROWTH_BOUND_BYTES = 150 * 1000 * 1000

type Http = ReturnType<typeof createHttpClient>

function clientFor (url: string, http: Http, secret = SECRET): ImageStoreClient {
  return createImageStoreClient({ url, agentId: 'test-agent', key: new ClusterKey(secret), http, clock: new SystemClock(), random: new CryptoRandom() })
}

/** Chunk i of the big blob: a fixed random MiB with i in its first four bytes; a new buffer each time (the sender may still hold the last). */
function chunkOf (base: Buffer, i: number): Buffer {
  const chunk = Buffer.from(base)
  chunk.writeUInt32BE(i, 0)
  return chunk
}

async function * generated (base: Buffer, count: number, hashes: Array<ReturnType<typeof createHash>>): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    const chunk = chunkOf(base, i)
    for (const hash of hashes) hash.update(chunk)
    yield chunk
  }
}

async function * once1 (bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memoryOf (pid: number): { rss: number, peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

async function startChild (args: string[]): Promise<{ child: ChildProcess, url: string, output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'imagestore', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer): void => {
      out += chunk.toString()
      const found = /listening on (http:\/\/\S+)/.exec(out)?.[1]
      if (found !== undefined) resolve(found)
    }
    child.stdout?.on('data', look)
    child.stderr?.on('data', look)
    child.once('exit', code => { reject(new Error(`imagestore exited (${code}) before listening: ${out}`)) })
  })
  return { child, url, output: () => out }
}

async function stopChild (child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = once(child, 'exit')
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
  const [code] = await exited as [number | null]
  return code
}

describe('p2pstack imagestore, a child process on a directory', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-imagestore-test-'))
  const blobs = join(dir, 'blobs')
  let child: ChildProcess
  let url: string
  let http: Http
  let client: ImageStoreClient

  before(async () => {
    writeFileSync(join(dir, 'cluster.key'), `${SECRET}\n`, { mode: 0o600 })
    const started = await startChild(['--dir', blobs, '--cluster-key-file', join(dir, 'cluster.key')])
    child = started.child
    url = started.url
    http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 60_000 })
    client = clientFor(url, http)
  })

  after(async () => {
    await http?.close()
    if (child !== undefined) assert.equal(await stopChild(child), 0)
    rmSync(dir, { recursive: true, force: true })
  })

  it(`stores ${BIG_MIB} MiB streamed in 1 MiB chunks with bounded memory, the checksums right, and gives the bytes back whole and in a range`, async t => {
    const pid = child.pid as number
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5') // resets VmHWM to the current RSS
    } catch { /* older kernels: the peak then includes start-up, which only makes the bound stricter */ }
    const before = memoryOf(pid)
    const testRssBefore = process.memoryUsage().rss
    const base = randomBytes(MIB)
    const hashes = [createHash('md5'), createHash('sha256'), createHash('sha512')]
    const started = performance.now()
    const stored = await client.upload(generated(base, BIG_MIB, hashes), { size: BIG_MIB * MIB })
    const uploadMs = performance.now() - started
    const [md5, sha256, sha512] = hashes.map(h => h.digest('hex'))
    assert.deepEqual(stored, { sha256, md5, sha512, size: BIG_MIB * MIB, url: `${url}/v1/blobs/${sha256}` })

    const downloadStarted = performance.now()
    const whole = await client.download(stored.sha256)
    assert.equal(whole?.status, 200)
    const back = createHash('sha256')
    let size = 0
    for await (const chunk of whole?.body ?? []) {
      back.update(chunk)
      size += chunk.byteLength
    }
    const downloadMs = performance.now() - downloadStarted
    assert.equal(size, BIG_MIB * MIB)
    assert.equal(back.digest('hex'), sha256)

    // A range across the boundary of chunks 300 and 301.
    const start = 301 * MIB - 1000
    const part = await client.download(stored.sha256, { start, end: start + 2999 })
    assert.deepEqual([part?.status, part?.size, part?.length], [206, BIG_MIB * MIB, 3000])
    const expected = Buffer.concat([chunkOf(base, 300).subarray(MIB - 1000), chunkOf(base, 301).subarray(0, 2000)])
    assert.deepEqual(Buffer.from(await readBody(part?.body ?? null)), expected)

    const afterAll = memoryOf(pid)
    const growth = afterAll.peak - before.rss
    t.diagnostic(`store RSS ${(before.rss / 1e6).toFixed(1)} MB before, peak ${(afterAll.peak / 1e6).toFixed(1)} MB: growth ${(growth / 1e6).toFixed(1)} MB; test process RSS growth ${((process.memoryUsage().rss - testRssBefore) / 1e6).toFixed(1)} MB`)
    t.diagnostic(`upload ${(BIG_MIB / (uploadMs / 1000)).toFixed(0)} MiB/s (${(uploadMs / 1000).toFixed(1)} s), download ${(BIG_MIB / (downloadMs / 1000)).toFixed(0)} MiB/s`)
    assert.ok(growth < RSS_GROWTH_BOUND_BYTES, `the store's RSS grew by ${growth} bytes`)
    assert.equal(readdirSync(blobs).length, 2, `the blob and its sha512 record, no temporary left: ${readdirSync(blobs).join(', ')}`)

    // The same bytes again, announced by sha256: one copy, the same answer.
    const again = await client.upload(generated(base, 4, []), {})
    const four = await client.upload(generated(base, 4, []), { sha256: again.sha256 })
    assert.deepEqual(four, again)
    assert.equal(readdirSync(blobs).length, 4, 'two blobs, each with its sha512 record')
    assert.equal(await client.delete(again.sha256), true)
  })

  it('keeps nothing of an upload whose checksum or size is not the one announced', async () => {
    const listing = readdirSync(blobs).sort()
    const bytes = randomBytes(8 * MIB)
    const right = createHash('sha256').update(bytes).digest('hex')
    for (const expected of [{ sha256: createHash('sha256').update('other').digest('hex') }, { md5: '0'.repeat(32) }, { sha512: 'f'.repeat(128) }]) {
      await assert.rejects(client.upload(once1(bytes), expected), (e: ImageStoreError) => e.status === 400 && /checksum mismatch/.test(e.message))
      assert.deepEqual(readdirSync(blobs).sort(), listing, JSON.stringify(expected))
    }
    // Sent chunked (no Content-Length), so the store reads it all before finding it one byte short.
    const short = await http(httpRequest('PUT', `${url}/v1/blobs`, { headers: { ...signed('PUT', '/v1/blobs'), 'x-expected-size': String(bytes.byteLength + 1) }, body: once1(bytes) }))
    assert.equal(short.status, 400)
    assert.match((await readJson(short.body) as { error: { message: string } }).error.message, /size is 8388608 bytes, not the 8388609/)
    assert.deepEqual(readdirSync(blobs).sort(), listing)
    const head = await fetch(`${url}/v1/blobs/${right}`, { method: 'HEAD' })
    assert.equal(head.status, 404)
  })

  it('refuses unsigned (401) and forged (403) writes and deletes; reads need nothing', async () => {
    const stored = await client.upload(once1(Buffer.from('the capability is the sha256')))
    const listing = readdirSync(blobs).sort()
    const body = Buffer.from('not from an agent')
    const unsigned = await fetch(`${url}/v1/blobs`, { method: 'PUT', body })
    assert.equal(unsigned.status, 401)
    assert.match(((await unsigned.json()) as { error: { message: string } }).error.message, /signed by an agent/)
    const forgedHeaders = { ...signed('PUT', '/v1/blobs', 'another-cluster-secret-of-32-characters!') }
    const forged = await fetch(`${url}/v1/blobs`, { method: 'PUT', headers: forgedHeaders, body })
    assert.equal(forged.status, 403)
    const wrongCall = await fetch(`${url}/v1/blobs/${stored.sha256}`, { method: 'DELETE', headers: signed('PUT', '/v1/blobs') })
    assert.equal(wrongCall.status, 403)
    assert.equal((await fetch(`${url}/v1/blobs/${stored.sha256}`, { method: 'DELETE' })).status, 401)
    assert.deepEqual(readdirSync(blobs).sort(), listing)
    const read = await fetch(stored.url)
    assert.equal(read.status, 200)
    assert.equal(read.headers.get('etag'), `"${stored.sha256}"`)
    assert.equal(await read.text(), 'the capability is the sha256')
    assert.equal(await client.delete(stored.sha256), true)
    assert.equal((await fetch(stored.url)).status, 404)
  })
})

/** The headers an agent signs a write with (what the client sends), for calls made here by hand. */
function signed (method: string, target: string, secret = SECRET): Record<string, string> {
  return createWriteSigner(new ClusterKey(secret), new SystemClock(), new CryptoRandom()).headers('test-agent', method, target)
}

describe('the image store process with a small limit, in this process', { timeout: 60_000 }, () => {
  it('answers 413 whether the size is announced or streamed, keeps nothing, and removes its temporary directory on stop', async () => {
    const store = await startImageStoreProcess({ host: '127.0.0.1', port: 0, dir: null, clusterKey: SECRET, maxBlobBytes: MIB, publicUrl: null, logger: silentLogger })
    const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 10_000 })
    try {
      const client = clientFor(store.url, http)
      const base = randomBytes(MIB)
      await assert.rejects(client.upload(generated(base, 4, []), { size: 4 * MIB }), (e: ImageStoreError) => e.status === 413 && /limit of 1048576 bytes/.test(e.message))
      const streamed = await client.upload(generated(base, 4, [])).then(() => 'stored', (e: ImageStoreError) => e.status)
      // Streamed without a length, the store answers 413 once past the limit and closes the connection; the sender may see either.
      assert.ok(streamed === 413 || streamed === 0, `streamed over the limit: ${streamed}`)
      assert.deepEqual(readdirSync(store.dir), [])
      const fits = await client.upload(generated(base, 1, []))
      assert.equal(fits.size, MIB)
    } finally {
      await http.close()
      await store.stop()
    }
    assert.equal(existsSync(store.dir), false)
  })
})

describe('the image store in the embedded default', { timeout: 120_000 }, () => {
  it('starts with the services node, and a cloudlet\'s Glance imports a stored blob by web-download with the same checksums', async () => {
    const cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 1, dataDir: null, adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 0 })
    const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 10_000 })
    try {
      assert.match(cluster.imageStore.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      const clusterKey = readClusterKeyOf(cluster.members[0]?.config.security.clusterKey)
      const client = createImageStoreClient({ url: cluster.imageStore.url, agentId: 'agent-1', key: new ClusterKey(clusterKey), http, clock: new SystemClock(), random: new CryptoRandom() })
      const bytes = randomBytes(3 * MIB + 17)
      const stored = await client.upload(once1(bytes), { size: bytes.byteLength })

      const member = cluster.members[0]
      assert.ok(member !== undefined && member.config.cloudlet !== null)
      const c = member.config.cloudlet
      const tokens = new KeystonePasswordTokenSource(http, new SystemClock(), { authUrl: c.authUrl, user: c.username, password: c.password, project: c.project })
      const token = await tokens.token()
      const images = `${member.cloudlet.url}/image/v2/images`
      const call = async (method: string, target: string, body?: unknown): Promise<{ status: number, json: any }> => {
        const r = await http(httpRequest(method, target, { headers: { 'x-auth-token': token, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }))
        const text = new TextDecoder().decode(await readBody(r.body))
        return { status: r.status, json: text === '' ? null : JSON.parse(text) }
      }
      const created = await call('POST', images, { name: 'from-the-store', disk_format: 'raw', container_format: 'bare' })
      assert.equal(created.status, 201)
      const id = created.json.id as string
      const imported = await call('POST', `${images}/${id}/import`, { method: { name: 'web-download', uri: stored.url } })
      assert.equal(imported.status, 202, JSON.stringify(imported.json))
      await member.cloudlet.cloudlet.image.idle()
      const image = (await call('GET', `${images}/${id}`)).json
      assert.equal(image.status, 'active')
      assert.equal(image.size, bytes.byteLength)
      assert.equal(image.checksum, stored.md5)
      assert.equal(image.os_hash_algo, 'sha512')
      assert.equal(image.os_hash_value, stored.sha512)
      const saved = await http(httpRequest('GET', `${images}/${id}/file`, { headers: { 'x-auth-token': token } }))
      assert.equal(createHash('sha256').update(await readBody(saved.body)).digest('hex'), stored.sha256)
      const root = await http(httpRequest('GET', `${cluster.imageStore.url}/`))
      assert.equal((await readJson(root.body) as { name: string }).name, 'p2pstack image store')
    } finally {
      await http.close()
      await cluster.stop()
    }
  })
})

function readClusterKeyOf (key: string | null | undefined): string {
  assert.ok(typeof key === 'string' && key.length >= 32)
  return key
}

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)])
}

describe('the image store process with the plain-HTTP (WebDAV) backend, on nginx', { timeout: 120_000 }, () => {
  it('uploads, downloads and reads a range through the store\'s API, the bytes kept on nginx and the index in its state directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2pstack-imagestore-dav-test-'))
    const nginx = await startDavNginx(join(dir, 'nginx'))
    const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 30_000 })
    let store: Awaited<ReturnType<typeof startImageStoreProcess>> | undefined
    try {
      const state = join(dir, 'state')
      store = await startImageStoreProcess({ host: '127.0.0.1', port: 0, dir: null, backendUrl: `${nginx.url}/blobs/`, backendStateDir: state, clusterKey: SECRET, publicUrl: null, logger: silentLogger })
      assert.equal(store.backend, `${nginx.url}/blobs/`)
      const client = clientFor(store.url, http)
      const base = randomBytes(MIB)
      const hashes = [createHash('md5'), createHash('sha256'), createHash('sha512')]
      // No sha256 announced: the bytes go to a temporary key and are moved to their address (WebDAV MOVE).
      const stored = await client.upload(generated(base, 6, hashes), { size: 6 * MIB })
      const [md5, sha256, sha512] = hashes.map(h => h.digest('hex'))
      assert.deepEqual(stored, { sha256, md5, sha512, size: 6 * MIB, url: `${store.url}/v1/blobs/${sha256}` })
      assert.equal(filesUnder(join(nginx.root, 'blobs')).length, 2, 'the blob and its sha512 record on nginx, no temporary left')
      assert.ok(existsSync(join(state, 'http-blob-index.sqlite')))

      const whole = await client.download(stored.sha256)
      assert.equal(whole?.status, 200)
      assert.equal(createHash('sha256').update(await readBody(whole?.body ?? null)).digest('hex'), sha256)

      const start = 4 * MIB - 100
      const part = await client.download(stored.sha256, { start, end: start + 199 })
      assert.deepEqual([part?.status, part?.size, part?.length], [206, 6 * MIB, 200])
      assert.deepEqual(Buffer.from(await readBody(part?.body ?? null)), Buffer.concat([chunkOf(base, 3).subarray(MIB - 100), chunkOf(base, 4).subarray(0, 100)]))
      assert.equal(await client.findBySha512(sha512 as string), `${store.url}/v1/sha512/${sha512}`)

      // A blob removed from the server behind the store's back: the first GET is a 404, not a cut answer.
      const small = await client.upload(generated(base.subarray(0, 1024), 1, []), { size: 1024 })
      const lost = filesUnder(join(nginx.root, 'blobs')).find(file => statSync(file).size === 1024)
      assert.ok(lost !== undefined)
      rmSync(lost)
      const gone = await fetch(`${store.url}/v1/blobs/${small.sha256}`)
      assert.equal(gone.status, 404, await gone.text())

      assert.equal(await client.delete(stored.sha256), true)
      assert.equal(await client.download(stored.sha256), null)
      assert.equal(filesUnder(join(nginx.root, 'blobs')).length, 2, 'only the sha512 records are left (the store keeps them, as on a directory)')
    } finally {
      await http.close()
      await store?.stop()
      await nginx.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses to start when the backend does not answer, naming it without credentials', async () => {
    const probe = createServer().listen(0, '127.0.0.1')
    await once(probe, 'listening')
    const port = (probe.address() as AddressInfo).port
    probe.close()
    await once(probe, 'close')
    await assert.rejects(
      startImageStoreProcess({ host: '127.0.0.1', port: 0, dir: null, backendUrl: `http://user:hunter2-secret@127.0.0.1:${port}/blobs/`, clusterKey: SECRET, publicUrl: null, logger: silentLogger }),
      (error: Error) => error.message.includes(`WebDAV backend at http://127.0.0.1:${port}/blobs/ does not work`) && !error.message.includes('hunter2')
    )
  })
})
