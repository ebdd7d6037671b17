/**
 * The emulated Nova (and the Placement it schedules with) through its HTTP surface, in
 * memory, with the real emulated Keystone, Glance and Neutron beside it: discovery,
 * microversions, flavors, keypairs, the server lifecycle in virtual time, lists, actions,
 * quotas, capacity, faults, and a restart in the middle of a build.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const mvHeaders = (version: string): Record<string, string> => ({ 'openstack-api-version': `compute ${version}`, 'x-openstack-nova-api-version': version })

/** A public, active image with a few bytes of data, made through Glance. */
async function makeImage (c: TestCloudlet, token: string, name = 'cirros'): Promise<string> {
  const created = await c.call('POST', '/image/v2/images', { token, json: { name, disk_format: 'raw', container_format: 'bare', visibility: 'public' } })
  assert.equal(created.status, 201, created.text)
  const id = created.json().id as string
  const upload = await c.call('PUT', `/image/v2/images/${id}/file`, { token, body: new Uint8Array(1024).fill(7), headers: { 'content-type': 'application/octet-stream' } })
  assert.equal(upload.status, 204, upload.text)
  return id
}

async function makeNetwork (c: TestCloudlet, token: string, name = 'net1', cidr = '10.1.0.0/24'): Promise<string> {
  const network = await c.call('POST', '/networking/v2.0/networks', { token, json: { network: { name } } })
  assert.equal(network.status, 201, network.text)
  const id = network.json().network.id as string
  const subnet = await c.call('POST', '/networking/v2.0/subnets', { token, json: { subnet: { network_id: id, cidr, ip_version: 4 } } })
  assert.equal(subnet.status, 201, subnet.text)
  return id
}

interface World {
  readonly c: TestCloudlet
  readonly admin: string
  readonly image: string
  readonly network: string
}

async function world (config: Parameters<typeof makeTestCloudlet>[0] = {}): Promise<World> {
  const c = await makeTestCloudlet({ ...config, config: { transitionDelayMs: 1000, ...config.config } })
  const admin = await c.token()
  return { c, admin, image: await makeImage(c, admin), network: await makeNetwork(c, admin) }
}

async function createServer (w: World, token: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return await w.c.call('POST', '/compute/v2.1/servers', {
    token,
    headers,
    json: { server: { name: 'vm1', imageRef: w.image, flavorRef: '1', networks: [{ uuid: w.network }], ...extra } }
  })
}

async function show (w: World, id: string, token = w.admin, headers: Record<string, string> = {}) {
  return await w.c.call('GET', `/compute/v2.1/servers/${id}`, { token, headers })
}

describe('compute discovery and microversions', () => {
  it('serves the version documents without a token', async () => {
    const c = await makeTestCloudlet()
    const root = await c.call('GET', '/compute/')
    assert.equal(root.status, 200)
    assert.deepEqual(root.json().versions.map((v: { id: string }) => v.id), ['v2.0', 'v2.1'])
    const v21 = await c.call('GET', '/compute/v2.1')
    assert.equal(v21.status, 200)
    assert.equal(v21.json().version.version, '2.79')
    assert.equal(v21.json().version.min_version, '2.1')
    assert.equal(v21.json().version.links[0].href, 'http://cloudlet.test/compute/v2.1/')
  })

  it('echoes both version headers and Vary, defaulting to 2.1 and resolving latest', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const plain = await c.call('GET', '/compute/v2.1/flavors', { token: admin })
    assert.equal(plain.headers['openstack-api-version'], 'compute 2.1')
    assert.equal(plain.headers['x-openstack-nova-api-version'], '2.1')
    assert.equal(plain.headers.vary, 'OpenStack-API-Version, X-OpenStack-Nova-API-Version')
    const latest = await c.call('GET', '/compute/v2.1/flavors', { token: admin, headers: { 'openstack-api-version': 'compute latest' } })
    assert.equal(latest.headers['openstack-api-version'], 'compute 2.79')
    const legacy = await c.call('GET', '/compute/v2.1/flavors', { token: admin, headers: { 'x-openstack-nova-api-version': '2.10' } })
    assert.equal(legacy.headers['x-openstack-nova-api-version'], '2.10')
  })

  it('answers 406 outside the range and 400 for a malformed version, with the version headers', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const high = await c.call('GET', '/compute/v2.1/flavors', { token: admin, headers: mvHeaders('2.200') })
    assert.equal(high.status, 406)
    assert.deepEqual(high.json(), { computeFault: { code: 406, message: 'Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.79.' } })
    assert.equal(high.headers.vary, 'OpenStack-API-Version, X-OpenStack-Nova-API-Version')
    const bad = await c.call('GET', '/compute/v2.1/flavors', { token: admin, headers: mvHeaders('two') })
    assert.equal(bad.status, 400)
    assert.equal(bad.json().badRequest.code, 400)
  })

  it('answers an unknown URL and a wrong method with the router’s bare 404', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const unknown = await c.call('GET', '/compute/v2.1/no-such-thing', { token: admin })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.text, '404 Not Found\n\nThe resource could not be found.\n\n   ')
    const json = await c.call('PUT', '/compute/v2.1/servers', { token: admin, headers: { accept: 'application/json' } })
    assert.equal(json.status, 404)
    assert.equal(json.json().title, 'Not Found')
  })

  it('answers 401 as keystonemiddleware without a valid token', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('GET', '/compute/v2.1/servers', { token: 'nope' })
    assert.equal(r.status, 401)
    assert.deepEqual(r.json(), { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } })
    assert.equal(r.headers['www-authenticate'], 'Keystone uri="http://cloudlet.test/identity"')
    assert.equal((await c.call('GET', '/compute/v2.1/no-such-thing')).status, 401, 'keystonemiddleware runs before the router')
  })
})

