/**
 * Subnets through the API: IPv4 and IPv6 defaults (gateway, allocation pools), given pools
 * and gateways checked as Neutron checks them, overlapping CIDRs, the subnet list of the
 * network, updates, and deletion refused while ports use the subnet.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

async function setup (): Promise<{ admin: NeutronClient, networkId: string }> {
  const c = await makeTestCloudlet()
  const admin = new NeutronClient(c.call, await c.token())
  const network = await admin.network({ name: 'net1' })
  return { admin, networkId: network.id }
}

describe('/v2.0/subnets', () => {
  it('gives an IPv4 subnet the first address as gateway and the rest as its pool, and lists it on the network', async () => {
    const { admin, networkId } = await setup()
    const s = await admin.subnet(networkId, '10.1.0.0/24', { name: 'sub1' })
    assert.equal(s.gateway_ip, '10.1.0.1')
    assert.deepEqual(s.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }])
    assert.equal(s.enable_dhcp, true)
    assert.equal(s.ip_version, 4)
    assert.deepEqual((await admin.get(`/subnets/${s.id as string}`)).json().subnet, s)
    assert.deepEqual(await admin.ids(`/subnets?network_id=${networkId}&ip_version=4`), [s.id])
    const network = (await admin.get(`/networks/${networkId}`)).json().network
    assert.deepEqual(network.subnets, [s.id])
    assert.equal(network.revision_number, 2)
  })

  it('stores the network of a CIDR given with host bits, and allows no gateway', async () => {
    const { admin, networkId } = await setup()
    const s = await admin.subnet(networkId, '10.2.0.77/24', { gateway_ip: null })
    assert.equal(s.cidr, '10.2.0.0/24')
    assert.equal(s.gateway_ip, null)
    assert.deepEqual(s.allocation_pools, [{ start: '10.2.0.1', end: '10.2.0.254' }])
  })

  it('gives an IPv6 subnet ::1 as gateway and the rest of the /64, in compact form', async () => {
    const { admin, networkId } = await setup()
    const s = await admin.subnet(networkId, '2001:DB8:0:1::/64')
    assert.equal(s.cidr, '2001:db8:0:1::/64')
    assert.equal(s.gateway_ip, '2001:db8:0:1::1')
    assert.deepEqual(s.allocation_pools, [{ start: '2001:db8:0:1::2', end: '2001:db8:0:1:ffff:ffff:ffff:ffff' }])
  })

  it('checks given allocation pools: inside the CIDR, not overlapping, clear of the gateway', async () => {
    const { admin, networkId } = await setup()
    const base = { network_id: networkId, cidr: '10.3.0.0/24', ip_version: 4 }
    const cases: Array<[unknown, number, string, string]> = [
      [[{ start: '10.3.0.10', end: '10.3.1.5' }], 400, 'OutOfBoundsAllocationPool', 'The allocation pool 10.3.0.10-10.3.1.5 spans beyond the subnet cidr 10.3.0.0/24.'],
      [[{ start: '10.3.0.10', end: '10.3.0.20' }, { start: '10.3.0.15', end: '10.3.0.30' }], 409, 'OverlappingAllocationPools',
        'Found overlapping allocation pools: 10.3.0.10-10.3.0.20 10.3.0.15-10.3.0.30 for subnet 10.3.0.0/24.'],
      [[{ start: '10.3.0.1', end: '10.3.0.20' }], 409, 'GatewayConflictWithAllocationPools', 'Gateway ip 10.3.0.1 conflicts with allocation pool 10.3.0.1-10.3.0.20.'],
      [[{ start: '10.3.0.20', end: '10.3.0.10' }], 400, 'InvalidAllocationPool', "The allocation pool {'start': '10.3.0.20', 'end': '10.3.0.10'} is not valid."]
    ]
    for (const [pools, status, type, message] of cases) {
      const r = await admin.post('/subnets', { subnet: { ...base, allocation_pools: pools } })
      assert.equal(r.status, status, type)
      assert.deepEqual(r.json().NeutronError, { type, message, detail: '' })
    }
    assert.deepEqual(await admin.ids('/subnets'), [])
    const ok = await admin.subnet(networkId, '10.3.0.0/24', { allocation_pools: [{ start: '10.3.0.100', end: '10.3.0.110' }] })
    assert.deepEqual(ok.allocation_pools, [{ start: '10.3.0.100', end: '10.3.0.110' }])
  })

  it('refuses a CIDR that overlaps another subnet of the network, or of the wrong IP version', async () => {
    const { admin, networkId } = await setup()
    await admin.subnet(networkId, '10.4.0.0/16')
    const overlap = await admin.post('/subnets', { subnet: { network_id: networkId, cidr: '10.4.7.0/24', ip_version: 4 } })
    assert.equal(overlap.status, 400)
    assert.deepEqual(overlap.json().NeutronError, {
      type: 'InvalidInput',
      message: `Invalid input for operation: Requested subnet with cidr: 10.4.7.0/24 for network: ${networkId} overlaps with another subnet.`,
      detail: ''
    })
    const version = await admin.post('/subnets', { subnet: { network_id: networkId, cidr: '10.5.0.0/24', ip_version: 6 } })
    assert.equal(version.json().NeutronError.message, "Invalid input for operation: cidr '10.5.0.0/24' does not match the ip_version '6'.")
    const invalidGateway = await admin.post('/subnets', { subnet: { network_id: networkId, cidr: '10.6.0.0/24', ip_version: 4, gateway_ip: '10.6.0.255' } })
    assert.equal(invalidGateway.json().NeutronError.message, 'Invalid input for operation: Gateway is not valid on subnet.')
    const missingCidr = await admin.post('/subnets', { subnet: { network_id: networkId, ip_version: 4 } })
    assert.equal(missingCidr.json().NeutronError.message, 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.')
    const unknownNetwork = await admin.post('/subnets', { subnet: { network_id: 'a0304c3a-4f08-4c43-88af-d796509c97d2', cidr: '10.7.0.0/24', ip_version: 4 } })
    assert.equal(unknownNetwork.status, 404)
    assert.equal(unknownNetwork.json().NeutronError.type, 'NetworkNotFound')
  })

  it('updates name, gateway and pools, refusing a gateway inside the pools', async () => {
    const { admin, networkId } = await setup()
    const s = await admin.subnet(networkId, '10.8.0.0/24')
    const clash = await admin.put(`/subnets/${s.id as string}`, { subnet: { gateway_ip: '10.8.0.50' } })
    assert.equal(clash.status, 409)
    const moved = await admin.put(`/subnets/${s.id as string}`, { subnet: { name: 'renamed', allocation_pools: [{ start: '10.8.0.100', end: '10.8.0.200' }], gateway_ip: '10.8.0.50' } })
    assert.equal(moved.status, 200)
    assert.equal(moved.json().subnet.gateway_ip, '10.8.0.50')
    const readOnly = await admin.put(`/subnets/${s.id as string}`, { subnet: { cidr: '10.9.0.0/24' } })
    assert.equal(readOnly.json().NeutronError.message, 'Cannot update read-only attribute cidr')
  })

  it('refuses to delete a subnet with ports on it, then deletes it and takes it off the network', async () => {
    const { admin, networkId } = await setup()
    const s = await admin.subnet(networkId, '10.10.0.0/24')
    const port = await admin.port(networkId)
    const inUse = await admin.delete(`/subnets/${s.id as string}`)
    assert.equal(inUse.status, 409)
    assert.deepEqual(inUse.json().NeutronError, {
      type: 'SubnetInUse',
      message: `Unable to complete operation on subnet ${s.id as string}: One or more ports have an IP allocation from this subnet.`,
      detail: ''
    })
    assert.equal((await admin.delete(`/ports/${port.id as string}`)).status, 204)
    assert.equal((await admin.delete(`/subnets/${s.id as string}`)).status, 204)
    assert.deepEqual((await admin.get(`/networks/${networkId}`)).json().network.subnets, [])
  })

  it('lets members see the subnets of shared networks but not create subnets on them', async () => {
    const c = await makeTestCloudlet()
    const admin = new NeutronClient(c.call, await c.token())
    const shared = await admin.network({ name: 'public', shared: true })
    const s = await admin.subnet(shared.id, '10.11.0.0/24')
    const m = await c.member('carol')
    const carol = new NeutronClient(c.call, m.token)
    assert.deepEqual(await carol.ids('/subnets'), [s.id])
    const refused = await carol.post('/subnets', { subnet: { network_id: shared.id, cidr: '10.12.0.0/24', ip_version: 4 } })
    assert.equal(refused.status, 403)
    assert.equal(refused.json().NeutronError.message, 'rule:create_subnet is disallowed by policy')
  })
})
