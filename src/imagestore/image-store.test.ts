/**
 * The image store's handler in memory, on MemoryBlobStore: uploads answer the checksums
 * node:crypto computes and land at their sha256; the same bytes twice keep one copy; every
 * refused upload (checksum or size mismatch, too large, interrupted, unsigned, forged) keeps
 * nothing; reads serve ranges, 416, 304 and HEAD; deletes are signed; every refusal is logged
 * once; bad input never throws.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { httpRequest, readBody, readJson } from '../core/http.ts'
import type { HttpBodyStream, HttpResponse } from '../core/http.ts'
import { MemoryBlobStore } from '../core/memory-blob-store.ts'
import type { BlobStore, ByteRange, Clock, Logger } from '../core/ports.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { NonceCache } from '../runtime/peer-nonce-cache.ts'
import { NodeHashing } from '../runtime/node-hashing.ts'
import { SeededRandom } from '../sim/seeded-random.ts'
import { BLOBS_PATH, blobKey, createImageStore } from './image-store.ts'
import type { BlobMover } from './image-store.ts'
import { createWriteSigner, createWriteVerifier } from './write-signature.ts'

const BASE = 'http://store.test:8102'
const SECRET = 'a-cluster-secret-of-at-least-32-characters'

class FixedClock implements Clock {
  nowMs (): number { return 0 }
  wallClockMs (): number { return 1_700_000_000_000 }
}

/** MemoryBlobStore that says which keys hold a blob and which were ever written. */
class WatchedBlobStore implements BlobStore {
  readonly inner = new MemoryBlobStore()
  readonly live = new Set<string>()
  readonly written: string[] = []
  failWrites = false
  async write (key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    this.written.push(key)
    if (this.failWrites) {
      for await (const _ of body) break
      throw new Error('disk full')
    }
    const result = await this.inner.write(key, body)
    this.live.add(key)
    return result
  }

  read (key: string, range?: ByteRange): AsyncIterable<Uint8Array> | null { return this.inner.read(key, range) }
  size (key: string): number | null { return this.inner.size(key) }
  async delete (key: string): Promise<void> {
    this.live.delete(key)
    await this.inner.delete(key)
  }
}

class MovingBlobStore extends WatchedBlobStore implements BlobMover {
  moves = 0
  async move (from: string, to: string): Promise<void> {
    this.moves++
    const bytes = this.read(from)
    if (bytes === null) throw new Error('no such blob')
    await this.inner.write(to, bytes)
    this.live.add(to)
    await this.delete(from)
  }
}

interface LogLine { level: string, fields: Record<string, unknown>, message: string }

function setup (options: { maxBlobBytes?: number, blobs?: WatchedBlobStore } = {}): {
  call: (method: string, path: string, o?: { headers?: Record<string, string>, body?: string | Uint8Array | HttpBodyStream, signed?: boolean }) => Promise<HttpResponse>
  blobs: WatchedBlobStore
  logs: LogLine[]
  signed: (method: string, target: string) => Record<string, string>
} {
  const clock = new FixedClock()
  const blobs = options.blobs ?? new WatchedBlobStore()
  const logs: LogLine[] = []
  const log = (level: string) => (fields: Record<string, unknown>, message: string) => { logs.push({ level, fields, message }) }
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
  const key = new ClusterKey(SECRET)
  const signer = createWriteSigner(key, clock, new SeededRandom('signer'))
  const handler = createImageStore({
    blobs,
    hashing: new NodeHashing(),
    random: new SeededRandom('store'),
    logger,
    writes: createWriteVerifier(key, clock, new NonceCache(clock, { windowMs: 60_000, maxEntries: 1000 }), { windowMs: 60_000 })
  }, { maxBlobBytes: options.maxBlobBytes ?? 1_000_000, publicUrl: null })
  const signed = (method: string, target: string): Record<string, string> => signer.headers('agent-1', method, target)
  return {
    blobs,
    logs,
    signed,
    call: async (method, path, o = {}) => {
      const target = new URL(path, BASE)
      const headers = { ...(o.signed === false ? {} : signed(method, target.pathname + target.search)), ...o.headers }
      return await handler(httpRequest(method, target, { headers, body: o.body ?? null }))
    }
  }
}

function digests (bytes: Uint8Array): { size: number, md5: string, sha256: string, sha512: string } {
  const hex = (algorithm: string): string => createHash(algorithm).update(bytes).digest('hex')
  return { size: bytes.byteLength, md5: hex('md5'), sha256: hex('sha256'), sha512: hex('sha512') }
}

function bytesOf (n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7) & 0xff
  return out
}

async function * chunked (bytes: Uint8Array, size: number): HttpBodyStream {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.slice(i, i + size)
}

async function text (r: HttpResponse): Promise<string> {
  return new TextDecoder().decode(await readBody(r.body))
}