describe('flavors', () => {
  it('starts with the devstack flavors, sorted by flavorid', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('GET', '/compute/v2.1/flavors/detail', { token: admin })
    assert.deepEqual(r.json().flavors.map((f: { name: string }) => f.name), ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge'])
    assert.equal(r.json().flavors[0].swap, '')
    const at275 = await c.call('GET', '/compute/v2.1/flavors/1', { token: admin, headers: mvHeaders('2.75') })
    assert.equal(at275.json().flavor.swap, 0)
    assert.deepEqual(at275.json().flavor.extra_specs, {})
  })

  it('lets an admin create a flavor with a given id, and refuses a duplicate and a member', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const body = { flavor: { name: 'c1.big', id: 'c1-big', ram: 1024, vcpus: 2, disk: 10 } }
    const created = await c.call('POST', '/compute/v2.1/flavors', { token: admin, json: body })
    assert.equal(created.status, 200)
    assert.equal(created.json().flavor.id, 'c1-big')
    assert.equal((await c.call('POST', '/compute/v2.1/flavors', { token: admin, json: body })).status, 409)
    const m = await c.member('alice')
    const denied = await c.call('POST', '/compute/v2.1/flavors', { token: m.token, json: { flavor: { ...body.flavor, id: 'x', name: 'x' } } })
    assert.equal(denied.status, 403)
    assert.match(denied.json().forbidden.message, /os_compute_api:os-flavor-manage:create/)
  })

  it('keeps extra specs and shows them inline from 2.61', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    assert.equal((await c.call('POST', '/compute/v2.1/flavors/1/os-extra_specs', { token: admin, json: { extra_specs: { 'hw:cpu_policy': 'shared' } } })).status, 200)
    const r = await c.call('GET', '/compute/v2.1/flavors/1', { token: admin, headers: mvHeaders('2.61') })
    assert.deepEqual(r.json().flavor.extra_specs, { 'hw:cpu_policy': 'shared' })
    assert.equal((await c.call('GET', '/compute/v2.1/flavors/m1.tiny', { token: admin })).status, 404)
  })
})

