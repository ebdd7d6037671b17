/**
 * Interoperable image import through the emulated Glance: staging and glance-direct,
 * web-download through a fake outbound HTTP handler (allowed, redirected, refused and failing
 * downloads), the import's background run in virtual time, and image locations (Image API 2.17).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { HttpHandler, HttpRequest } from '../../core/http.ts'

const OCTETS = { 'content-type': 'application/octet-stream' }
const DELAY = 1000

function pattern (length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 13 + 5) & 0xff
  return bytes
}

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex')
const sha512 = (bytes: Uint8Array): string => createHash('sha512').update(bytes).digest('hex')

/** A fake internet: serves `files` by URL, with redirects, and records what was asked. */
function fakeOutbound (files: Record<string, Uint8Array | { redirect: string } | { status: number }>): HttpHandler & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = []
  const handler = async (request: HttpRequest) => {
    requests.push(request)
    const file = files[request.url.href]
    if (file === undefined) return { status: 404, headers: {}, body: 'not found' }
    if ('redirect' in file) return { status: 302, headers: { location: file.redirect }, body: null }
    if ('status' in file) return { status: file.status, headers: {}, body: 'nope' }
    const bytes = file
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
      body: (async function * () {
        for (let offset = 0; offset < bytes.byteLength; offset += 4096) yield bytes.subarray(offset, offset + 4096)
      })()
    }
  }
  return Object.assign(handler, { requests })
}

async function createImage (c: TestCloudlet, token: string, fields: Record<string, unknown> = {}): Promise<string> {
  const r = await c.call('POST', '/image/v2/images', { token, json: { name: 'imported', disk_format: 'raw', container_format: 'bare', ...fields } })
  assert.equal(r.status, 201, r.text)
  return r.json().id as string
}

async function show (c: TestCloudlet, token: string, id: string): Promise<Record<string, any>> {
  return (await c.call('GET', `/image/v2/images/${id}`, { token })).json()
}

/** Lets the background work settle and the transition delay pass. */
async function settle (c: TestCloudlet): Promise<void> {
  await c.cloudlet.image.idle()
  c.clock.advanceBy(DELAY)
}

describe('PUT /v2/images/{id}/stage and glance-direct import', () => {
  it('stages data (uploading), imports it in the background (importing) and ends active', async () => {
    const c = await makeTestCloudlet({ config: { transitionDelayMs: DELAY } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const bytes = pattern(50_000)
    const staged = await c.call('PUT', `/image/v2/images/${id}/stage`, { token: admin, body: bytes, headers: OCTETS })
    assert.equal(staged.status, 204, staged.text)
    const uploading = await show(c, admin, id)
    assert.equal(uploading.status, 'uploading')
    assert.equal(uploading.size, 50_000)
    assert.equal(uploading.checksum, null)

    const accepted = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'glance-direct' } } })
    assert.equal(accepted.status, 202, accepted.text)
    const importing = await show(c, admin, id)
    assert.equal(importing.status, 'importing')
    assert.equal(importing.os_glance_importing_to_stores, 'file')
    assert.equal(importing.os_glance_failed_import, '')
    assert.match(importing.os_glance_import_task, /^[0-9a-f-]{36}$/)
    const again = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'glance-direct' } } })
    assert.equal(again.status, 409, 'an image being imported is no target for another import')

    await c.cloudlet.image.idle()
    assert.equal((await show(c, admin, id)).status, 'importing', 'the import takes the transition delay')
    c.clock.advanceBy(DELAY)
    const active = await show(c, admin, id)
    assert.equal(active.status, 'active')
    assert.equal(active.checksum, md5(bytes))
    assert.equal(active.os_hash_value, sha512(bytes))
    assert.equal(active.os_glance_importing_to_stores, '')
    assert.equal(active.os_glance_import_task, undefined)
    assert.equal(active.stores, 'file')
    const download = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })
    assert.deepEqual(download.bytes, bytes)
    await c.cloudlet.image.idle()
    assert.equal(c.blobs.size(`image/${id}/staging`), null, 'the staged copy is gone')
  })

  it('refuses glance-direct without staged data, imports without formats, and unknown methods or stores', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = await createImage(c, admin)
    const notStaged = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'glance-direct' } } })
    assert.equal(notStaged.status, 409)
    assert.match(notStaged.text, /Image needs to be staged before 'glance-direct' method can be used/)
    const copy = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'copy-image' } } })
    assert.equal(copy.status, 400)
    assert.match(copy.text, /Unknown import method name 'copy-image'\./)
    const noMethod = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: {} })
    assert.equal(noMethod.status, 400)
    assert.match(noMethod.text, /Import request requires a 'method' field\./)
    await c.call('PUT', `/image/v2/images/${id}/stage`, { token: admin, body: pattern(10), headers: OCTETS })
    const store = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'glance-direct' }, stores: ['ceph'] } })
    assert.equal(store.status, 409)
    assert.match(store.text, /Unknown scheme 'ceph' found in URI/)
    const bare = await createImage(c, admin, { disk_format: null, container_format: null })
    await c.call('PUT', `/image/v2/images/${bare}/stage`, { token: admin, body: pattern(10), headers: OCTETS })
    const formats = await c.call('POST', `/image/v2/images/${bare}/import`, { token: admin, json: { method: { name: 'glance-direct' } } })
    assert.equal(formats.status, 409)
    assert.match(formats.text, /'container_format' needs to be set before import/)
    assert.equal((await show(c, admin, id)).status, 'uploading')
  })

  it('stages only a queued image, and only for its owner', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const alice = await c.member('alice')
    const id = await createImage(c, admin, { visibility: 'public' })
    const other = await c.call('PUT', `/image/v2/images/${id}/stage`, { token: alice.token, body: pattern(10), headers: OCTETS })
    assert.equal(other.status, 403)
    assert.equal((await c.call('PUT', `/image/v2/images/${id}/stage`, { token: admin, body: pattern(10), headers: OCTETS })).status, 204)
    const twice = await c.call('PUT', `/image/v2/images/${id}/stage`, { token: admin, body: pattern(10), headers: OCTETS })
    assert.equal(twice.status, 409)
    assert.match(twice.text, /Image status transition from uploading to uploading is not allowed/)
  })
})