async function errorOf (r: HttpResponse): Promise<{ code: number, title: string, message: string }> {
  const body = await readJson(r.body) as { error: { code: number, title: string, message: string } }
  assert.equal(r.headers['content-type'], 'application/json')
  assert.equal(body.error.code, r.status)
  return body.error
}

describe('the image store', () => {
  it('stores an upload at its sha256 and answers its size, md5, sha256, sha512 and URL', async () => {
    const { call, blobs } = setup()
    const bytes = bytesOf(10_000)
    const r = await call('PUT', BLOBS_PATH, { body: chunked(bytes, 999) })
    assert.equal(r.status, 201)
    const d = digests(bytes)
    const answer = await readJson(r.body)
    assert.deepEqual(answer, { ...d, url: `${BASE}/v1/blobs/${d.sha256}` })
    assert.equal(r.headers.location, `${BASE}/v1/blobs/${d.sha256}`)
    assert.equal(r.headers.etag, `"${d.sha256}"`)
    assert.deepEqual([...blobs.live], [blobKey(d.sha256), `sha512/${d.sha512}`], 'the blob and its sha512 record, no temporary key left')
    const bySha512 = await call('GET', `/v1/sha512/${d.sha512}`, { signed: false })
    assert.equal(bySha512.status, 200)
    assert.deepEqual(await readBody(bySha512.body), bytes, 'the same bytes found by their sha512')
    assert.equal((await call('HEAD', `/v1/sha512/${'0'.repeat(128)}`, { signed: false })).status, 404)
    assert.equal((await call('GET', '/v1/sha512/not-a-hash', { signed: false })).status, 404)
    const got = await call('GET', `/v1/blobs/${d.sha256}`, { signed: false })
    assert.equal(got.status, 200)
    assert.equal(got.headers['content-length'], '10000')
    assert.equal(got.headers['content-type'], 'application/octet-stream')
    assert.equal(got.headers.etag, `"${d.sha256}"`)
    assert.equal(got.headers['accept-ranges'], 'bytes')
    assert.deepEqual(await readBody(got.body), bytes)
  })

  it('accepts POST too, and an empty blob', async () => {
    const { call } = setup()
    const r = await call('POST', BLOBS_PATH)
    assert.equal(r.status, 201)
    assert.deepEqual(await readJson(r.body), { ...digests(new Uint8Array(0)), url: `${BASE}/v1/blobs/${digests(new Uint8Array(0)).sha256}` })
    const got = await call('GET', `/v1/blobs/${digests(new Uint8Array(0)).sha256}`, { signed: false })
    assert.equal(got.status, 200)
    assert.equal(got.headers['content-length'], '0')
  })

  it('keeps one copy of the same bytes uploaded twice and gives the same answer', async () => {
    const { call, blobs } = setup()
    const bytes = bytesOf(5000)
    const first = await readJson((await call('PUT', BLOBS_PATH, { body: bytes })).body)
    const second = await call('PUT', BLOBS_PATH, { body: chunked(bytes, 100) })
    assert.equal(second.status, 201)
    assert.deepEqual(await readJson(second.body), first)
    const third = await call('PUT', BLOBS_PATH, { body: bytes, headers: { 'x-expected-sha256': digests(bytes).sha256 } })
    assert.equal(third.status, 201)
    assert.deepEqual(await readJson(third.body), first)
    assert.deepEqual([...blobs.live], [blobKey(digests(bytes).sha256), `sha512/${digests(bytes).sha512}`])
    assert.equal(blobs.written.filter(k => k === blobKey(digests(bytes).sha256)).length, 1, 'the blob was written once')
  })

  it('writes an upload whose sha256 is announced straight to its address, checked', async () => {
    const { call, blobs } = setup()
    const bytes = bytesOf(3000)
    const d = digests(bytes)
    const r = await call('PUT', BLOBS_PATH, { body: chunked(bytes, 512), headers: { 'x-expected-sha256': d.sha256.toUpperCase(), 'x-expected-md5': d.md5, 'x-expected-sha512': d.sha512, 'x-expected-size': '3000' } })
    assert.equal(r.status, 201)
    assert.deepEqual(blobs.written, [blobKey(d.sha256), `sha512/${d.sha512}`])
  })

  it('moves a complete upload with the BlobStore\'s move when it has one, else copies it', async () => {
    const moving = new MovingBlobStore()
    const { call } = setup({ blobs: moving })
    const bytes = bytesOf(2000)
    assert.equal((await call('PUT', BLOBS_PATH, { body: bytes })).status, 201)
    assert.equal(moving.moves, 1)
    assert.deepEqual([...moving.live], [blobKey(digests(bytes).sha256), `sha512/${digests(bytes).sha512}`])
    assert.deepEqual(moving.inner.size(blobKey(digests(bytes).sha256)), 2000)
  })

  it('refuses an upload whose checksum or size is not the one announced (400) and keeps nothing', async () => {
    const bytes = bytesOf(4000)
    const other = digests(bytesOf(4000, 2))
    for (const [header, value, pattern] of [
      ['x-expected-md5', other.md5, /md5/],
      ['x-expected-sha256', other.sha256, /sha256/],
      ['x-expected-sha512', other.sha512, /sha512/],
      ['x-expected-size', '3999', /size/],
      ['x-expected-size', '4001', /size/]
    ] as const) {
      const { call, blobs, logs } = setup()
      const r = await call('PUT', BLOBS_PATH, { body: chunked(bytes, 1000), headers: { [header]: value } })
      assert.equal(r.status, 400, header)
      assert.match((await errorOf(r)).message, pattern)
      assert.deepEqual([...blobs.live], [], `${header}: nothing kept`)
      assert.equal((await call('GET', `/v1/blobs/${digests(bytes).sha256}`, { signed: false })).status, 404)
      assert.equal(logs.filter(l => l.level === 'warn').length, 1, 'logged once')
    }
  })

  it('refuses malformed expectations before reading the body (400)', async () => {
    for (const headers of [{ 'x-expected-md5': 'abc' }, { 'x-expected-sha256': 'z'.repeat(64) }, { 'x-expected-size': '-1' }, { 'x-expected-size': '1e3' }, { 'content-length': '10', 'x-expected-size': '11' }]) {
      const { call } = setup()
      let pulled = false
      const body = (async function * () { pulled = true; yield new Uint8Array(10) })()
      const r = await call('PUT', BLOBS_PATH, { headers, body })
      assert.equal(r.status, 400, JSON.stringify(headers))
      assert.equal(pulled, false)
    }
  })

  it('refuses an upload beyond the size limit (413), announced or streamed, keeping nothing', async () => {
    const { call, blobs } = setup({ maxBlobBytes: 1000 })
    let pulled = false
    const announced = await call('PUT', BLOBS_PATH, { headers: { 'content-length': '1001' }, body: (async function * () { pulled = true; yield new Uint8Array(1001) })() })
    assert.equal(announced.status, 413)
    assert.equal(pulled, false)
    assert.match((await errorOf(announced)).message, /limit of 1000 bytes/)
    const streamed = await call('PUT', BLOBS_PATH, { body: chunked(bytesOf(1500), 100) })
    assert.equal(streamed.status, 413)
    assert.deepEqual([...blobs.live], [])
    assert.equal((await call('PUT', BLOBS_PATH, { body: bytesOf(1000) })).status, 201, 'exactly the limit is fine')
  })

  it('keeps nothing of an upload whose body breaks midway (400), nor of one the store fails to write (500)', async () => {
    const { call, blobs, logs } = setup()
    const broken = (async function * () { yield new Uint8Array(100); throw new Error('socket hang up') })()
    const r = await call('PUT', BLOBS_PATH, { body: broken })
    assert.equal(r.status, 400)
    assert.match((await errorOf(r)).message, /interrupted: socket hang up/)
    assert.deepEqual([...blobs.live], [])
    blobs.failWrites = true
    const failed = await call('PUT', BLOBS_PATH, { body: bytesOf(100) })
    assert.equal(failed.status, 500)
    assert.match((await errorOf(failed)).message, /nothing of an upload was kept/)
    assert.equal(logs.filter(l => l.level === 'error').length, 1)
    assert.deepEqual([...blobs.live], [])
  })

  it('serves one byte range (206), refuses one past the end (416), and ignores the rest', async () => {
    const { call } = setup()
    const bytes = bytesOf(1000)
    const sha = digests(bytes).sha256
    await call('PUT', BLOBS_PATH, { body: bytes })
    const get = async (headers: Record<string, string>): Promise<HttpResponse> => await call('GET', `/v1/blobs/${sha}`, { headers, signed: false })
    const part = await get({ range: 'bytes=100-199' })
    assert.equal(part.status, 206)
    assert.equal(part.headers['content-range'], 'bytes 100-199/1000')
    assert.equal(part.headers['content-length'], '100')
    assert.deepEqual(await readBody(part.body), bytes.slice(100, 200))
    const tail = await get({ range: 'bytes=-10' })
    assert.deepEqual([tail.status, tail.headers['content-range']], [206, 'bytes 990-999/1000'])
    assert.deepEqual(await readBody(tail.body), bytes.slice(990))
    const from = await get({ range: 'bytes=995-' })
    assert.deepEqual(await readBody(from.body), bytes.slice(995))
    const beyond = await get({ range: 'bytes=1000-' })
    assert.equal(beyond.status, 416)
    assert.equal(beyond.headers['content-range'], 'bytes */1000')
    await errorOf(beyond)
    const several = await get({ range: 'bytes=0-1,5-6' })
    assert.equal(several.status, 200)
    assert.equal((await readBody(several.body)).byteLength, 1000)
    const stale = await get({ range: 'bytes=0-9', 'if-range': '"0000"' })
    assert.equal(stale.status, 200)
    const fresh = await get({ range: 'bytes=0-9', 'if-range': `"${sha}"` })
    assert.equal(fresh.status, 206)
    const cached = await get({ 'if-none-match': `W/"x", "${sha}"` })
    assert.equal(cached.status, 304)
    assert.equal(cached.body, null)
  })

  it('answers HEAD with the length and no body, ranges included', async () => {
    const { call } = setup()
    const bytes = bytesOf(300)
    const sha = digests(bytes).sha256
    await call('PUT', BLOBS_PATH, { body: bytes })
    const head = await call('HEAD', `/v1/blobs/${sha}`, { signed: false })
    assert.deepEqual([head.status, head.headers['content-length'], head.body], [200, '300', null])
    const part = await call('HEAD', `/v1/blobs/${sha}`, { signed: false, headers: { range: 'bytes=0-9' } })
    assert.deepEqual([part.status, part.headers['content-length'], part.headers['content-range'], part.body], [206, '10', 'bytes 0-9/300', null])
  })

  it('refuses unsigned (401) and forged (403) writes and deletes, keeping everything as it was', async () => {
    const { call, blobs, signed } = setup()
    const bytes = bytesOf(100)
    const sha = digests(bytes).sha256
    const unsigned = await call('PUT', BLOBS_PATH, { body: bytes, signed: false })
    assert.equal(unsigned.status, 401)
    assert.match((await errorOf(unsigned)).message, /signed by an agent/)
    const forged = await call('PUT', BLOBS_PATH, { body: bytes, signed: false, headers: { ...signed('PUT', BLOBS_PATH), 'x-p2pstack-image-store-signature': `sha256=${'0'.repeat(64)}` } })
    assert.equal(forged.status, 403)
    assert.deepEqual([...blobs.live], [])
    await call('PUT', BLOBS_PATH, { body: bytes })
    const path = `/v1/blobs/${sha}`
    assert.equal((await call('DELETE', path, { signed: false })).status, 401)
    assert.equal((await call('DELETE', path, { signed: false, headers: signed('DELETE', `/v1/blobs/${'0'.repeat(64)}`) })).status, 403)
    const replay = signed('DELETE', path)
    assert.equal((await call('DELETE', path, { signed: false, headers: replay })).status, 204)
    assert.equal((await call('GET', path, { signed: false })).status, 404)
    assert.equal((await call('DELETE', path, { signed: false, headers: replay })).status, 403, 'a replayed delete')
    assert.equal((await call('DELETE', path)).status, 404)
  })

  it('answers JSON faults for unknown paths, bad blob names and methods, and logs each refusal once', async () => {
    const { call, logs } = setup()
    const cases: Array<[string, string, number, string | undefined]> = [
      ['GET', '/nothing', 404, undefined],
      ['GET', '/v1/blobs/not-a-sha', 404, undefined],
      ['GET', `/v1/blobs/${'A'.repeat(64)}`, 404, undefined],
      ['GET', `/v1/blobs/${'a'.repeat(64)}/more`, 404, undefined],
      ['GET', BLOBS_PATH, 405, 'PUT, POST'],
      ['PATCH', `/v1/blobs/${'a'.repeat(64)}`, 405, 'GET, HEAD, DELETE'],
      ['DELETE', '/', 405, 'GET, HEAD']
    ]
    for (const [method, path, status, allow] of cases) {
      const before = logs.length
      const r = await call(method, path, { signed: false })
      assert.equal(r.status, status, `${method} ${path}`)
      assert.equal(r.headers.allow, allow)
      await errorOf(r)
      assert.equal(logs.length - before, 1, `${method} ${path} logged once`)
    }
    const root = await call('GET', '/', { signed: false })
    assert.equal(root.status, 200)
    assert.match(await text(root), /"max_blob_bytes":1000000/)
  })

  it('writes URLs under the public URL when one is set', async () => {
    const handler = createImageStore({
      blobs: new MemoryBlobStore(),
      hashing: new NodeHashing(),
      random: new SeededRandom(1),
      logger: { debug () {}, info () {}, warn () {}, error () {} },
      writes: { check: () => ({ ok: true, agent: 'a' }) }
    }, { maxBlobBytes: 100, publicUrl: 'https://images.example.org/store/' })
    const r = await handler(httpRequest('PUT', `${BASE}/v1/blobs`, { body: 'x' }))
    const answer = await readJson(r.body) as { url: string, sha256: string }
    assert.equal(answer.url, `https://images.example.org/store/v1/blobs/${answer.sha256}`)
  })
})