describe('keypairs', () => {
  it('generates a key at 2.10 and returns the private key once', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('POST', '/compute/v2.1/os-keypairs', { token: admin, headers: mvHeaders('2.10'), json: { keypair: { name: 'k1' } } })
    assert.equal(r.status, 201)
    const k = r.json().keypair
    assert.match(k.private_key, /^-----BEGIN RSA PRIVATE KEY-----/)
    assert.match(k.public_key, /^ssh-rsa AAAA[^ ]+ Generated-by-Nova$/)
    assert.match(k.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/)
    const shown = await c.call('GET', '/compute/v2.1/os-keypairs/k1', { token: admin, headers: mvHeaders('2.10') })
    assert.equal(shown.json().keypair.private_key, undefined)
    assert.equal(shown.json().keypair.fingerprint, k.fingerprint)
  })

  it('imports a public key, lists it wrapped, refuses a duplicate and bad key data', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const generated = (await c.call('POST', '/compute/v2.1/os-keypairs', { token: admin, json: { keypair: { name: 'gen' } } })).json().keypair
    const imported = await c.call('POST', '/compute/v2.1/os-keypairs', { token: admin, json: { keypair: { name: 'k2', public_key: generated.public_key } } })
    assert.equal(imported.status, 200, 'below 2.2 a keypair create answers 200')
    assert.equal(imported.json().keypair.fingerprint, generated.fingerprint)
    assert.equal((await c.call('POST', '/compute/v2.1/os-keypairs', { token: admin, json: { keypair: { name: 'k2', public_key: generated.public_key } } })).status, 409)
    const bad = await c.call('POST', '/compute/v2.1/os-keypairs', { token: admin, json: { keypair: { name: 'k3', public_key: 'ssh-rsa notbase64!!' } } })
    assert.equal(bad.status, 400)
    assert.equal(bad.json().badRequest.message, 'Keypair data is invalid: failed to generate fingerprint')
    const list = await c.call('GET', '/compute/v2.1/os-keypairs', { token: admin })
    assert.deepEqual(list.json().keypairs.map((k: { keypair: { name: string } }) => k.keypair.name), ['gen', 'k2'])
    assert.equal((await c.call('DELETE', '/compute/v2.1/os-keypairs/k2', { token: admin })).status, 202)
    assert.equal((await c.call('DELETE', '/compute/v2.1/os-keypairs/gen', { token: admin, headers: mvHeaders('2.2') })).status, 204)
  })
})

