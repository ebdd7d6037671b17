/**
 * The emulated Glance's image records through its HTTP surface, in memory: discovery, create,
 * show, PATCH, delete, tags, deactivate/reactivate, schemas and info.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const PATCH = { 'content-type': 'application/openstack-images-v2.1-json-patch' }
const OCTETS = { 'content-type': 'application/octet-stream' }

async function createImage (c: TestCloudlet, token: string, fields: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await c.call('POST', '/image/v2/images', { token, json: { name: 'img', disk_format: 'raw', container_format: 'bare', ...fields } })
  assert.equal(r.status, 201, r.text)
  return r.json()
}

async function upload (c: TestCloudlet, token: string, id: string, bytes: Uint8Array): Promise<void> {
  const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token, body: bytes, headers: OCTETS })
  assert.equal(r.status, 204, r.text)
}

describe('GET /image (version discovery)', () => {
  it('answers 300 with the Zed multistore version list and hrefs to /image/v2/, without a token', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('GET', '/image')
    assert.equal(r.status, 300)
    const versions = r.json().versions as Array<{ id: string, status: string, links: Array<{ href: string }> }>
    assert.equal(versions[0]?.id, 'v2.15')
    assert.equal(versions[0]?.status, 'CURRENT')
    assert.deepEqual(versions.map(v => v.id).slice(1, 3), ['v2.13', 'v2.12'])
    assert.ok(!versions.some(v => v.id === 'v2.14' || v.id === 'v2.16'))
    assert.equal(versions.at(-1)?.id, 'v2.0')
    for (const v of versions) assert.equal(v.links[0]?.href, 'http://cloudlet.test/image/v2/')
  })

  it('answers 200 on /versions and 300 on a path with an unknown version', async () => {
    const c = await makeTestCloudlet()
    assert.equal((await c.call('GET', '/image/versions')).status, 200)
    assert.equal((await c.call('GET', '/image/v3/images')).status, 300)
  })

  it('serves v2 under any v2.x version segment', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin)
    assert.equal((await c.call('GET', `/image/v2.9/images/${image.id as string}`, { token: admin })).status, 200)
  })
})

describe('POST /v2/images', () => {
  it('creates a queued shared image with extra properties top-level, Location and the import headers', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('POST', '/image/v2/images', {
      token: admin,
      json: { name: 'cirros', disk_format: 'qcow2', container_format: 'bare', min_ram: 64, hw_disk_bus: 'scsi', tags: ['a', 'b', 'a'] }
    })
    assert.equal(r.status, 201)
    const image = r.json()
    assert.equal(r.headers.location, `http://cloudlet.test/image/v2/images/${image.id as string}`)
    assert.equal(r.headers['openstack-image-import-methods'], 'glance-direct,web-download')
    assert.equal(r.headers['openstack-image-store-ids'], 'file')
    assert.equal(image.status, 'queued')
    assert.equal(image.visibility, 'shared')
    assert.equal(image.hw_disk_bus, 'scsi')
    assert.equal(image.min_ram, 64)
    assert.equal(image.size, null)
    assert.deepEqual(image.tags, ['a', 'b'])
    assert.equal(image.self, `/v2/images/${image.id as string}`)
    assert.equal(image.file, `/v2/images/${image.id as string}/file`)
    assert.equal(image.schema, '/v2/schemas/image')
    assert.match(image.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.equal(image.stores, undefined)
  })

  it('accepts a client-chosen id once, and answers 409 for it again', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = '0c2ad2d2-9c0b-4d1e-8a6e-6bcbd7d0a001'
    assert.equal((await createImage(c, admin, { id })).id, id)
    const again = await c.call('POST', '/image/v2/images', { token: admin, json: { id, name: 'x' } })
    assert.equal(again.status, 409)
    assert.match(again.text, /Image ID 0c2ad2d2-9c0b-4d1e-8a6e-6bcbd7d0a001 already exists!/)
  })

  it('keeps a deleted image id from being used again', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = '0c2ad2d2-9c0b-4d1e-8a6e-6bcbd7d0a002'
    await createImage(c, admin, { id })
    assert.equal((await c.call('DELETE', `/image/v2/images/${id}`, { token: admin })).status, 204)
    assert.equal((await c.call('POST', '/image/v2/images', { token: admin, json: { id } })).status, 409)
  })

  it('makes the caller\'s project the owner, and refuses another owner or public visibility to a member', async () => {
    const c = await makeTestCloudlet()
    const alice = await c.member('alice')
    assert.equal((await createImage(c, alice.token)).owner, alice.projectId)
    const other = await c.call('POST', '/image/v2/images', { token: alice.token, json: { name: 'x', owner: 'someone-else' } })
    assert.equal(other.status, 403)
    assert.match(other.text, /You are not permitted to create images owned by 'someone-else'\./)
    const pub = await c.call('POST', '/image/v2/images', { token: alice.token, json: { name: 'x', visibility: 'public' } })
    assert.equal(pub.status, 403)
    assert.match(pub.text, /You are not authorized to complete publicize_image action\./)
    const admin = await c.token()
    const list = await c.call('GET', '/image/v2/images?visibility=all', { token: admin })
    assert.equal(list.json().images.length, 1)
  })
})

describe('GET /v2/images/{id}', () => {
  it('shows an image and answers 404 for a name, as OSC\'s name lookup needs', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin, { name: 'lookup-me' })
    const shown = await c.call('GET', `/image/v2/images/${image.id as string}`, { token: admin })
    assert.equal(shown.status, 200)
    assert.deepEqual(shown.json(), image)
    const byName = await c.call('GET', '/image/v2/images/lookup-me', { token: admin })
    assert.equal(byName.status, 404)
    assert.equal(byName.text, '404 Not Found\n\nNo image found with ID lookup-me\n\n   ')
    const query = await c.call('GET', '/image/v2/images?name=lookup-me', { token: admin })
    assert.deepEqual(query.json().images.map((i: { id: string }) => i.id), [image.id])
  })
})

describe('PATCH /v2/images/{id}', () => {
  it('adds, replaces and removes properties and core attributes', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin, { os_distro: 'cirros' })
    c.clock.advanceBy(5000)
    const r = await c.call('PATCH', `/image/v2/images/${image.id as string}`, {
      token: admin,
      headers: PATCH,
      body: JSON.stringify([
        { op: 'replace', path: '/name', value: 'renamed' },
        { op: 'add', path: '/hw_disk_bus', value: 'scsi' },
        { op: 'remove', path: '/os_distro' },
        { op: 'replace', path: '/min_disk', value: 2 },
        { op: 'replace', path: '/tags', value: ['t1', 't2'] },
        { op: 'add', path: '/protected', value: true }
      ])
    })
    assert.equal(r.status, 200, r.text)
    const body = r.json()
    assert.equal(body.name, 'renamed')
    assert.equal(body.hw_disk_bus, 'scsi')
    assert.equal(body.os_distro, undefined)
    assert.equal(body.min_disk, 2)
    assert.deepEqual(body.tags, ['t1', 't2'])
    assert.equal(body.protected, true)
    assert.equal(body.updated_at, '2026-01-01T00:00:05Z')
    assert.deepEqual((await c.call('GET', `/image/v2/images/${image.id as string}`, { token: admin })).json(), body)
  })

  it('refuses read-only, reserved and unremovable attributes as Glance does, changing nothing', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin)
    const id = image.id as string
    const cases: Array<[unknown[], number, RegExp]> = [
      [[{ op: 'replace', path: '/status', value: 'active' }], 403, /Attribute 'status' is read-only\./],
      [[{ op: 'replace', path: '/id', value: 'x' }], 403, /Attribute 'id' is read-only\./],
      [[{ op: 'add', path: '/checksum', value: 'x' }], 403, /Attribute 'checksum' is read-only\./],
      [[{ op: 'add', path: '/deleted', value: 'x' }], 403, /Attribute 'deleted' is reserved\./],
      [[{ op: 'add', path: '/os_glance_import_task', value: 'x' }], 403, /Attribute 'os_glance_import_task' is reserved\./],
      [[{ op: 'remove', path: '/name' }], 403, /Property name may not be removed\./],
      [[{ op: 'remove', path: '/nope' }], 409, /Property nope does not exist\./],
      [[{ op: 'replace', path: '/nope', value: 'x' }], 409, /Property nope does not exist\./],
      [[{ op: 'add', path: '/locations/-', value: { url: 'http://x/y', metadata: {} } }], 403, /not allowed to add locations if locations are invisible/],
      [[{ op: 'add', path: '/name', value: 'ok' }, { op: 'add', path: '/min_ram', value: -1 }], 400, /Invalid value '-1' for parameter 'min_ram': Cannot be a negative value/],
      [[{ op: 'add', path: '/min_ram', value: 'lots' }], 400, /Provided object does not match schema 'image': 'lots' is not of type 'integer'/],
      [[{ op: 'add', path: '/hw_disk_bus', value: 1 }], 400, /Provided object does not match schema 'image': 1 is not of type 'string'/],
      [[{ op: 'add', path: '/visibility', value: 'everyone' }], 400, /'everyone' is not one of \['community', 'public', 'private', 'shared'\]/],
      [[{ op: 'move', path: '/name' }], 400, /Invalid operation: `move`/],
      [[{ op: 'add', path: 'name', value: 'x' }], 400, /Pointer `name` does not start with "\/"/],
      [[{ op: 'add', path: '/a/b', value: 'x' }], 400, /Invalid JSON pointer for this resource: '\/a\/b'/],
      [[{ op: 'add', path: '/x' }], 400, /Operation "add" requires a member named "value"\./],
      [[{ path: '/x', value: 'y' }], 400, /Unable to find `op` in JSON Schema change/],
      [{ op: 'add' } as unknown as unknown[], 400, /Request body must be a JSON array of operation objects\./]
    ]
    for (const [body, status, message] of cases) {
      const r = await c.call('PATCH', `/image/v2/images/${id}`, { token: admin, headers: PATCH, body: JSON.stringify(body) })
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`)
      assert.match(r.text, message, JSON.stringify(body))
    }
    assert.deepEqual((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json(), image)
  })

  it('answers 415 with Accept-Patch for any other media type', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin)
    const r = await c.call('PATCH', `/image/v2/images/${image.id as string}`, { token: admin, json: [{ op: 'replace', path: '/name', value: 'x' }] })
    assert.equal(r.status, 415)
    assert.equal(r.headers['accept-patch'], 'application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch')
    assert.equal(r.text, '415 Unsupported Media Type\n\nThe request media type application/json is not supported by this server. \n\n ')
    assert.equal((await c.call('GET', `/image/v2/images/${image.id as string}`, { token: admin })).json().name, 'img')
  })

  it('accepts the v2.0 dialect, where add fails on an attribute that exists', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin)
    const headers = { 'content-type': 'application/openstack-images-v2.0-json-patch' }
    const ok = await c.call('PATCH', `/image/v2/images/${image.id as string}`, { token: admin, headers, body: JSON.stringify([{ add: '/foo', value: 'bar' }, { replace: '/name', value: 'n2' }]) })
    assert.equal(ok.status, 200, ok.text)
    assert.equal(ok.json().foo, 'bar')
    const again = await c.call('PATCH', `/image/v2/images/${image.id as string}`, { token: admin, headers, body: JSON.stringify([{ add: '/foo', value: 'baz' }]) })
    assert.equal(again.status, 409)
  })

  it('only lets admins publicize or give an image away, and only owners change it', async () => {
    const c = await makeTestCloudlet()
    const alice = await c.member('alice')
    const bob = await c.member('bob')
    const image = await createImage(c, alice.token, { visibility: 'community' })
    const id = image.id as string
    const patch = async (token: string, ops: unknown[]) => await c.call('PATCH', `/image/v2/images/${id}`, { token, headers: PATCH, body: JSON.stringify(ops) })
    const pub = await patch(alice.token, [{ op: 'replace', path: '/visibility', value: 'public' }])
    assert.equal(pub.status, 403)
    const owner = await patch(alice.token, [{ op: 'replace', path: '/owner', value: bob.projectId }])
    assert.equal(owner.status, 403)
    assert.match(owner.text, /Owner can't be updated by non admin\./)
    const other = await patch(bob.token, [{ op: 'replace', path: '/name', value: 'mine' }])
    assert.equal(other.status, 403)
    assert.match(other.text, /You do not own this image/)
    const admin = await c.token()
    assert.equal((await patch(admin, [{ op: 'replace', path: '/visibility', value: 'public' }])).status, 200)
  })

  it('refuses to change the formats of an active image', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin)
    await upload(c, admin, image.id as string, new Uint8Array(10))
    const r = await c.call('PATCH', `/image/v2/images/${image.id as string}`, { token: admin, headers: PATCH, body: JSON.stringify([{ op: 'replace', path: '/disk_format', value: 'qcow2' }]) })
    assert.equal(r.status, 403)
    assert.match(r.text, /Attribute disk_format can be only replaced for a queued image\./)
  })
})

describe('DELETE /v2/images/{id}', () => {
  it('deletes an image and its data; a protected image is 403 until unprotected', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin, { protected: true })
    const id = image.id as string
    await upload(c, admin, id, new Uint8Array(100).fill(3))
    const refused = await c.call('DELETE', `/image/v2/images/${id}`, { token: admin })
    assert.equal(refused.status, 403)
    assert.match(refused.text, new RegExp(`Image ${id} is protected and cannot be deleted\\.`))
    await c.call('PATCH', `/image/v2/images/${id}`, { token: admin, headers: PATCH, body: JSON.stringify([{ op: 'replace', path: '/protected', value: false }]) })
    assert.equal((await c.call('DELETE', `/image/v2/images/${id}`, { token: admin })).status, 204)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).status, 404)
    await c.cloudlet.image.idle()
    assert.equal(c.blobs.size(`image/${id}/data`), null)
  })

  it('answers 403 to a project that sees but does not own the image', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const alice = await c.member('alice')
    const image = await createImage(c, admin, { visibility: 'public' })
    const r = await c.call('DELETE', `/image/v2/images/${image.id as string}`, { token: alice.token })
    assert.equal(r.status, 403)
    assert.equal((await c.call('GET', `/image/v2/images/${image.id as string}`, { token: alice.token })).status, 200)
  })
})

describe('image tags and actions', () => {
  it('adds and removes tags; removing an absent tag is 404', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = await createImage(c, admin)
    const id = image.id as string
    assert.equal((await c.call('PUT', `/image/v2/images/${id}/tags/blue`, { token: admin })).status, 204)
    assert.equal((await c.call('PUT', `/image/v2/images/${id}/tags/blue`, { token: admin })).status, 204)
    assert.equal((await c.call('PUT', `/image/v2/images/${id}/tags/green`, { token: admin })).status, 204)
    assert.deepEqual((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().tags, ['blue', 'green'])
    assert.equal((await c.call('DELETE', `/image/v2/images/${id}/tags/blue`, { token: admin })).status, 204)
    assert.deepEqual((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().tags, ['green'])
    const absent = await c.call('DELETE', `/image/v2/images/${id}/tags/blue`, { token: admin })
    assert.equal(absent.status, 404)
    assert.equal(absent.text, '404 Not Found\n\nThe resource could not be found.\n\n   ')
    const tooLong = await c.call('PUT', `/image/v2/images/${id}/tags/${'x'.repeat(256)}`, { token: admin })
    assert.equal(tooLong.status, 400)
    const unknown = await c.call('PUT', '/image/v2/images/8d3bb5a5-ad07-4e3e-9f7a-39ff7e8a1d3c/tags/x', { token: admin })
    assert.equal(unknown.status, 404)
    assert.match(unknown.text, /Image 8d3bb5a5-ad07-4e3e-9f7a-39ff7e8a1d3c not found\./)
  })

  it('deactivates an active image (data refused to non-admins) and reactivates it', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const alice = await c.member('alice')
    const image = await createImage(c, admin, { visibility: 'public' })
    const id = image.id as string
    const queued = await c.call('POST', `/image/v2/images/${id}/actions/deactivate`, { token: admin })
    assert.equal(queued.status, 403)
    assert.match(queued.text, /Not allowed to deactivate image in status 'queued'/)
    await upload(c, admin, id, new Uint8Array(8).fill(9))
    assert.equal((await c.call('POST', `/image/v2/images/${id}/actions/deactivate`, { token: admin })).status, 204)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().status, 'deactivated')
    const download = await c.call('GET', `/image/v2/images/${id}/file`, { token: alice.token })
    assert.equal(download.status, 403)
    assert.match(download.text, /The requested image has been deactivated\. Image data download is forbidden\./)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/file`, { token: admin })).status, 200)
    assert.equal((await c.call('POST', `/image/v2/images/${id}/actions/reactivate`, { token: alice.token })).status, 403)
    assert.equal((await c.call('POST', `/image/v2/images/${id}/actions/reactivate`, { token: admin })).status, 204)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: admin })).json().status, 'active')
  })
})

describe('schemas and info', () => {
  it('serves permissive image schemas and the member schemas', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const image = (await c.call('GET', '/image/v2/schemas/image', { token: admin })).json()
    assert.equal(image.name, 'image')
    assert.deepEqual(image.additionalProperties, { type: 'string' })
    assert.deepEqual(image.properties.visibility.enum, ['community', 'public', 'private', 'shared'])
    const images = (await c.call('GET', '/image/v2/schemas/images', { token: admin })).json()
    assert.equal(images.properties.images.items.name, 'image')
    assert.equal((await c.call('GET', '/image/v2/schemas/member', { token: admin })).json().name, 'member')
    assert.equal((await c.call('GET', '/image/v2/schemas/members', { token: admin })).json().name, 'members')
  })

  it('lists the import methods and the one store', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const methods = (await c.call('GET', '/image/v2/info/import', { token: admin })).json()
    assert.deepEqual(methods, { 'import-methods': { description: 'Import methods available.', type: 'array', value: ['glance-direct', 'web-download'] } })
    const stores = (await c.call('GET', '/image/v2/info/stores', { token: admin })).json().stores
    assert.equal(stores.length, 1)
    assert.equal(stores[0].id, 'file')
    assert.equal(stores[0].default, 'true')
    const alice = await c.member('alice')
    assert.equal((await c.call('GET', '/image/v2/info/stores/detail', { token: alice.token })).status, 403)
    assert.equal((await c.call('GET', '/image/v2/info/stores/detail', { token: admin })).json().stores[0].type, 'file')
  })
})
