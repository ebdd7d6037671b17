/**
 * Image visibility between projects on the emulated Glance (private, public, community,
 * shared) and image members: who sees, who lists, who may add, accept and remove.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

async function createImage (c: TestCloudlet, token: string, fields: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await c.call('POST', '/image/v2/images', { token, json: { name: 'img', disk_format: 'raw', container_format: 'bare', ...fields } })
  assert.equal(r.status, 201, r.text)
  return r.json()
}

describe('visibility between projects, and members', () => {
  it('hides private images of other projects (404), shows public ones, and lists community ones only on request', async () => {
    const c = await makeTestCloudlet()
    const alice = await c.member('alice')
    const bob = await c.member('bob')
    const priv = await createImage(c, alice.token, { name: 'a-private', visibility: 'private' })
    const comm = await createImage(c, alice.token, { name: 'a-community', visibility: 'community' })
    const admin = await c.token()
    const pub = await createImage(c, admin, { name: 'public', visibility: 'public' })
    assert.equal((await c.call('GET', `/image/v2/images/${priv.id as string}`, { token: bob.token })).status, 404)
    assert.equal((await c.call('GET', `/image/v2/images/${comm.id as string}`, { token: bob.token })).status, 200)
    const bobList = (await c.call('GET', '/image/v2/images', { token: bob.token })).json().images.map((i: { id: string }) => i.id)
    assert.deepEqual(bobList, [pub.id])
    const bobCommunity = (await c.call('GET', '/image/v2/images?visibility=community', { token: bob.token })).json().images.map((i: { id: string }) => i.id)
    assert.deepEqual(bobCommunity, [comm.id])
    const aliceList = (await c.call('GET', '/image/v2/images', { token: alice.token })).json().images.map((i: { name: string }) => i.name).sort()
    assert.deepEqual(aliceList, ['a-community', 'a-private', 'public'])
    const adminAll = (await c.call('GET', '/image/v2/images?visibility=all', { token: admin })).json().images.length
    assert.equal(adminAll, 3)
    const marker = await c.call('GET', `/image/v2/images?marker=${priv.id as string}`, { token: bob.token })
    assert.equal(marker.status, 403)
  })

  it('shares an image with a member project, which sees it at once but lists it only once accepted', async () => {
    const c = await makeTestCloudlet()
    const alice = await c.member('alice')
    const bob = await c.member('bob')
    const carol = await c.member('carol')
    const image = await createImage(c, alice.token, { name: 'shared-one' })
    const id = image.id as string
    assert.equal(image.visibility, 'shared')
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: bob.token })).status, 404)

    const added = await c.call('POST', `/image/v2/images/${id}/members`, { token: alice.token, json: { member: bob.projectId } })
    assert.equal(added.status, 200, added.text)
    assert.deepEqual(Object.keys(added.json()), ['member_id', 'image_id', 'status', 'created_at', 'updated_at', 'schema'])
    assert.equal(added.json().status, 'pending')
    assert.equal((await c.call('POST', `/image/v2/images/${id}/members`, { token: alice.token, json: { member: bob.projectId } })).status, 409)
    await c.call('POST', `/image/v2/images/${id}/members`, { token: alice.token, json: { member: carol.projectId } })

    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: bob.token })).status, 200, 'a pending member sees the image')
    const listed = async (token: string, query = ''): Promise<string[]> =>
      (await c.call('GET', `/image/v2/images${query}`, { token })).json().images.map((i: { id: string }) => i.id)
    assert.deepEqual(await listed(bob.token), [])
    assert.deepEqual(await listed(bob.token, '?member_status=pending'), [id])

    const ownerAccepting = await c.call('PUT', `/image/v2/images/${id}/members/${bob.projectId}`, { token: alice.token, json: { status: 'accepted' } })
    assert.equal(ownerAccepting.status, 403, 'the owner cannot set a member\'s status')
    const bad = await c.call('PUT', `/image/v2/images/${id}/members/${bob.projectId}`, { token: bob.token, json: { status: 'yes' } })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Incorrect request: Status must be "pending", "accepted" or "rejected"\./)
    const accepted = await c.call('PUT', `/image/v2/images/${id}/members/${bob.projectId}`, { token: bob.token, json: { status: 'accepted' } })
    assert.equal(accepted.status, 200)
    assert.equal(accepted.json().status, 'accepted')
    assert.deepEqual(await listed(bob.token), [id])
    assert.deepEqual(await listed(bob.token, '?visibility=shared'), [id])

    const aliceSees = (await c.call('GET', `/image/v2/images/${id}/members`, { token: alice.token })).json()
    assert.equal(aliceSees.members.length, 2)
    assert.equal(aliceSees.schema, '/v2/schemas/members')
    const bobSees = (await c.call('GET', `/image/v2/images/${id}/members`, { token: bob.token })).json().members
    assert.deepEqual(bobSees.map((m: { member_id: string }) => m.member_id), [bob.projectId])
    assert.equal((await c.call('GET', `/image/v2/images/${id}/members/${carol.projectId}`, { token: bob.token })).status, 404)
    assert.equal((await c.call('PUT', `/image/v2/images/${id}/members/${carol.projectId}`, { token: bob.token, json: { status: 'accepted' } })).status, 404)
    assert.equal((await c.call('DELETE', `/image/v2/images/${id}/members/${bob.projectId}`, { token: bob.token })).status, 403)

    assert.equal((await c.call('DELETE', `/image/v2/images/${id}/members/${bob.projectId}`, { token: alice.token })).status, 204)
    assert.equal((await c.call('GET', `/image/v2/images/${id}`, { token: bob.token })).status, 404)
  })

  it('refuses members on images that are not shared', async () => {
    const c = await makeTestCloudlet()
    const alice = await c.member('alice')
    const image = await createImage(c, alice.token, { visibility: 'private' })
    const id = image.id as string
    const add = await c.call('POST', `/image/v2/images/${id}/members`, { token: alice.token, json: { member: 'p2' } })
    assert.equal(add.status, 403)
    assert.match(add.text, new RegExp(`Not allowed to create members for image ${id}\\.`))
    const list = await c.call('GET', `/image/v2/images/${id}/members`, { token: alice.token })
    assert.equal(list.status, 403)
    assert.match(list.text, /Only shared images have members\./)
    assert.equal((await c.call('GET', `/image/v2/images/${id}/members/p2`, { token: alice.token })).status, 404)
    const missing = await c.call('POST', `/image/v2/images/${id}/members`, { token: alice.token, json: { nobody: 1 } })
    assert.equal(missing.status, 400)
    assert.match(missing.text, /Member to be added not specified/)
  })
})