describe('server lifecycle', () => {
  it('builds a server from BUILD through its task states to ACTIVE with an address on the network', async () => {
    const w = await world()
    const created = await createServer(w, w.admin)
    assert.equal(created.status, 202)
    const id = created.json().server.id as string
    assert.equal(created.headers.location, `http://cloudlet.test/compute/v2.1/servers/${id}`)
    assert.match(created.json().server.adminPass, /^[2-9A-Za-z]{12}$/)
    const first = (await show(w, id)).json().server
    assert.equal(first.status, 'BUILD')
    assert.equal(first['OS-EXT-STS:task_state'], 'scheduling')
    w.c.clock.advanceBy(300)
    assert.equal((await show(w, id)).json().server['OS-EXT-STS:task_state'], 'networking')
    w.c.clock.advanceBy(300)
    assert.equal((await show(w, id)).json().server['OS-EXT-STS:task_state'], 'spawning')
    w.c.clock.advanceBy(400)
    const active = (await show(w, id)).json().server
    assert.equal(active.status, 'ACTIVE')
    assert.equal(active['OS-EXT-STS:power_state'], 1)
    assert.match(active['OS-SRV-USG:launched_at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    const addresses = active.addresses.net1
    assert.equal(addresses.length, 1)
    assert.equal(addresses[0].version, 4)
    assert.match(addresses[0].addr, /^10\.1\.0\.\d+$/)
    assert.match(addresses[0]['OS-EXT-IPS-MAC:mac_addr'], /^fa:16:3e(:[0-9a-f]{2}){3}$/)
    assert.equal(active.flavor.id, '1')
    assert.equal(active.image.id, w.image)
    assert.match(active.hostId, /^[0-9a-f]{56}$/)
    assert.equal(active['OS-EXT-SRV-ATTR:host'], 'cloudlet-host-1')
  })

  it('deletes a server: 204, deleting, then 404, and changes-since still lists it as DELETED', async () => {
    const w = await world()
    const id = (await createServer(w, w.admin)).json().server.id as string
    w.c.clock.advanceBy(1000)
    assert.equal((await w.c.call('DELETE', `/compute/v2.1/servers/${id}`, { token: w.admin })).status, 204)
    const deleting = (await show(w, id)).json().server
    assert.equal(deleting.status, 'ACTIVE')
    assert.equal(deleting['OS-EXT-STS:task_state'], 'deleting')
    w.c.clock.advanceBy(1000)
    const gone = await show(w, id)
    assert.equal(gone.status, 404)
    assert.deepEqual(gone.json(), { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } })
    const since = await w.c.call('GET', '/compute/v2.1/servers/detail?changes-since=2020-01-01T00:00:00Z', { token: w.admin })
    assert.equal(since.json().servers[0].status, 'DELETED')
    const ports = await w.c.call('GET', `/networking/v2.0/ports?device_id=${id}`, { token: w.admin })
    assert.equal(ports.json().ports.length, 0, 'the port made for the server is deleted with it')
  })

  it('puts a server that fits no host in ERROR with "No valid host was found"', async () => {
    const w = await world({ config: { hosts: { count: 1, vcpus: 2, ramMb: 4096, diskGb: 100 } } })
    const id = (await createServer(w, w.admin, { flavorRef: '5' })).json().server.id as string
    w.c.clock.advanceBy(1000)
    const server = (await show(w, id)).json().server
    assert.equal(server.status, 'ERROR')
    assert.equal(server.fault.code, 500)
    assert.match(server.fault.message, /^No valid host was found/)
    const usages = await w.c.call('GET', '/placement/usages?project_id=' + server.tenant_id, { token: w.admin, headers: { 'openstack-api-version': 'placement 1.9' } })
    assert.deepEqual(usages.json().usages, {})
  })

  it('fills hosts up to their capacity, spreading by free RAM', async () => {
    const w = await world({ config: { hosts: { count: 2, vcpus: 1, ramMb: 1536, diskGb: 10 }, allocationRatios: { vcpu: 1, ramMb: 1, diskGb: 1 }, reserved: { ramMb: 512, diskGb: 0 } } })
    const hosts: string[] = []
    for (let i = 0; i < 3; i++) {
      const id = (await createServer(w, w.admin, { name: `s${i}` })).json().server.id as string
      w.c.clock.advanceBy(1000)
      const s = (await show(w, id)).json().server
      hosts.push(s.status === 'ACTIVE' ? s['OS-EXT-SRV-ATTR:host'] : s.status)
    }
    assert.deepEqual(hosts, ['cloudlet-host-1', 'cloudlet-host-2', 'ERROR'])
    const stats = (await w.c.call('GET', '/compute/v2.1/os-hypervisors/statistics', { token: w.admin })).json().hypervisor_statistics
    assert.equal(stats.count, 2)
    assert.equal(stats.vcpus_used, 2)
    assert.equal(stats.running_vms, 2)
  })

  it('boots on a port the user made, and leaves it, unbound, when the server goes', async () => {
    const w = await world()
    const port = (await w.c.call('POST', '/networking/v2.0/ports', { token: w.admin, json: { port: { network_id: w.network, name: 'mine' } } })).json().port
    const id = (await createServer(w, w.admin, { networks: [{ port: port.id }] })).json().server.id as string
    w.c.clock.advanceBy(1000)
    const server = (await show(w, id)).json().server
    assert.deepEqual(server.addresses.net1.map((a: { addr: string }) => a.addr), [port.fixed_ips[0].ip_address])
    const bound = (await w.c.call('GET', `/networking/v2.0/ports/${port.id}`, { token: w.admin })).json().port
    assert.equal(bound.device_id, id)
    assert.equal(bound['binding:host_id'], 'cloudlet-host-1')
    const again = await createServer(w, w.admin, { name: 'vm2', networks: [{ port: port.id }] })
    assert.equal(again.status, 409)
    assert.equal(again.json().conflictingRequest.message, `Port ${port.id} is still in use.`)
    await w.c.call('DELETE', `/compute/v2.1/servers/${id}`, { token: w.admin })
    w.c.clock.advanceBy(1000)
    const kept = await w.c.call('GET', `/networking/v2.0/ports/${port.id}`, { token: w.admin })
    assert.equal(kept.status, 200)
    assert.equal(kept.json().port.device_id, '')
  })

  it('takes "auto" (2.37) to the one network there is, refuses it when several are, and boots with "none"', async () => {
    const w = await world()
    const v237 = mvHeaders('2.37')
    const one = await createServer(w, w.admin, { networks: 'auto' }, v237)
    assert.equal(one.status, 202)
    w.c.clock.advanceBy(1000)
    assert.deepEqual(Object.keys((await show(w, one.json().server.id)).json().server.addresses), ['net1'])
    await makeNetwork(w.c, w.admin, 'net2', '10.2.0.0/24')
    const ambiguous = await createServer(w, w.admin, { networks: 'auto' }, v237)
    assert.equal(ambiguous.status, 409)
    assert.equal(ambiguous.json().conflictingRequest.message, 'Multiple possible networks found, use a Network ID to be more specific.')
    const none = await createServer(w, w.admin, { networks: 'none' }, v237)
    w.c.clock.advanceBy(1000)
    const bare = (await show(w, none.json().server.id)).json().server
    assert.deepEqual(bare.addresses, {})
    assert.equal(bare.security_groups, undefined)
  })

  it('creates min_count..max_count servers with numbered names and one reservation', async () => {
    const w = await world()
    const r = await createServer(w, w.admin, { name: 'multi', min_count: 2, max_count: 3, return_reservation_id: true })
    assert.equal(r.status, 202)
    const reservation = r.json().reservation_id as string
    const list = await w.c.call('GET', `/compute/v2.1/servers?reservation_id=${reservation}`, { token: w.admin })
    assert.deepEqual(list.json().servers.map((s: { name: string }) => s.name).sort(), ['multi-1', 'multi-2', 'multi-3'])
  })

  it('finishes a build that was under way when the cloudlet restarted', async () => {
    const w = await world()
    const id = (await createServer(w, w.admin)).json().server.id as string
    const again = await makeTestCloudlet({ store: w.c.store, blobs: w.c.blobs, clock: w.c.clock, config: { transitionDelayMs: 1000 } })
    w.c.clock.advanceBy(1000)
    assert.equal((await again.call('GET', `/compute/v2.1/servers/${id}`, { token: w.admin })).json().server.status, 'ACTIVE')
  })
})

describe('server create faults', () => {
  it('answers 400 for unknown flavor, image, network, keypair and availability zone, creating nothing', async () => {
    const w = await world()
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ flavorRef: '99' }, /^Flavor 99 could not be found\.$/],
      [{ imageRef: '00000000-0000-4000-8000-000000000000' }, /^Image 00000000-0000-4000-8000-000000000000 could not be found\.$/],
      [{ networks: [{ uuid: '00000000-0000-4000-8000-000000000001' }] }, /^Network 00000000-0000-4000-8000-000000000001 could not be found\.$/],
      [{ key_name: 'nope' }, /^Invalid key_name provided\.$/],
      [{ availability_zone: 'elsewhere' }, /^The requested availability zone is not available$/]
    ]
    for (const [extra, message] of cases) {
      const r = await createServer(w, w.admin, extra)
      assert.equal(r.status, 400, `${JSON.stringify(extra)}: ${r.text}`)
      assert.match(r.json().badRequest.message, message)
    }
    assert.equal((await w.c.call('GET', '/compute/v2.1/servers', { token: w.admin })).json().servers.length, 0)
  })

  it('answers 400 for malformed JSON, unknown fields, missing and mistyped fields; 413 for a huge body', async () => {
    const w = await world()
    const malformed = await w.c.call('POST', '/compute/v2.1/servers', { token: w.admin, body: '{"server": ', headers: { 'content-type': 'application/json' } })
    assert.deepEqual(malformed.json(), { badRequest: { code: 400, message: 'Malformed request body' } })
    const unknown = await createServer(w, w.admin, { colour: 'blue' })
    assert.match(unknown.json().badRequest.message, /Additional properties are not allowed \('colour' was unexpected\)/)
    const missing = await w.c.call('POST', '/compute/v2.1/servers', { token: w.admin, json: { server: { flavorRef: '1' } } })
    assert.match(missing.json().badRequest.message, /'name' is a required property/)
    const mistyped = await createServer(w, w.admin, { name: 42 })
    assert.match(mistyped.json().badRequest.message, /^Invalid input for field\/attribute name\. Value: 42\. 42 is not of type 'string'$/)
    const huge = await createServer(w, w.admin, { metadata: { big: 'x'.repeat(255) }, user_data: 'A'.repeat(120_000) })
    assert.equal(huge.status, 413)
    const needsNetworks = await w.c.call('POST', '/compute/v2.1/servers', { token: w.admin, headers: mvHeaders('2.37'), json: { server: { name: 'x', imageRef: w.image, flavorRef: '1' } } })
    assert.match(needsNetworks.json().badRequest.message, /'networks' is a required property/)
    assert.equal((await w.c.call('GET', '/compute/v2.1/servers', { token: w.admin })).json().servers.length, 0)
  })

  it('enforces the instances quota with Nova’s message', async () => {
    const w = await world()
    const m = await w.c.member('quota')
    const project = m.projectId
    assert.equal((await w.c.call('PUT', `/compute/v2.1/os-quota-sets/${project}`, { token: w.admin, json: { quota_set: { instances: 2 } } })).status, 200)
    const net = await makeNetwork(w.c, m.token, 'qnet', '10.9.0.0/24')
    for (let i = 0; i < 2; i++) assert.equal((await createServer(w, m.token, { networks: [{ uuid: net }] })).status, 202)
    const third = await createServer(w, m.token, { networks: [{ uuid: net }] })
    assert.equal(third.status, 403)
    assert.equal(third.json().forbidden.message, 'Quota exceeded for instances: Requested 1, but already used 2 of 2 instances')
    const detail = (await w.c.call('GET', `/compute/v2.1/os-quota-sets/${project}/detail`, { token: m.token })).json().quota_set
    assert.deepEqual(detail.instances, { limit: 2, in_use: 2, reserved: 0 })
    const limits = (await w.c.call('GET', '/compute/v2.1/limits', { token: m.token })).json().limits.absolute
    assert.equal(limits.totalInstancesUsed, 2)
    assert.equal(limits.maxTotalInstances, 2)
  })
})

