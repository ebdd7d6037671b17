/**
 * ComputeNetworking, the in-process Neutron API the emulated Nova uses: every form of the
 * server's `networks` (absent, "auto", "none", networks with and without fixed IPs, existing
 * ports), security groups by name or id, validation without side effects, all-or-nothing
 * allocation, and deallocation that deletes Nova's ports and unbinds the user's.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import type { AllocateRequest, ComputeNetworking } from './compute-networking.ts'
import {
  FixedIpInUseError, InvalidFixedIpError, NetworkAmbiguousError, NetworkNotFoundError, NetworkRequiresSubnetError, NoMoreAddressesError,
  PortInUseError, PortLimitExceededError, PortNotFoundError, SecurityGroupNotFoundError
} from './compute-networking.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

interface Fixture {
  readonly c: TestCloudlet
  readonly net: ComputeNetworking
  readonly alice: NeutronClient
  readonly auth: AuthContext
  readonly projectId: string
  request(requested: AllocateRequest['requested'], extra?: Partial<AllocateRequest>): AllocateRequest
  portCount(): number
}

async function setup (): Promise<Fixture> {
  const c = await makeTestCloudlet()
  const m = await c.member('alice')
  const auth = c.cloudlet.identity.tokens.authenticate(m.token) as AuthContext
  return {
    c,
    net: c.cloudlet.network.forCompute,
    alice: new NeutronClient(c.call, m.token),
    auth,
    projectId: m.projectId,
    request: (requested, extra = {}) => ({
      auth, projectId: m.projectId, serverId: 'server-1', host: 'cloudlet-host-1', availabilityZone: 'nova', requested, securityGroups: null, ...extra
    }),
    portCount: () => c.cloudlet.network.state.ports.size
  }
}

async function networkWithSubnet (client: NeutronClient, cidr: string, body: Record<string, unknown> = {}): Promise<string> {
  const network = await client.network(body)
  await client.subnet(network.id, cidr)
  return network.id
}

describe('ComputeNetworking.allocateForServer', () => {
  it('uses the only network when none is named, and gives no NIC when there is none', async () => {
    const f = await setup()
    assert.deepEqual(f.net.allocateForServer(f.request(null)), [])
    const networkId = await networkWithSubnet(f.alice, '10.0.0.0/24', { name: 'only' })
    const [port] = f.net.allocateForServer(f.request(null))
    assert.ok(port !== undefined)
    assert.equal(port.networkId, networkId)
    assert.equal(port.networkName, 'only')
    assert.deepEqual(port.fixedIps.map(ip => [ip.ipAddress, ip.version]), [['10.0.0.2', 4]])
    assert.equal(port.createdForServer, true)
    const shown = (await f.alice.get(`/ports/${port.id}`)).json().port
    assert.equal(shown.device_id, 'server-1')
    assert.equal(shown.device_owner, 'compute:nova')
    assert.equal(shown.status, 'ACTIVE')
  })

  it('answers NetworkAmbiguous with several networks, and "none" with no NIC', async () => {
    const f = await setup()
    await networkWithSubnet(f.alice, '10.0.0.0/24')
    await networkWithSubnet(f.alice, '10.1.0.0/24')
    assert.throws(() => f.net.allocateForServer(f.request(null)), NetworkAmbiguousError)
    assert.throws(() => f.net.allocateForServer(f.request('auto')), NetworkAmbiguousError)
    assert.deepEqual(f.net.allocateForServer(f.request('none')), [])
    assert.equal(f.portCount(), 0)
  })

  it('auto-allocates a network for "auto" when the project has none, once', async () => {
    const f = await setup()
    const [first] = f.net.allocateForServer(f.request('auto'))
    const [second] = f.net.allocateForServer(f.request('auto', { serverId: 'server-2' }))
    assert.equal(first?.networkName, 'auto_allocated_network')
    assert.equal(second?.networkId, first?.networkId)
    assert.deepEqual(second?.fixedIps.map(ip => ip.ipAddress), ['10.128.0.3'])
  })

  it('makes one NIC per requested network, with a fixed IP where asked, and binds existing ports', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/24')
    const b = await networkWithSubnet(f.alice, '10.1.0.0/24')
    const own = await f.alice.port(a, { name: 'mine' })
    const ports = f.net.allocateForServer(f.request([{ uuid: b, fixedIp: '10.1.0.50' }, { port: own.id }]))
    assert.deepEqual(ports.map(p => [p.networkId, p.fixedIps[0]?.ipAddress, p.createdForServer]), [[b, '10.1.0.50', true], [a, '10.0.0.2', false]])
    assert.deepEqual(f.net.portsOfServer('server-1').map(p => p.id).sort(), ports.map(p => p.id).sort())
    assert.deepEqual(f.net.securityGroupNamesOfServer('server-1'), ['default'])
  })

  it('names what is wrong with a request as Nova needs it', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/29')
    const bare = (await f.alice.network({ name: 'bare' })).id as string
    const used = await f.alice.port(a, { device_id: 'other-server' })
    const missing = 'a0304c3a-4f08-4c43-88af-d796509c97d2'
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: missing }])), NetworkNotFoundError)
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: bare }])), NetworkRequiresSubnetError)
    assert.throws(() => f.net.allocateForServer(f.request([{ port: missing }])), PortNotFoundError)
    assert.throws(() => f.net.allocateForServer(f.request([{ port: used.id }])), PortInUseError)
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a, fixedIp: 'ten' }])), InvalidFixedIpError)
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a, fixedIp: '192.168.0.1' }])), InvalidFixedIpError)
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a, fixedIp: used.fixed_ips[0].ip_address }])), FixedIpInUseError)
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a }], { securityGroups: ['nope'] })), SecurityGroupNotFoundError)
    f.net.allocateForServer(f.request([{ uuid: a }, { uuid: a }, { uuid: a }, { uuid: a }]))
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a }], { serverId: 'server-9' })), NoMoreAddressesError)
  })

  it('creates nothing when one NIC of several fails, leaving given ports unbound', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/24')
    const own = await f.alice.port(a)
    const before = f.portCount()
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a }, { port: own.id }, { uuid: 'a0304c3a-4f08-4c43-88af-d796509c97d2' }])), NetworkNotFoundError)
    assert.equal(f.portCount(), before)
    assert.equal((await f.alice.get(`/ports/${own.id as string}`)).json().port.device_id, '')
    assert.deepEqual(f.net.allocateForServer(f.request([{ uuid: a }]))[0]?.fixedIps[0]?.ipAddress, '10.0.0.3')
  })

  it('answers PortLimitExceeded past the port quota', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/24')
    const admin = new NeutronClient(f.c.call, await f.c.token())
    await admin.put(`/quotas/${f.projectId}`, { quota: { port: 1 } })
    assert.throws(() => f.net.allocateForServer(f.request([{ uuid: a }, { uuid: a }])), PortLimitExceededError)
    assert.equal(f.portCount(), 0)
  })

  it('applies the named security groups, by name or by id', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/24')
    const web = await f.alice.create('security-groups', 'security_group', { name: 'web' })
    const [port] = f.net.allocateForServer(f.request([{ uuid: a }], { securityGroups: [web.id, 'default'] }))
    const shown = (await f.alice.get(`/ports/${port?.id ?? ''}`)).json().port
    assert.equal(shown.security_groups.length, 2)
    assert.deepEqual(f.net.resolveSecurityGroups(f.auth, f.projectId, [web.id, 'web']), ['web', 'web'])
    assert.throws(() => f.net.resolveSecurityGroups(f.auth, f.projectId, ['db']), SecurityGroupNotFoundError)
  })
})

describe('ComputeNetworking.validateForServer and deallocateForServer', () => {
  it('validates with the same errors as allocation and leaves nothing behind', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/24')
    f.net.validateForServer(f.request([{ uuid: a, fixedIp: '10.0.0.9' }]))
    f.net.validateForServer(f.request('auto', { serverId: 'server-2' }))
    assert.throws(() => f.net.validateForServer(f.request([{ uuid: 'a0304c3a-4f08-4c43-88af-d796509c97d2' }])), NetworkNotFoundError)
    assert.equal(f.portCount(), 0)
    assert.equal(f.c.cloudlet.network.state.topologies.size, 0)
  })

  it('deletes the ports made for the server, unbinds the given ones, and can be repeated', async () => {
    const f = await setup()
    const a = await networkWithSubnet(f.alice, '10.0.0.0/24')
    const own = await f.alice.port(a)
    f.net.allocateForServer(f.request([{ uuid: a }, { port: own.id }]))
    f.net.deallocateForServer('server-1')
    f.net.deallocateForServer('server-1')
    assert.deepEqual(await f.alice.ids('/ports'), [own.id])
    const shown = (await f.alice.get(`/ports/${own.id as string}`)).json().port
    assert.deepEqual([shown.device_id, shown.device_owner, shown.status], ['', '', 'DOWN'])
    assert.deepEqual(f.net.portsOfServer('server-1'), [])
    assert.deepEqual(f.net.securityGroupNamesOfServer('server-1'), [])
  })
})
