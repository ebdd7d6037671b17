/**
 * The real `openstack` CLI (python-openstackclient 6.0.0 with openstacksdk) against an
 * emulated cloudlet on loopback: network, subnet, port, security group and rule commands,
 * network quotas and availability zones, asserting on what the CLI prints with -f json.
 * The tests run in order and build on each other, as a user at a terminal would.
 *
 * The network quotas are read with `quota list --network --detail` (Neutron only, with
 * usage) and with `quota show` (which also asks Nova), and written with `quota set --networks`.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import type { CliCloudlet } from '../fixtures/cli-cloudlet.ts'

describe('openstack CLI: network', () => {
  let cloud: CliCloudlet
  before(async () => { cloud = await startCliCloudlet() })
  after(async () => { await cloud.stop() })

  it('creates, shows and lists a network', async () => {
    const net = await cloud.openstackJson<{ id: string, name: string, status: string, mtu: number, availability_zones: string[] }>(['network', 'create', 'net1'])
    assert.equal(net.name, 'net1')
    assert.equal(net.status, 'ACTIVE')
    assert.equal(net.mtu, 1442)
    const shown = await cloud.openstackJson<{ id: string, 'provider:network_type'?: string, provider_network_type?: string }>(['network', 'show', 'net1'])
    assert.equal(shown.id, net.id)
    const list = await cloud.openstackJson<Array<{ ID: string, Name: string }>>(['network', 'list'])
    assert.deepEqual(list.map(n => n.Name), ['net1'])
  })

  it('creates a subnet by network name and shows it on the network in the long list', async () => {
    const subnet = await cloud.openstackJson<{ id: string, cidr: string, gateway_ip: string, allocation_pools: unknown }>(
      ['subnet', 'create', '--network', 'net1', '--subnet-range', '10.1.0.0/24', 'sub1'])
    assert.equal(subnet.cidr, '10.1.0.0/24')
    assert.equal(subnet.gateway_ip, '10.1.0.1')
    const long = await cloud.openstackJson<Array<{ Name: string, Subnets: string[], 'Network Type': string, 'Availability Zones': string[], State: boolean }>>(['network', 'list', '--long'])
    const net1 = long.find(n => n.Name === 'net1')
    assert.ok(net1 !== undefined)
    assert.deepEqual(net1.Subnets, [subnet.id])
    assert.equal(net1['Network Type'], 'geneve')
    assert.deepEqual(net1['Availability Zones'], ['nova'])
    assert.equal(net1.State, true)
  })

  it('creates a port with the first free address of the pool', async () => {
    const port = await cloud.openstackJson<{ id: string, mac_address: string, fixed_ips: unknown, status: string }>(['port', 'create', '--network', 'net1', 'port1'])
    assert.match(port.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/)
    assert.equal(port.status, 'DOWN')
    assert.match(JSON.stringify(port.fixed_ips), /10\.1\.0\.2/)
  })

  it('creates a security group with its two egress rules and adds an ssh rule to default', async () => {
    const group = await cloud.openstackJson<{ name: string, rules: unknown }>(['security', 'group', 'create', 'web'])
    assert.equal(group.name, 'web')
    const rules = await cloud.openstackJson<Array<{ Direction: string }>>(['security', 'group', 'rule', 'list', 'web'])
    assert.deepEqual(rules.map(r => r.Direction).sort(), ['egress', 'egress'])
    const rule = await cloud.openstackJson<{ protocol: string, port_range_min: number, port_range_max: number, direction: string, remote_ip_prefix: string }>(
      ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'default'])
    assert.equal(rule.protocol, 'tcp')
    assert.equal(rule.port_range_min, 22)
    assert.equal(rule.port_range_max, 22)
    assert.equal(rule.direction, 'ingress')
    assert.equal(rule.remote_ip_prefix, '0.0.0.0/0')
  })

  it('refuses a duplicate rule with Neutron\'s message', async () => {
    await assert.rejects(
      cloud.openstack(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'default']),
      /Security group rule already exists/)
  })

  it('shows the network quota usage and changes a limit', async () => {
    const detail = await cloud.openstackJson<Array<{ Resource: string, 'In Use': number, Limit: number }>>(['quota', 'list', '--network', '--detail', '--project', 'admin'])
    const networks = detail.find(q => q.Resource === 'networks' || q.Resource === 'network')
    assert.ok(networks !== undefined, JSON.stringify(detail))
    assert.equal(networks['In Use'], 1)
    assert.equal(networks.Limit, 100)
    await cloud.openstack(['quota', 'set', '--networks', '20', 'admin'])
    const after = await cloud.openstackJson<Array<{ Resource: string, Limit: number }>>(['quota', 'list', '--network', '--detail', '--project', 'admin'])
    assert.equal(after.find(q => q.Resource === networks.Resource)?.Limit, 20)
    const shown = await cloud.openstackJson<Record<string, unknown>>(['quota', 'show'])
    assert.equal(shown.networks, 20)
    assert.equal(shown.subnets, 100)
    assert.equal(shown.ports, 500)
    assert.equal(shown['secgroup-rules'], 100)
  })

  it('lists the network availability zone', async () => {
    const zones = await cloud.openstackJson<Array<{ 'Zone Name': string, 'Zone Status': string }>>(['availability', 'zone', 'list', '--network'])
    assert.deepEqual(zones, [{ 'Zone Name': 'nova', 'Zone Status': 'available' }])
  })

  it('refuses to delete a network with a port, then deletes port and network', async () => {
    await assert.rejects(cloud.openstack(['network', 'delete', 'net1']), /NetworkInUse|ports still in use/)
    await cloud.openstack(['port', 'delete', 'port1'])
    await cloud.openstack(['network', 'delete', 'net1'])
    const list = await cloud.openstackJson<unknown[]>(['network', 'list'])
    assert.deepEqual(list, [])
    const subnets = await cloud.openstackJson<unknown[]>(['subnet', 'list'])
    assert.deepEqual(subnets, [])
  })
})