describe('server lists', () => {
  it('filters by name as a regex and by status, and pages with limit, marker and next links', async () => {
    const w = await world({ config: { transitionDelayMs: 0 } })
    for (const name of ['web-1', 'web-2', 'web-10', 'db-1']) {
      await createServer(w, w.admin, { name })
      w.c.clock.advanceBy(1000)
    }
    const byName = await w.c.call('GET', '/compute/v2.1/servers?name=web-1', { token: w.admin })
    assert.deepEqual(byName.json().servers.map((s: { name: string }) => s.name).sort(), ['web-1', 'web-10'])
    const active = await w.c.call('GET', '/compute/v2.1/servers/detail?status=ACTIVE', { token: w.admin })
    assert.equal(active.json().servers.length, 4)
    const names: string[] = []
    let url = '/compute/v2.1/servers/detail?limit=3'
    for (;;) {
      const page = await w.c.call('GET', url, { token: w.admin })
      names.push(...page.json().servers.map((s: { name: string }) => s.name))
      const next = page.json().servers_links?.[0]?.href as string | undefined
      if (next === undefined) break
      url = next.replace('http://cloudlet.test', '')
    }
    assert.deepEqual(names, ['db-1', 'web-10', 'web-2', 'web-1'], 'newest first')
    const badMarker = await w.c.call('GET', '/compute/v2.1/servers?marker=nope', { token: w.admin })
    assert.deepEqual(badMarker.json(), { badRequest: { code: 400, message: 'marker [nope] not found' } })
    const sorted = await w.c.call('GET', '/compute/v2.1/servers/detail?sort_key=display_name&sort_dir=asc', { token: w.admin })
    assert.deepEqual(sorted.json().servers.map((s: { name: string }) => s.name), ['db-1', 'web-1', 'web-10', 'web-2'])
  })

  it('shows members only their project, and lets only admins use all_tenants', async () => {
    const w = await world()
    const adminServer = (await createServer(w, w.admin)).json().server.id as string
    const m = await w.c.member('bob')
    assert.equal((await w.c.call('GET', '/compute/v2.1/servers', { token: m.token })).json().servers.length, 0)
    assert.equal((await show(w, adminServer, m.token)).status, 404)
    assert.equal((await w.c.call('GET', '/compute/v2.1/servers?all_tenants=True', { token: m.token })).status, 403)
    const net = await makeNetwork(w.c, m.token, 'bobnet', '10.2.0.0/24')
    await createServer(w, m.token, { networks: [{ uuid: net }] })
    assert.equal((await w.c.call('GET', '/compute/v2.1/servers', { token: w.admin })).json().servers.length, 1)
    assert.equal((await w.c.call('GET', '/compute/v2.1/servers?all_tenants=1', { token: w.admin })).json().servers.length, 2)
  })
})

