/**
 * What the emulated Nova gets from the emulated Glance (ComputeImages): visibility-checked
 * lookups and lists, deletion with Glance's checks, and server snapshots that go queued →
 * saving → active in virtual time with the source image's data copied.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { ImageNotAuthorizedError, ImageNotFoundError, ImageProtectedError } from './compute-images.ts'

const DELAY = 1000
const OCTETS = { 'content-type': 'application/octet-stream' }

function authOf (c: TestCloudlet, token: string): AuthContext {
  const auth = c.cloudlet.identity.tokens.authenticate(token)
  assert.ok(auth !== null)
  return auth
}

async function imageWithData (c: TestCloudlet, token: string, fields: Record<string, unknown>, bytes: Uint8Array): Promise<string> {
  const r = await c.call('POST', '/image/v2/images', { token, json: { disk_format: 'qcow2', container_format: 'bare', ...fields } })
  const id = r.json().id as string
  assert.equal((await c.call('PUT', `/image/v2/images/${id}/file`, { token, body: bytes, headers: OCTETS })).status, 204)
  return id
}

describe('ComputeImages lookups', () => {
  it('sees what the caller may see, lists in created_at desc order, and hides private images of others', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const alice = await c.member('alice')
    const images = c.cloudlet.image.forCompute
    const pub = await imageWithData(c, admin, { name: 'pub', visibility: 'public', hw_disk_bus: 'scsi', min_ram: 128 }, new Uint8Array(10))
    c.clock.advanceBy(2000)
    const priv = await imageWithData(c, admin, { name: 'priv', visibility: 'private' }, new Uint8Array(10))
    c.clock.advanceBy(2000)
    const own = await imageWithData(c, alice.token, { name: 'own' }, new Uint8Array(10))
    const summary = images.getVisible(pub, authOf(c, alice.token))
    assert.ok(summary !== null)
    assert.equal(summary.status, 'active')
    assert.equal(summary.minRamMb, 128)
    assert.equal(summary.size, 10)
    assert.equal(summary.properties.hw_disk_bus, 'scsi')
    assert.equal(images.getVisible(priv, authOf(c, alice.token)), null)
    assert.ok(images.getVisible(priv, authOf(c, admin)) !== null)
    assert.deepEqual(images.listVisible(authOf(c, alice.token)).map(i => i.id), [own, pub])
    assert.deepEqual(images.listVisible(authOf(c, admin)).map(i => i.id), [own, priv, pub])
  })

  it('deletes as the caller with Glance\'s checks', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const alice = await c.member('alice')
    const images = c.cloudlet.image.forCompute
    const pub = await imageWithData(c, admin, { visibility: 'public' }, new Uint8Array(4))
    const prot = await imageWithData(c, alice.token, { protected: true }, new Uint8Array(4))
    await assert.rejects(images.deleteAsCaller('6c1b1d8f-0a32-4b55-9ad2-f1f1d0b0b0b0', authOf(c, alice.token)), ImageNotFoundError)
    await assert.rejects(images.deleteAsCaller(pub, authOf(c, alice.token)), ImageNotAuthorizedError)
    await assert.rejects(images.deleteAsCaller(prot, authOf(c, alice.token)), ImageProtectedError)
    await images.deleteAsCaller(pub, authOf(c, admin))
    assert.equal((await c.call('GET', `/image/v2/images/${pub}`, { token: admin })).status, 404)
  })
})

describe('ComputeImages.createSnapshot', () => {
  it('creates a queued private snapshot at once, saving halfway, active after the delay with the copied data', async () => {
    const c = await makeTestCloudlet({ config: { transitionDelayMs: DELAY } })
    const admin = await c.token()
    const alice = await c.member('alice')
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251)
    const source = await imageWithData(c, admin, { name: 'base', visibility: 'public', os_distro: 'cirros' }, bytes)
    const id = c.cloudlet.image.forCompute.createSnapshot({
      name: 'snap1',
      ownerProjectId: alice.projectId,
      metadata: { user_key: 'v' },
      sourceImageId: source,
      instanceUuid: '1f0c1e9c-2a1a-4c61-9c0e-3f9a5b6b7c8d',
      minDiskGb: 1,
      minRamMb: 64
    })
    const show = async (): Promise<Record<string, any>> => (await c.call('GET', `/image/v2/images/${id}`, { token: alice.token })).json()
    const queued = await show()
    assert.equal(queued.status, 'queued')
    assert.equal(queued.visibility, 'private')
    assert.equal(queued.owner, alice.projectId)
    assert.equal(queued.image_type, 'snapshot')
    assert.equal(queued.instance_uuid, '1f0c1e9c-2a1a-4c61-9c0e-3f9a5b6b7c8d')
    assert.equal(queued.user_key, 'v')
    assert.equal(queued.os_distro, 'cirros', 'properties come from the source image')
    assert.equal(queued.min_disk, 1)
    assert.equal(queued.disk_format, 'qcow2')
    await c.cloudlet.image.idle()
    c.clock.advanceBy(DELAY / 2)
    assert.equal((await show()).status, 'saving')
    c.clock.advanceBy(DELAY / 2)
    const active = await show()
    assert.equal(active.status, 'active')
    assert.equal(active.size, bytes.byteLength)
    assert.equal(active.checksum, createHash('md5').update(bytes).digest('hex'))
    const download = await c.call('GET', `/image/v2/images/${id}/file`, { token: alice.token })
    assert.deepEqual(download.bytes, bytes)
  })

  it('kills the snapshot when the source image has no data', async () => {
    const c = await makeTestCloudlet({ config: { transitionDelayMs: DELAY } })
    const admin = await c.token()
    const empty = (await c.call('POST', '/image/v2/images', { token: admin, json: { name: 'empty', disk_format: 'raw', container_format: 'bare' } })).json().id as string
    const id = c.cloudlet.image.forCompute.createSnapshot({ name: 's', ownerProjectId: 'p', metadata: {}, sourceImageId: empty, instanceUuid: 'i', minDiskGb: 0, minRamMb: 0 })
    await c.cloudlet.image.idle()
    c.clock.advanceBy(DELAY)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().status, 'killed')
    assert.ok(!(await c.call('GET', '/image/v2/images', { token: admin })).json().images.some((i: { id: string }) => i.id === id), 'killed images are not listed')
  })

  it('makes an empty active snapshot of a volume-backed server', async () => {
    const c = await makeTestCloudlet({ config: { transitionDelayMs: DELAY } })
    const admin = await c.token()
    const id = c.cloudlet.image.forCompute.createSnapshot({ name: 'bfv', ownerProjectId: 'p', metadata: {}, sourceImageId: null, instanceUuid: 'i', minDiskGb: 0, minRamMb: 0 })
    await c.cloudlet.image.idle()
    c.clock.advanceBy(DELAY)
    const image = (await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json()
    assert.equal(image.status, 'active')
    assert.equal(image.size, 0)
  })

  it('discards the copy when the snapshot is deleted before it finishes', async () => {
    const c = await makeTestCloudlet({ config: { transitionDelayMs: DELAY } })
    const admin = await c.token()
    const source = await imageWithData(c, admin, { visibility: 'public' }, new Uint8Array(100).fill(1))
    const id = c.cloudlet.image.forCompute.createSnapshot({ name: 's', ownerProjectId: 'p', metadata: {}, sourceImageId: source, instanceUuid: 'i', minDiskGb: 0, minRamMb: 0 })
    assert.equal((await c.call('DELETE', `/image/v2/images/${id}`, { token: admin })).status, 204)
    await c.cloudlet.image.idle()
    c.clock.advanceBy(DELAY)
    await c.call('GET', '/image/v2/images', { token: admin })
    await c.cloudlet.image.idle()
    assert.equal(c.blobs.size(`image/${id}/data`), null)
  })
})

describe('restart', () => {
  it('keeps images and data on the same store, and puts an interrupted upload back to queued', async () => {
    const first = await makeTestCloudlet()
    const admin = await first.token()
    const kept = await imageWithData(first, admin, { name: 'kept' }, new Uint8Array(5).fill(2))
    const created = await first.call('POST', '/image/v2/images', { token: admin, json: { name: 'cut', disk_format: 'raw', container_format: 'bare' } })
    const cut = created.json().id as string
    let release: () => void = () => {}
    const hold = new Promise<void>(resolve => { release = resolve })
    async function * stalled (): AsyncIterable<Uint8Array> {
      yield new Uint8Array(10)
      await hold
    }
    const upload = first.call('PUT', `/image/v2/images/${cut}/file`, { token: admin, body: stalled(), headers: OCTETS })
    await new Promise(resolve => setImmediate(resolve))
    assert.equal((await first.call('GET', `/image/v2/images/${cut}`, { token: admin })).json().status, 'saving')

    const second = await makeTestCloudlet({ store: first.store, blobs: first.blobs, clock: first.clock })
    const token = await second.token()
    assert.equal((await second.call('GET', `/image/v2/images/${cut}`, { token })).json().status, 'queued')
    const again = await second.call('GET', `/image/v2/images/${kept}/file`, { token })
    assert.deepEqual(again.bytes, new Uint8Array(5).fill(2))
    release()
    await upload
  })
})
