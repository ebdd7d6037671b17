/**
 * Smoke test of a real OpenStack cloudlet (issue 8): `scripts/real-cloudlet start 0` brings up
 * Debian's Keystone, Nova (fake virt driver), Placement, Glance and Neutron on loopback, and the
 * real `openstack` CLI then gets a token, lists the catalog, boots a server on the seeded
 * flavor, image and network until ACTIVE, lists it and deletes it. Slow (about 1–2 minutes to
 * start on 2 busy cores, plus the package installation on a fresh machine), so it is only in
 * the `real` suite: `npm run test:real`. Every step has an upper time bound.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { installRealCloudletPackages, startRealCloudlet } from './real-cloudlet-fixture.ts'
import type { RealCloudlet } from './real-cloudlet-fixture.ts'

const MINUTE = 60_000

describe('real cloudlet: the openstack CLI against real Keystone, Nova, Glance, Neutron, Placement', () => {
  let cloud: RealCloudlet
  let serverId = ''

  before(async () => {
    const installStarted = Date.now()
    await installRealCloudletPackages(20 * MINUTE)
    const installMs = Date.now() - installStarted
    cloud = await startRealCloudlet({ startTimeoutMs: 15 * MINUTE })
    console.log(`# real cloudlet ${cloud.description.index}: install check ${installMs} ms, ` +
      (cloud.startedHere ? `start ${cloud.startMs} ms` : 'already running'))
  }, { timeout: 36 * MINUTE })

  after(async () => { if (cloud !== undefined) await cloud.stop() }, { timeout: 3 * MINUTE })

  it('issues a token for the admin project', async () => {
    const token = await cloud.openstackJson<{ id: string, project_id: string, user_id: string, expires: string }>(['token', 'issue'])
    assert.ok(token.id.length > 100, 'a fernet token')
    assert.match(token.project_id, /^[0-9a-f]{32}$/)
    assert.match(token.user_id, /^[0-9a-f]{32}$/)
  })

  it('lists the catalog: identity, compute, placement, image and network in RegionOne on loopback', async () => {
    const catalog = await cloud.openstackJson<Array<{ Type: string, Endpoints: Array<{ region: string, interface: string, url: string }> }>>(['catalog', 'list'])
    assert.deepEqual(catalog.map(s => s.Type).sort(), ['compute', 'identity', 'image', 'network', 'placement'])
    for (const service of catalog) {
      for (const endpoint of service.Endpoints) {
        assert.equal(endpoint.region, 'RegionOne')
        assert.ok(endpoint.url.startsWith('http://127.0.0.1:'), endpoint.url)
      }
    }
    const compute = catalog.find(s => s.Type === 'compute')
    assert.ok(compute?.Endpoints.some(e => e.interface === 'public' && e.url === cloud.description.endpoints.compute))
  })

  it('boots a server on the seeded flavor, image and network until ACTIVE', { timeout: 6 * MINUTE }, async () => {
    const { seed } = cloud.description
    const server = await cloud.openstackJson<{ id: string, status: string, name: string, addresses: unknown, 'OS-EXT-SRV-ATTR:host'?: string }>([
      'server', 'create', '--flavor', seed.flavor, '--image', seed.image.name, '--network', seed.network.name, '--wait', 'smoke-1'
    ], { timeoutMs: 5 * MINUTE })
    serverId = server.id
    assert.equal(server.name, 'smoke-1')
    assert.equal(server.status, 'ACTIVE')
    assert.equal(server['OS-EXT-SRV-ATTR:host'], cloud.description.compute_host)
    assert.match(JSON.stringify(server.addresses), /10\.0\.0\.\d+/, 'an address on the seeded subnet')
    const ports = await cloud.openstackJson<Array<{ ID: string, Status: string }>>(['port', 'list', '--server', serverId])
    assert.equal(ports.length, 1)
    assert.equal(ports[0]?.Status, 'ACTIVE', 'bound by the cloudlet_fake mechanism driver')
  })

  it('lists the server', async () => {
    assert.ok(serverId !== '', 'the boot test ran first')
    const servers = await cloud.openstackJson<Array<{ ID: string, Name: string, Status: string, Image: string, Flavor: string }>>(['server', 'list'])
    const listed = servers.find(s => s.ID === serverId)
    assert.ok(listed !== undefined)
    assert.equal(listed.Name, 'smoke-1')
    assert.equal(listed.Status, 'ACTIVE')
    assert.equal(listed.Image, cloud.description.seed.image.name)
    assert.equal(listed.Flavor, cloud.description.seed.flavor)
  })

  it('deletes the server and waits until it is gone', { timeout: 4 * MINUTE }, async () => {
    assert.ok(serverId !== '', 'the boot test ran first')
    await cloud.openstack(['server', 'delete', '--wait', serverId], { timeoutMs: 3 * MINUTE })
    const servers = await cloud.openstackJson<Array<{ ID: string }>>(['server', 'list'])
    assert.equal(servers.some(s => s.ID === serverId), false)
  })
})