describe('server actions', () => {
  it('stops, refuses to stop again, starts, and hard-reboots through the right statuses', async () => {
    const w = await world()
    const id = (await createServer(w, w.admin)).json().server.id as string
    w.c.clock.advanceBy(1000)
    const act = async (body: unknown) => await w.c.call('POST', `/compute/v2.1/servers/${id}/action`, { token: w.admin, json: body })
    assert.equal((await act({ 'os-stop': null })).status, 202)
    assert.equal((await show(w, id)).json().server['OS-EXT-STS:task_state'], 'powering-off')
    w.c.clock.advanceBy(1000)
    const stopped = (await show(w, id)).json().server
    assert.equal(stopped.status, 'SHUTOFF')
    assert.equal(stopped['OS-EXT-STS:power_state'], 4)
    const again = await act({ 'os-stop': null })
    assert.equal(again.status, 409)
    assert.equal(again.json().conflictingRequest.message, `Cannot 'stop' instance ${id} while it is in vm_state stopped`)
    assert.equal((await act({ 'os-start': null })).status, 202)
    w.c.clock.advanceBy(1000)
    assert.equal((await show(w, id)).json().server.status, 'ACTIVE')
    assert.equal((await act({ reboot: { type: 'HARD' } })).status, 202)
    assert.equal((await show(w, id)).json().server.status, 'HARD_REBOOT')
    w.c.clock.advanceBy(1000)
    assert.equal((await show(w, id)).json().server.status, 'ACTIVE')
    assert.equal((await act({ fly: {} })).json().badRequest.message, 'There is no such action: fly')
    assert.equal((await act({ resize: { flavorRef: '2' } })).status, 501)
    const actions = await w.c.call('GET', `/compute/v2.1/servers/${id}/os-instance-actions`, { token: w.admin })
    assert.deepEqual(actions.json().instanceActions.map((a: { action: string }) => a.action).sort(), ['create', 'reboot', 'start', 'stop'])
  })

  it('snapshots a server into an image that becomes active (createImage at 2.45)', async () => {
    const w = await world()
    const id = (await createServer(w, w.admin)).json().server.id as string
    w.c.clock.advanceBy(1000)
    const r = await w.c.call('POST', `/compute/v2.1/servers/${id}/action`, { token: w.admin, headers: mvHeaders('2.45'), json: { createImage: { name: 'snap1' } } })
    assert.equal(r.status, 202)
    const imageId = r.json().image_id as string
    assert.equal((await show(w, id)).json().server['OS-EXT-STS:task_state'], 'image_snapshot')
    w.c.clock.advanceBy(1000)
    await show(w, id)
    await new Promise(resolve => setImmediate(resolve))
    w.c.clock.advanceBy(1)
    const image = await w.c.call('GET', `/image/v2/images/${imageId}`, { token: w.admin })
    assert.equal(image.json().name, 'snap1')
    assert.equal(image.json().status, 'active')
    assert.equal((await show(w, id)).json().server['OS-EXT-STS:task_state'], null)
  })
})

