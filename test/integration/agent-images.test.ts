/**
 * Images as one cloud's worth (issue 7 §1), 2 agents over 2 emulated cloudlets with the image
 * store of the services node, real HTTP on loopback: `image create --file` through agent 1 sends
 * the bytes to the image store and its Glance imports them; through agent 2 the image is listed
 * once, shown, and its data read back byte for byte (ranges too); servers booted with it on both
 * cloudlets find it copied into the second cloudlet's Glance with the same id and checksum, only
 * then; a server snapshot boots on the other cloudlet (exported to the image store on the way);
 * an update and a delete reach every copy.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { loginAt } from '../fixtures/agent-login.ts'
import type { Login } from '../fixtures/agent-login.ts'

const SIZE = 3 * 1024 * 1024 + 17

function bytesOf (n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 131 + (i >> 9)) & 0xff
  return out
}

const hex = (algorithm: string, bytes: Uint8Array): string => createHash(algorithm).update(bytes).digest('hex')

describe('images across cloudlets through the image store', { timeout: 240_000 }, () => {
  let cluster: RunningLocalCluster
  let urls: string[]
  let demo: Login
  const bytes = bytesOf(SIZE)

  const call = async (via: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, json: any, text: string }> => {
    const response = await fetch(`${urls[via] as string}${path}`, {
      method,
      headers: { 'x-auth-token': demo.token, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: body instanceof Uint8Array ? body : JSON.stringify(body) })
    })
    const text = await response.text()
    let json: unknown = null
    if (text.startsWith('{') || text.startsWith('[')) json = JSON.parse(text)
    return { status: response.status, json, text }
  }
  /** The image as the Glance of cloudlet i itself has it (its admin), or null. */
  const inCloudlet = async (i: number, id: string): Promise<{ status: string, checksum: string, os_hash_value: string, name: string } | null> => {
    const member = cluster.members[i]
    assert.ok(member !== undefined && member.config.cloudlet !== null)
    const admin = await loginAt(member.cloudlet.url, 'admin', member.config.cloudlet.password, 'admin')
    const response = await fetch(`${member.cloudlet.url}/image/v2/images/${id}`, { headers: { 'x-auth-token': admin.token } })
    return response.status === 200 ? await response.json() as never : null
  }

  before(async () => {
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 2, dataDir: null, adminPassword: 'secret', demoPassword: 'demo-secret', logger: silentLogger, transitionDelayMs: 50, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 } })
    await cluster.converged(30_000)
    urls = cluster.members.map(m => m.agent?.publicUrl).filter((u): u is string => u !== undefined)
    demo = await loginAt(urls[0] as string, 'demo', 'demo-secret', 'demo')
  })

  after(async () => { await cluster?.stop() })

  let imageId = ''

  it('stores the bytes of an upload through agent 1 in the image store, and the image becomes active', async () => {
    const created = await call(0, 'POST', '/image/v2/images', { name: 'disk-1', disk_format: 'raw', container_format: 'bare', visibility: 'private' })
    assert.equal(created.status, 201, created.text)
    imageId = created.json.id
    const uploaded = await call(0, 'PUT', `/image/v2/images/${imageId}/file`, bytes, { 'content-type': 'application/octet-stream' })
    assert.equal(uploaded.status, 204, uploaded.text)
    const shown = await call(0, 'GET', `/image/v2/images/${imageId}`)
    assert.equal(shown.json.status, 'active')
    assert.equal(shown.json.size, SIZE)
    assert.equal(shown.json.checksum, hex('md5', bytes))
    assert.equal(shown.json.os_hash_value, hex('sha512', bytes))
    const stored = await fetch(`${cluster.imageStore.url}/v1/blobs/${hex('sha256', bytes)}`, { method: 'HEAD' })
    assert.equal(stored.status, 200, 'the bytes are in the image store')
    assert.equal(await inCloudlet(1, imageId), null, 'not in the other cloudlet yet')
    const again = await call(0, 'PUT', `/image/v2/images/${imageId}/file`, bytes, { 'content-type': 'application/octet-stream' })
    assert.equal(again.status, 409, `an active image takes no second upload, as in Glance: ${again.text}`)
  })

  it('lists, shows and gives back the image byte for byte through agent 2', async () => {
    const listed = await call(1, 'GET', '/image/v2/images')
    assert.equal(listed.status, 200)
    assert.equal(listed.json.images.filter((i: { id: string }) => i.id === imageId).length, 1, 'listed once')
    assert.equal(listed.json.images.filter((i: { name: string }) => i.name === 'cirros').length, 1, 'the common image once too')
    assert.equal((await call(1, 'GET', `/image/v2/images/${imageId}`)).json.name, 'disk-1')
    const data = await fetch(`${urls[1] as string}/image/v2/images/${imageId}/file`, { headers: { 'x-auth-token': demo.token } })
    assert.equal(data.status, 200)
    const back = new Uint8Array(await data.arrayBuffer())
    assert.equal(hex('sha256', back), hex('sha256', bytes), 'image save gives the same bytes')
    const range = await fetch(`${urls[1] as string}/image/v2/images/${imageId}/file`, { headers: { 'x-auth-token': demo.token, range: 'bytes=1048570-1048589' } })
    assert.equal(range.status, 206)
    assert.deepEqual(new Uint8Array(await range.arrayBuffer()), bytes.subarray(1048570, 1048590))
  })

  it('copies the image into the other cloudlet when a server there boots it, with the same id and checksum', async () => {
    const agents = new Set<string>()
    for (let i = 0; i < 12 && agents.size < 2; i++) {
      const created = await call(1, 'POST', '/compute/v2.1/servers', { server: { name: `from-image-${i}`, flavorRef: '1', imageRef: imageId, networks: 'none' } }, { 'openstack-api-version': 'compute 2.37' })
      assert.equal(created.status, 202, created.text)
      const location = cluster.members[1]?.agent?.proxy.locations.get(created.json.server.id)
      if (location !== null && location !== undefined) agents.add(location.agent.id)
    }
    assert.deepEqual([...agents].sort(), ['agent-1', 'agent-2'])
    for (const i of [0, 1]) {
      const copy = await inCloudlet(i, imageId)
      assert.ok(copy !== null, `cloudlet ${i + 1} has it`)
      assert.deepEqual([copy.status, copy.name, copy.checksum, copy.os_hash_value], ['active', 'disk-1', hex('md5', bytes), hex('sha512', bytes)])
    }
    const listed = await call(0, 'GET', '/image/v2/images')
    assert.equal(listed.json.images.filter((i: { id: string }) => i.id === imageId).length, 1, 'still listed once')
  })

  it('boots a server snapshot on the other cloudlet: its bytes are exported to the image store first', async () => {
    const onFirst = [...cluster.members[0]?.cloudlet.cloudlet.compute.state.servers.values() ?? []].find(s => s.deletedAtMs === null)
    assert.ok(onFirst !== undefined, 'a server on cloudlet 1')
    let server = (await call(0, 'GET', `/compute/v2.1/servers/${onFirst.id}`)).json.server
    for (let i = 0; i < 100 && server.status !== 'ACTIVE'; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      server = (await call(0, 'GET', `/compute/v2.1/servers/${onFirst.id}`)).json.server
    }
    const snapshot = await call(1, 'POST', `/compute/v2.1/servers/${onFirst.id}/action`, { createImage: { name: 'snap-1' } }, { 'openstack-api-version': 'compute 2.45' })
    assert.equal(snapshot.status, 202, snapshot.text)
    const snapshotId = snapshot.json.image_id as string
    let shown = await call(0, 'GET', `/image/v2/images/${snapshotId}`)
    for (let i = 0; i < 100 && shown.json?.status !== 'active'; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      shown = await call(0, 'GET', `/image/v2/images/${snapshotId}`)
    }
    assert.equal(shown.json.status, 'active', shown.text)
    assert.equal(await inCloudlet(1, snapshotId), null, 'the snapshot is only in cloudlet 1')
    const agents = new Set<string>()
    for (let i = 0; i < 12 && !agents.has('agent-2'); i++) {
      const created = await call(0, 'POST', '/compute/v2.1/servers', { server: { name: `from-snap-${i}`, flavorRef: '1', imageRef: snapshotId, networks: 'none' } }, { 'openstack-api-version': 'compute 2.37' })
      assert.equal(created.status, 202, created.text)
      const location = cluster.members[0]?.agent?.proxy.locations.get(created.json.server.id)
      if (location !== null && location !== undefined) agents.add(location.agent.id)
    }
    assert.ok(agents.has('agent-2'), 'a server from the snapshot on cloudlet 2')
    const copy = await inCloudlet(1, snapshotId)
    assert.ok(copy !== null)
    assert.deepEqual([copy.status, copy.checksum], ['active', shown.json.checksum])
    const exported = await fetch(`${cluster.imageStore.url}/v1/sha512/${shown.json.os_hash_value as string}`, { method: 'HEAD' })
    assert.equal(exported.status, 200, 'the snapshot\'s bytes are in the image store')
  })

  it('makes an update and a delete on every copy', async () => {
    // Changes reach the holders the asking agent knows: wait until the gossip has told every agent of both.
    for (let attempt = 0; cluster.members.some(m => (m.agent?.overlay.footprint.agentsOf(demo.projectId).length ?? 0) < 2); attempt++) {
      assert.ok(attempt < 600, 'the footprint never showed both holders of the demo project\'s images')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const renamed = await call(1, 'PATCH', `/image/v2/images/${imageId}`, [{ op: 'replace', path: '/name', value: 'disk-renamed' }], { 'content-type': 'application/openstack-images-v2.1-json-patch' })
    assert.equal(renamed.status, 200, renamed.text)
    assert.deepEqual([(await inCloudlet(0, imageId))?.name, (await inCloudlet(1, imageId))?.name], ['disk-renamed', 'disk-renamed'])
    // Protected: the delete is refused as Glance refuses it, and no copy goes.
    const protect = await call(0, 'PATCH', `/image/v2/images/${imageId}`, [{ op: 'replace', path: '/protected', value: true }], { 'content-type': 'application/openstack-images-v2.1-json-patch' })
    assert.equal(protect.status, 200, protect.text)
    assert.equal((await call(1, 'DELETE', `/image/v2/images/${imageId}`)).status, 403)
    assert.ok((await inCloudlet(0, imageId)) !== null && (await inCloudlet(1, imageId)) !== null, 'both copies kept')
    const unprotect = await call(1, 'PATCH', `/image/v2/images/${imageId}`, [{ op: 'replace', path: '/protected', value: false }], { 'content-type': 'application/openstack-images-v2.1-json-patch' })
    assert.equal(unprotect.status, 200, unprotect.text)
    // Servers still use the image: Glance deletes it anyway, as here.
    const deleted = await call(0, 'DELETE', `/image/v2/images/${imageId}`)
    assert.equal(deleted.status, 204, deleted.text)
    assert.deepEqual([await inCloudlet(0, imageId), await inCloudlet(1, imageId)], [null, null])
    assert.equal((await call(1, 'GET', `/image/v2/images/${imageId}`)).status, 404)
  })
})
