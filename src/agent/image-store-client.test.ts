/**
 * The agent's image store client against the store's handler in memory: a signed upload gives
 * the checksums, a download (whole or a range) gives the bytes back, a delete says whether
 * there was a blob, and every refusal becomes an ImageStoreError with the store's status and
 * message. (Over real HTTP: test/integration/image-store.test.ts.)
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { readBody } from '../core/http.ts'
import type { HttpHandler } from '../core/http.ts'
import { MemoryBlobStore } from '../core/memory-blob-store.ts'
import { silentLogger } from '../core/ports.ts'
import type { Clock } from '../core/ports.ts'
import { createImageStore } from '../imagestore/image-store.ts'
import { createWriteVerifier } from '../imagestore/write-signature.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { NodeHashing } from '../runtime/node-hashing.ts'
import { NonceCache } from '../runtime/peer-nonce-cache.ts'
import { SeededRandom } from '../sim/seeded-random.ts'
import { ImageStoreError, createImageStoreClient } from './image-store-client.ts'

const SECRET = 'a-cluster-secret-of-at-least-32-characters'
const URL_BASE = 'http://127.0.0.1:8102'

const clock: Clock = { nowMs: () => 0, wallClockMs: () => 1_700_000_000_000 }

function store (maxBlobBytes = 1_000_000): HttpHandler {
  const key = new ClusterKey(SECRET)
  return createImageStore({
    blobs: new MemoryBlobStore(),
    hashing: new NodeHashing(),
    random: new SeededRandom('store'),
    logger: silentLogger,
    writes: createWriteVerifier(key, clock, new NonceCache(clock, { windowMs: 60_000, maxEntries: 1000 }), { windowMs: 60_000 })
  }, { maxBlobBytes, publicUrl: null })
}

let clients = 0

function client (http: HttpHandler, secret = SECRET): ReturnType<typeof createImageStoreClient> {
  // Each client its own random stream: two with one seed would make the same nonces, which the store refuses as replays.
  return createImageStoreClient({ url: `${URL_BASE}/`, agentId: 'agent-1', key: new ClusterKey(secret), http, clock, random: new SeededRandom(`client-${++clients}`) })
}

async function * chunks (bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size)
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

describe('the image store client', () => {
  it('uploads signed, downloads whole and in part, and deletes', async () => {
    const c = client(store())
    const bytes = new Uint8Array(5000).map((_, i) => i % 251)
    const stored = await c.upload(chunks(bytes, 700), { size: 5000, sha256: sha256(bytes).toUpperCase() })
    assert.equal(stored.sha256, sha256(bytes))
    assert.equal(stored.md5, createHash('md5').update(bytes).digest('hex'))
    assert.equal(stored.sha512, createHash('sha512').update(bytes).digest('hex'))
    assert.equal(stored.size, 5000)
    assert.equal(stored.url, c.urlOf(stored.sha256))
    assert.equal(c.urlOf(stored.sha256), `${URL_BASE}/v1/blobs/${stored.sha256}`)
    const whole = await c.download(stored.sha256)
    assert.deepEqual([whole?.status, whole?.size, whole?.length], [200, 5000, 5000])
    assert.deepEqual(await readBody(whole?.body ?? null), bytes)
    const part = await c.download(stored.sha256, { start: 10, end: 19 })
    assert.deepEqual([part?.status, part?.size, part?.length], [206, 5000, 10])
    assert.deepEqual(await readBody(part?.body ?? null), bytes.subarray(10, 20))
    await assert.rejects(c.download(stored.sha256, { start: 5000, end: 5001 }), (e: ImageStoreError) => e.status === 416)
    assert.equal(await c.delete(stored.sha256), true)
    assert.equal(await c.delete(stored.sha256), false)
    assert.equal(await c.download(stored.sha256), null)
  })

  it('turns refusals into ImageStoreError with the status and the store\'s message', async () => {
    const http = store(100)
    const bytes = new Uint8Array(50)
    await assert.rejects(client(http).upload(chunks(bytes, 10), { md5: '0'.repeat(32) }), (e: ImageStoreError) => e.status === 400 && /checksum mismatch: the upload's md5/.test(e.message))
    await assert.rejects(client(http).upload(chunks(new Uint8Array(101), 10)), (e: ImageStoreError) => e.status === 413 && /limit of 100 bytes/.test(e.message))
    await assert.rejects(client(http, 'another-cluster-secret-of-32-characters!').upload(chunks(bytes, 10)), (e: ImageStoreError) => e.status === 403 && /signature/.test(e.message))
    assert.throws(() => client(http).urlOf('../../etc'), ImageStoreError)
    const unreachable = client(async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:8102') })
    await assert.rejects(unreachable.upload(chunks(bytes, 10)), (e: ImageStoreError) => e.status === 0 && /could not be reached.*ECONNREFUSED/.test(e.message))
  })
})
