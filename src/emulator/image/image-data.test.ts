/**
 * Image data through the emulated Glance: uploads streamed into the BlobStore with size,
 * checksum and sha512 computed on the way, downloads with Content-MD5 and ranges, the status
 * machine around them, failed and oversized uploads, and an upload raced by a delete.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { httpRequest, readBody } from '../../core/http.ts'
import { MemoryBlobStore } from '../../core/memory-blob-store.ts'
import { MemoryStore } from '../../core/memory-store.ts'
import { silentLogger } from '../../core/ports.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { NodeHashing } from '../../runtime/node-hashing.ts'
import { SeededRandom } from '../../sim/seeded-random.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { serveService } from '../service-host.ts'
import { createEmulatedImage } from './image-emulator.ts'

const OCTETS = { 'content-type': 'application/octet-stream' }

/** A BlobStore that remembers the size of every chunk it was given to write. */
class RecordingBlobStore extends MemoryBlobStore {
  readonly chunkSizes: number[] = []

  override async write (key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    const sizes = this.chunkSizes
    return await super.write(key, (async function * () {
      for await (const chunk of body) {
        sizes.push(chunk.byteLength)
        yield chunk
      }
    })())
  }
}

function pattern (length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7) & 0xff
  return bytes
}

async function * chunked (bytes: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize)
}

async function createImage (c: TestCloudlet, token: string, fields: Record<string, unknown> = {}): Promise<string> {
  const r = await c.call('POST', '/image/v2/images', { token, json: { name: 'data', disk_format: 'raw', container_format: 'bare', ...fields } })
  assert.equal(r.status, 201, r.text)
  return r.json().id as string
}

const hex = (algorithm: string, bytes: Uint8Array): string => createHash(algorithm).update(bytes).digest('hex')

describe('PUT /v2/images/{id}/file', () => {
  it('stores the data and makes the image active with size, checksum, sha512 and the store', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin)
    const bytes = pattern(10_000)
    const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: bytes, headers: OCTETS })
    assert.equal(r.status, 204)
    assert.equal(r.text, '')
    const image = (await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json()
    assert.equal(image.status, 'active')
    assert.equal(image.size, 10_000)
    assert.equal(image.virtual_size, 10_000, 'a bare raw image is its own virtual size')
    assert.equal(image.checksum, hex('md5', bytes))
    assert.equal(image.os_hash_algo, 'sha512')
    assert.equal(image.os_hash_value, hex('sha512', bytes))
    assert.equal(image.stores, 'file')
  })

  it('streams a several-MB upload into the BlobStore chunk by chunk, never as one buffer', async () => {
    const blobs = new RecordingBlobStore()
    const c = await makeTestCloudlet({ blobs })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const bytes = pattern(5 * 1024 * 1024, 3)
    const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: chunked(bytes, 64 * 1024), headers: OCTETS })
    assert.equal(r.status, 204, r.text)
    assert.ok(blobs.chunkSizes.length >= 80, `arrived in ${blobs.chunkSizes.length} chunks`)
    assert.ok(Math.max(...blobs.chunkSizes) <= 64 * 1024, 'no chunk larger than what the client sent')
    const image = (await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json()
    assert.equal(image.size, bytes.byteLength)
    assert.equal(image.checksum, hex('md5', bytes))
    const download = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })
    assert.equal(download.status, 200)
    assert.deepEqual(download.bytes, bytes)
  })

  it('reads the virtual size from a qcow2 header', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin, { disk_format: 'qcow2' })
    const header = new Uint8Array(512)
    header.set([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3])
    new DataView(header.buffer).setBigUint64(24, 1073741824n)
    await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: header, headers: OCTETS })
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().virtual_size, 1073741824)
  })

  it('leaves the image queued with no data when the upload fails midway', async () => {
    const blobs = new RecordingBlobStore()
    const c = await makeTestCloudlet({ blobs })
    const admin = await c.token()
    const id = await createImage(c, admin)
    async function * broken (): AsyncIterable<Uint8Array> {
      yield pattern(1000)
      throw new Error('client went away')
    }
    const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: broken(), headers: OCTETS })
    assert.equal(r.status, 500)
    const image = (await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json()
    assert.equal(image.status, 'queued')
    assert.equal(image.size, null)
    assert.equal(image.checksum, null)
    assert.equal(blobs.size(`image/${id}/data`), null)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })).status, 204)
    const retry = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: pattern(10), headers: OCTETS })
    assert.equal(retry.status, 204, 'a queued image can be uploaded again')
  })

  it('answers 409 when the image is not queued, and 415 for another content type', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin)
    await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: pattern(10), headers: OCTETS })
    const again = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: pattern(20), headers: OCTETS })
    assert.equal(again.status, 409)
    assert.match(again.text, /Image status transition from active to saving is not allowed/)
    const json = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: pattern(20), headers: { 'content-type': 'application/json' } })
    assert.equal(json.status, 415)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().size, 10)
  })

  it('answers 400 when the formats are not set, and keeps the image queued', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('POST', '/image/v2/images', { token: admin, json: { name: 'bare-bones' } })
    const id = r.json().id as string
    const put = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: pattern(10), headers: OCTETS })
    assert.equal(put.status, 400)
    assert.match(put.text, /Properties disk_format, container_format must be set prior to saving data\./)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().status, 'queued')
  })

  it('answers 413 for data announced larger than the 1 TiB image size cap, before reading it', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin)
    const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: pattern(10), headers: { ...OCTETS, 'content-length': String(2 * 1024 ** 4) } })
    assert.equal(r.status, 413)
    assert.match(r.text, /The incoming image is too large: The provided image is too large\./)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().status, 'queued')
  })

  it('answers 410 and keeps no data when the image is deleted during the upload', async () => {
    const blobs = new RecordingBlobStore()
    const c = await makeTestCloudlet({ blobs })
    const admin = await c.token()
    const id = await createImage(c, admin)
    async function * racing (): AsyncIterable<Uint8Array> {
      yield pattern(100)
      const saving = await c.call('GET', `/image/v2/images/${id}`, { token: admin })
      assert.equal(saving.json().status, 'saving')
      assert.equal((await c.call('DELETE', `/image/v2/images/${id}`, { token: admin })).status, 204)
      yield pattern(100)
    }
    const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: racing(), headers: OCTETS })
    assert.equal(r.status, 410)
    await c.cloudlet.image.idle()
    assert.equal(blobs.size(`image/${id}/data`), null)
  })
})

