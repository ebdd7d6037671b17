/**
 * Ports and IPAM through the API: first free addresses, requested addresses and their
 * faults, exhaustion of a pool, IPv6 (stateful and SLAAC), MAC addresses, default security
 * groups and port security, binding, updates of fixed IPs, and networks that cannot be
 * deleted while ports remain.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

async function setup (cidr = '10.0.0.0/24', subnetBody: Record<string, unknown> = {}): Promise<{ admin: NeutronClient, networkId: string, subnetId: string }> {
  const c = await makeTestCloudlet()
  const admin = new NeutronClient(c.call, await c.token())
  const network = await admin.network({ name: 'net1' })
  const subnet = await admin.subnet(network.id, cidr, subnetBody)
  return { admin, networkId: network.id, subnetId: subnet.id }
}

const ips = (port: { fixed_ips: Array<{ ip_address: string }> }): string[] => port.fixed_ips.map(f => f.ip_address)

describe('/v2.0/ports', () => {
  it('gives ports the first free addresses, a fa:16:3e MAC and the default security group, DOWN until bound', async () => {
    const { admin, networkId, subnetId } = await setup()
    const first = await admin.port(networkId, { name: 'p1' })
    const second = await admin.port(networkId)
    assert.deepEqual(first.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.0.0.2' }])
    assert.deepEqual(ips(second), ['10.0.0.3'])
    assert.match(first.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/)
    assert.notEqual(first.mac_address, second.mac_address)
    assert.equal(first.status, 'DOWN')
    assert.equal(first['binding:vif_type'], 'unbound')
    const groups = (await admin.get('/security-groups?name=default')).json().security_groups
    assert.deepEqual(first.security_groups, [groups[0].id])
    assert.equal((await admin.delete(`/ports/${first.id as string}`)).status, 204)
    assert.deepEqual(ips(await admin.port(networkId)), ['10.0.0.2'])
  })

  it('gives a requested address, and names each way a request can be wrong', async () => {
    const { admin, networkId, subnetId } = await setup()
    const port = await admin.port(networkId, { fixed_ips: [{ ip_address: '10.0.0.50' }] })
    assert.deepEqual(port.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.0.0.50' }])
    const outsidePool = await admin.port(networkId, { fixed_ips: [{ subnet_id: subnetId, ip_address: '10.0.0.1' }] })
    assert.deepEqual(ips(outsidePool), ['10.0.0.1'])
    const cases: Array<[unknown, number, string, string]> = [
      [[{ ip_address: '10.0.0.50' }], 409, 'IpAddressAlreadyAllocated', `IP address 10.0.0.50 already allocated in subnet ${subnetId}`],
      [[{ subnet_id: subnetId, ip_address: '10.0.0.255' }], 400, 'InvalidIpForSubnet', 'IP address 10.0.0.255 is not a valid IP for the specified subnet.'],
      [[{ ip_address: '192.168.0.5' }], 400, 'InvalidIpForNetwork', 'IP address 192.168.0.5 is not a valid IP for any of the subnets on the specified network.'],
      [[{ subnet_id: 'a0304c3a-4f08-4c43-88af-d796509c97d2' }], 404, 'SubnetNotFound', 'Subnet a0304c3a-4f08-4c43-88af-d796509c97d2 could not be found.'],
      [[{}], 400, 'InvalidInput', 'Invalid input for operation: IP allocation requires subnet_id or ip_address.']
    ]
    for (const [fixedIps, status, type, message] of cases) {
      const r = await admin.post('/ports', { port: { network_id: networkId, fixed_ips: fixedIps } })
      assert.equal(r.status, status, type)
      assert.deepEqual(r.json().NeutronError, { type, message, detail: '' })
    }
    assert.equal((await admin.ids('/ports')).length, 2)
  })

  it('answers IpAddressGenerationFailure when the pool is exhausted, creating nothing', async () => {
    const { admin, networkId } = await setup('10.0.0.0/29')
    const got: string[] = []
    for (let i = 0; i < 5; i++) got.push(...ips(await admin.port(networkId)))
    assert.deepEqual(got, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'])
    const r = await admin.post('/ports', { port: { network_id: networkId } })
    assert.equal(r.status, 409)
    assert.deepEqual(r.json().NeutronError, { type: 'IpAddressGenerationFailure', message: `No more IP addresses available on network ${networkId}.`, detail: '' })
    const bulk = await admin.post('/ports', { ports: [{ network_id: networkId, fixed_ips: [] }, { network_id: networkId }] })
    assert.equal(bulk.status, 409)
    assert.equal((await admin.ids('/ports')).length, 5)
  })

  it('gives IPv6 ports stateful addresses from the pool and SLAAC addresses from the MAC', async () => {
    const { admin, networkId } = await setup('2001:db8::/64')
    assert.deepEqual(ips(await admin.port(networkId)), ['2001:db8::2'])
    const slaac = await admin.subnet(networkId, '2001:db8:1::/64', { ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' })
    const port = await admin.port(networkId, { mac_address: 'fa:16:3e:01:02:03' })
    assert.deepEqual(port.fixed_ips, [
      { subnet_id: port.fixed_ips[0].subnet_id, ip_address: '2001:db8::3' },
      { subnet_id: slaac.id, ip_address: '2001:db8:1:0:f816:3eff:fe01:203' }
    ])
    const wrongMode = await admin.post('/subnets', { subnet: { network_id: networkId, cidr: '2001:db8:2::/80', ip_version: 6, ipv6_address_mode: 'slaac' } })
    assert.equal(wrongMode.status, 400)
  })

  it('refuses a MAC already used on the network', async () => {
    const { admin, networkId } = await setup()
    await admin.port(networkId, { mac_address: 'fa:16:3e:aa:bb:cc' })
    const r = await admin.post('/ports', { port: { network_id: networkId, mac_address: 'FA:16:3E:AA:BB:CC' } })
    assert.equal(r.status, 409)
    assert.equal(r.json().NeutronError.type, 'MacAddressInUse')
  })

  it('has no security groups without port security, and refuses groups on such a port', async () => {
    const { admin, networkId } = await setup()
    const open = await admin.port(networkId, { port_security_enabled: false })
    assert.deepEqual(open.security_groups, [])
    const group = (await admin.get('/security-groups?name=default')).json().security_groups[0].id
    const bad = await admin.post('/ports', { port: { network_id: networkId, port_security_enabled: false, security_groups: [group] } })
    assert.equal(bad.status, 400)
    assert.equal(bad.json().NeutronError.type, 'PortSecurityAndIPRequiredForSecurityGroups')
    const disable = await admin.put(`/ports/${(await admin.port(networkId)).id as string}`, { port: { port_security_enabled: false } })
    assert.equal(disable.status, 409)
    assert.equal(disable.json().NeutronError.type, 'PortSecurityPortHasSecurityGroup')
  })

  it('becomes ACTIVE when bound to a host, and changes its fixed IPs on update', async () => {
    const { admin, networkId, subnetId } = await setup()
    const port = await admin.port(networkId, { device_id: 'vm-1', device_owner: 'compute:nova' })
    const bound = (await admin.put(`/ports/${port.id as string}`, { port: { 'binding:host_id': 'cloudlet-host-1' } })).json().port
    assert.equal(bound.status, 'ACTIVE')
    assert.equal(bound['binding:vif_type'], 'ovs')
    const moved = (await admin.put(`/ports/${port.id as string}`, { port: { fixed_ips: [{ subnet_id: subnetId, ip_address: '10.0.0.99' }] } })).json().port
    assert.deepEqual(ips(moved), ['10.0.0.99'])
    assert.deepEqual(ips(await admin.port(networkId)), ['10.0.0.2'])
    assert.deepEqual(await admin.ids('/ports?device_id=vm-1'), [port.id])
    assert.deepEqual(await admin.ids('/ports?fixed_ips=ip_address%3D10.0.0.99'), [port.id])
    const macChange = await admin.put(`/ports/${port.id as string}`, { port: { mac_address: 'fa:16:3e:00:00:09' } })
    assert.equal(macChange.status, 409)
    assert.equal(macChange.json().NeutronError.type, 'PortBound')
  })

  it('keeps network ports from members unless they own the network, hiding binding details', async () => {
    const c = await makeTestCloudlet()
    const admin = new NeutronClient(c.call, await c.token())
    const shared = await admin.network({ name: 'public', shared: true })
    await admin.subnet(shared.id, '10.20.0.0/24')
    const m = await c.member('dave')
    const dave = new NeutronClient(c.call, m.token)
    const port = await dave.port(shared.id)
    assert.equal('binding:host_id' in port, false)
    assert.equal(port['binding:vnic_type'], 'normal')
    const fixed = await dave.post('/ports', { port: { network_id: shared.id, fixed_ips: [{ ip_address: '10.20.0.9' }] } })
    assert.equal(fixed.status, 403)
    assert.equal(fixed.json().NeutronError.message, '(rule:create_port and rule:create_port:fixed_ips) is disallowed by policy')
    const adminView = (await admin.get(`/ports/${port.id as string}`)).json().port
    assert.equal(adminView['binding:host_id'], '')
    assert.equal(adminView.project_id, m.projectId)
  })

  it('refuses to delete a network with ports, and takes subnets and DHCP ports with it otherwise', async () => {
    const { admin, networkId, subnetId } = await setup()
    const port = await admin.port(networkId)
    const inUse = await admin.delete(`/networks/${networkId}`)
    assert.equal(inUse.status, 409)
    assert.equal(inUse.json().NeutronError.type, 'NetworkInUse')
    await admin.delete(`/ports/${port.id as string}`)
    await admin.port(networkId, { device_owner: 'network:dhcp' })
    assert.equal((await admin.delete(`/networks/${networkId}`)).status, 204)
    assert.equal((await admin.get(`/subnets/${subnetId}`)).status, 404)
    assert.deepEqual(await admin.ids('/ports'), [])
  })
})