describe('web-download import', () => {
  it('fetches an allowed URL through the outbound port, following a redirect, and ends active', async () => {
    const bytes = pattern(20_000)
    const outbound = fakeOutbound({
      'https://images.example.org/cirros.img': { redirect: 'https://cdn.example.org/cirros.img' },
      'https://cdn.example.org/cirros.img': bytes
    })
    const c = await makeTestCloudlet({ outbound, config: { transitionDelayMs: DELAY, webDownloadAllowedHosts: ['images.example.org', '*.example.org'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const r = await c.call('POST', `/image/v2/images/${id}/import`, {
      token: admin,
      json: { method: { name: 'web-download', uri: 'https://images.example.org/cirros.img' } }
    })
    assert.equal(r.status, 202, r.text)
    assert.equal((await show(c, admin, id)).status, 'importing')
    await settle(c)
    const image = await show(c, admin, id)
    assert.equal(image.status, 'active')
    assert.equal(image.size, 20_000)
    assert.equal(image.checksum, md5(bytes))
    assert.deepEqual(outbound.requests.map(q => q.url.href), ['https://images.example.org/cirros.img', 'https://cdn.example.org/cirros.img'])
    assert.deepEqual((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })).bytes, bytes)
  })

  it('answers 400 for a URL the cloudlet does not allow, and never fetches it', async () => {
    const outbound = fakeOutbound({})
    const c = await makeTestCloudlet({ outbound, config: { webDownloadAllowedHosts: ['images.example.org', '*.example.net'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    for (const uri of ['https://evil.example.com/x.img', 'http://127.0.0.1/x.img', 'http://169.254.169.254/latest/meta-data', 'file:///etc/passwd', 'https://images.example.org:8443/x.img', 'http://10.0.0.1.example.net.evil/x', 'http://[::1]/x']) {
      const r = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, headers: { accept: 'application/json' }, json: { method: { name: 'web-download', uri } } })
      assert.equal(r.status, 400, uri)
      assert.equal(r.json().message, `URI for web-download does not pass filtering: ${uri}<br /><br />\n\n\n`)
    }
    const missing = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'web-download' } } })
    assert.equal(missing.status, 400)
    assert.match(missing.text, /does not pass filtering: None/)
    assert.equal(outbound.requests.length, 0)
    const image = await show(c, admin, id)
    assert.equal(image.status, 'queued')
    assert.equal(image.os_glance_import_task, undefined)
  })

  it('refuses a redirect to a host that is not allowed, and puts the image back to queued with the store failed', async () => {
    const outbound = fakeOutbound({ 'https://images.example.org/a.img': { redirect: 'http://192.168.1.10/a.img' } })
    const c = await makeTestCloudlet({ outbound, config: { transitionDelayMs: DELAY, webDownloadAllowedHosts: ['images.example.org'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const r = await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'web-download', uri: 'https://images.example.org/a.img' } } })
    assert.equal(r.status, 202)
    await settle(c)
    const image = await show(c, admin, id)
    assert.equal(image.status, 'queued')
    assert.equal(image.os_glance_failed_import, 'file')
    assert.equal(image.os_glance_importing_to_stores, '')
    assert.equal(image.os_glance_import_task, undefined)
    assert.equal(outbound.requests.length, 1)
  })

  it('puts the image back to queued when the download fails, and lets it be imported again', async () => {
    const bytes = pattern(3000)
    const files: Record<string, Uint8Array | { status: number }> = { 'https://images.example.org/a.img': { status: 503 } }
    const c = await makeTestCloudlet({ outbound: fakeOutbound(files), config: { transitionDelayMs: DELAY, webDownloadAllowedHosts: ['images.example.org'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const body = { method: { name: 'web-download', uri: 'https://images.example.org/a.img' } }
    assert.equal((await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: body })).status, 202)
    await settle(c)
    assert.equal((await show(c, admin, id)).status, 'queued')
    files['https://images.example.org/a.img'] = bytes
    assert.equal((await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: body })).status, 202)
    assert.equal((await show(c, admin, id)).os_glance_failed_import, '', 'a new import clears the failed store')
    await settle(c)
    const image = await show(c, admin, id)
    assert.equal(image.status, 'active')
    assert.equal(image.os_glance_failed_import, '')
  })

  it('discards the data of an import whose image was deleted meanwhile', async () => {
    const c = await makeTestCloudlet({ outbound: fakeOutbound({ 'https://images.example.org/a.img': pattern(100) }), config: { webDownloadAllowedHosts: ['images.example.org'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    await c.call('POST', `/image/v2/images/${id}/import`, { token: admin, json: { method: { name: 'web-download', uri: 'https://images.example.org/a.img' } } })
    assert.equal((await c.call('DELETE', `/image/v2/images/${id}`, { token: admin })).status, 204)
    await settle(c)
    assert.equal(c.blobs.size(`image/${id}/data`), null)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).status, 404)
  })
})

describe('image locations (Image API 2.17)', () => {
  it('adds an http location to a queued image, which becomes active and serves its data from the URL', async () => {
    const bytes = pattern(8000)
    const outbound = fakeOutbound({ 'https://store.example.org/disk.raw': bytes })
    const c = await makeTestCloudlet({ outbound, config: { transitionDelayMs: DELAY, webDownloadAllowedHosts: ['store.example.org'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const r = await c.call('POST', `/image/v2/images/${id}/locations`, {
      token: admin,
      json: { url: 'https://store.example.org/disk.raw', validation_data: { os_hash_algo: 'sha512', os_hash_value: sha512(bytes) } }
    })
    assert.equal(r.status, 202, r.text)
    await settle(c)
    const image = await show(c, admin, id)
    assert.equal(image.status, 'active')
    assert.equal(image.size, 8000)
    assert.equal(image.checksum, md5(bytes))
    assert.equal(image.stores, undefined)
    const locations = await c.call('GET', `/image/v2/images/${id}/locations`, { token: admin })
    assert.deepEqual(locations.json(), [{ url: 'https://store.example.org/disk.raw', metadata: {} }])
    const range = await c.call('GET', `/image/v2/images/${id}/file`, { token: admin, headers: { range: 'bytes=5000-5999' } })
    assert.equal(range.status, 206)
    assert.deepEqual(range.bytes, bytes.subarray(5000, 6000))
    assert.deepEqual((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })).bytes, bytes)
    const again = await c.call('POST', `/image/v2/images/${id}/locations`, { token: admin, json: { url: 'https://store.example.org/disk.raw' } })
    assert.equal(again.status, 409)
  })

  it('leaves the image queued when the data does not match validation_data', async () => {
    const c = await makeTestCloudlet({ outbound: fakeOutbound({ 'https://store.example.org/d': pattern(10) }), config: { webDownloadAllowedHosts: ['store.example.org'] } })
    const admin = await c.token()
    const id = await createImage(c, admin)
    const r = await c.call('POST', `/image/v2/images/${id}/locations`, { token: admin, json: { url: 'https://store.example.org/d', validation_data: { os_hash_algo: 'md5', os_hash_value: '0'.repeat(32) } } })
    assert.equal(r.status, 202)
    await settle(c)
    assert.equal((await show(c, admin, id)).status, 'queued')
    assert.equal((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })).status, 204)
  })

  it('checks the request, and keeps the location list from members', async () => {
    const c = await makeTestCloudlet({ config: { webDownloadAllowedHosts: ['store.example.org'] } })
    const admin = await c.token()
    const alice = await c.member('alice')
    const id = await createImage(c, admin, { visibility: 'public' })
    const badHash = await c.call('POST', `/image/v2/images/${id}/locations`, { token: admin, json: { url: 'https://store.example.org/d', validation_data: { os_hash_algo: 'sha512', os_hash_value: 'abcd' } } })
    assert.equal(badHash.status, 400)
    assert.match(badHash.text, /is not the correct size for \(sha512\) \(should be \(64\) bytes\)/)
    const noUrl = await c.call('POST', `/image/v2/images/${id}/locations`, { token: admin, json: { validation_data: {} } })
    assert.equal(noUrl.status, 400)
    assert.match(noUrl.text, /Provided object does not match schema 'location': 'url' is a required property/)
    const fileUrl = await c.call('POST', `/image/v2/images/${id}/locations`, { token: admin, json: { url: 'file:///etc/passwd' } })
    assert.equal(fileUrl.status, 403)
    const notOwner = await c.call('POST', `/image/v2/images/${id}/locations`, { token: alice.token, json: { url: 'https://store.example.org/d' } })
    assert.equal(notOwner.status, 403)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/locations`, { token: alice.token })).status, 403)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/locations`, { token: admin })).status, 200)
  })
})