describe('image size cap while streaming', () => {
  it('answers 413 once the data passes image_size_cap, and stores nothing', async () => {
    const blobs = new MemoryBlobStore()
    const image = createEmulatedImage({
      clock: new VirtualClock(),
      random: new SeededRandom('cap'),
      hashing: new NodeHashing({ cost: 1024 }),
      store: new MemoryStore(),
      blobs,
      logger: silentLogger,
      outbound: async () => { throw new Error('no outbound') }
    }, { webDownloadAllowedHosts: [], transitionDelayMs: 0, imageSizeCapBytes: 1000 })
    const auth: AuthContext = {
      token: 't', auditId: 'a', userId: 'u', userName: 'u', userDomainId: 'default', userDomainName: 'Default',
      project: { id: 'p1', name: 'p1', domainId: 'default', domainName: 'Default' }, domain: null, system: false,
      roles: ['member', 'reader'], roleIds: [], expiresAtMs: Number.MAX_SAFE_INTEGER, issuedAtMs: 0, methods: ['password'], applicationCredentialId: null
    }
    const serve = serveService(image.api, { random: new SeededRandom('ids'), logger: silentLogger, authenticate: () => auth, identityUrl: () => 'http://x/identity' })
    const call = async (method: string, path: string, body?: string | AsyncIterable<Uint8Array>, headers: Record<string, string> = {}) => {
      const response = await serve(httpRequest(method, `http://x/image${path}`, { headers: { 'x-auth-token': 't', ...headers }, body: body ?? null }), path, '/image')
      return { status: response.status, text: new TextDecoder().decode(await readBody(response.body)) }
    }
    const created = await call('POST', '/v2/images', JSON.stringify({ disk_format: 'raw', container_format: 'bare' }), { 'content-type': 'application/json' })
    const id = JSON.parse(created.text).id as string
    const r = await call('PUT', `/v2/images/${id}/file`, chunked(pattern(1500), 100), OCTETS)
    assert.equal(r.status, 413)
    assert.equal(blobs.size(`image/${id}/data`), null)
    const shown = JSON.parse((await call('GET', `/v2/images/${id}`)).text)
    assert.equal(shown.status, 'queued')
    const ok = await call('PUT', `/v2/images/${id}/file`, chunked(pattern(1000), 100), OCTETS)
    assert.equal(ok.status, 204)
  })
})

describe('GET /v2/images/{id}/file', () => {
  async function activeImage (): Promise<{ c: TestCloudlet, admin: string, id: string, bytes: Uint8Array }> {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin)
    const bytes = pattern(1000, 5)
    await c.call('PUT', `/image/v2/images/${id}/file`, { token: admin, body: bytes, headers: OCTETS })
    return { c, admin, id, bytes }
  }

  it('streams the data with Content-MD5 and Content-Length', async () => {
    const { c, admin, id, bytes } = await activeImage()
    const r = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'application/octet-stream')
    assert.equal(r.headers['content-md5'], hex('md5', bytes))
    assert.equal(r.headers['content-length'], '1000')
    assert.deepEqual(r.bytes, bytes)
  })

  it('answers 206 with Content-Range for a range, a suffix range and an open range', async () => {
    const { c, admin, id, bytes } = await activeImage()
    const cases: Array<[string, number, number]> = [['bytes=0-99', 0, 99], ['bytes=900-', 900, 999], ['bytes=-10', 990, 999], ['bytes=950-5000', 950, 999]]
    for (const [range, first, last] of cases) {
      const r = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin, headers: { range } })
      assert.equal(r.status, 206, range)
      assert.equal(r.headers['content-range'], `bytes ${first}-${last}/1000`, range)
      assert.equal(r.headers['content-length'], String(last - first + 1), range)
      assert.deepEqual(r.bytes, bytes.subarray(first, last + 1), range)
    }
  })

  it('answers 416 for a range past the end or unreadable, and 400 for several ranges', async () => {
    const { c, admin, id } = await activeImage()
    const past = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin, headers: { range: 'bytes=1000-1200' } })
    assert.equal(past.status, 416)
    assert.equal(past.text, '416 Request Range Not Satisfiable\n\nThe Range requested is not available.\n\n Invalid start position in Range header. Start position MUST be in the inclusive range [0, 999].  ')
    assert.equal((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin, headers: { range: 'bytes=9-3' } })).status, 416)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin, headers: { range: 'items=1-2' } })).status, 416)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin, headers: { range: 'bytes=0-1,5-6' } })).status, 400)
  })

  it('answers 204 when the image has no data', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin)
    const r = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })
    assert.equal(r.status, 204)
    assert.equal(r.bytes.byteLength, 0)
  })
})