describe('placement and hosts', () => {
  it('reports one resource provider per host, with inventories and usages that follow servers', async () => {
    const w = await world({ config: { hosts: { count: 2, vcpus: 8, ramMb: 16_384, diskGb: 200 } } })
    const p = { 'openstack-api-version': 'placement 1.29' }
    const rps = (await w.c.call('GET', '/placement/resource_providers', { token: w.admin, headers: p })).json().resource_providers
    assert.deepEqual(rps.map((rp: { name: string }) => rp.name), ['cloudlet-host-1', 'cloudlet-host-2'])
    const inventories = (await w.c.call('GET', `/placement/resource_providers/${rps[0].uuid}/inventories`, { token: w.admin, headers: p })).json().inventories
    assert.deepEqual(inventories.VCPU, { total: 8, reserved: 0, min_unit: 1, max_unit: 8, step_size: 1, allocation_ratio: 4 })
    assert.equal(inventories.MEMORY_MB.reserved, 512)
    await createServer(w, w.admin, { flavorRef: '2' })
    const usages = (await w.c.call('GET', `/placement/resource_providers/${rps[0].uuid}/usages`, { token: w.admin, headers: p })).json().usages
    assert.deepEqual(usages, { VCPU: 1, MEMORY_MB: 2048, DISK_GB: 20 })
    const missing = await w.c.call('GET', '/placement/resource_providers/nope', { token: w.admin, headers: p })
    assert.equal(missing.status, 404)
    assert.equal(missing.json().errors[0].code, 'placement.undefined_code')
  })

  it('lists the availability zone, and its hosts for admins', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const zones = (await c.call('GET', '/compute/v2.1/os-availability-zone', { token: admin })).json().availabilityZoneInfo
    assert.deepEqual(zones, [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }])
    const detail = (await c.call('GET', '/compute/v2.1/os-availability-zone/detail', { token: admin })).json().availabilityZoneInfo
    assert.deepEqual(Object.keys(detail[1].hosts), ['cloudlet-host-1', 'cloudlet-host-2'])
  })
})
