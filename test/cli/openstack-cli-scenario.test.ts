/**
 * The foundation's acceptance scenario: the REAL `openstack` CLI (Debian's
 * python-openstackclient 6.0.0) against a freshly started emulated cloudlet on loopback, from
 * a token to a server created, listed, shown, rebooted, stopped, started and deleted,
 * asserting on what the CLI prints with -f json. Waiting for a state polls with a bound; no
 * assertion depends on timing.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import type { CliCloudlet } from '../fixtures/cli-cloudlet.ts'

describe('openstack CLI scenario against an emulated cloudlet', () => {
  let cloud: CliCloudlet
  const ids: Record<string, string> = {}
  before(async () => { cloud = await startCliCloudlet() })
  after(async () => { await cloud.stop() })

  const waitForStatus = async (server: string, status: string): Promise<Record<string, unknown>> => {
    for (let attempt = 0; attempt < 60; attempt++) {
      const shown = await cloud.openstackJson<Record<string, unknown>>(['server', 'show', server])
      if (shown.status === status) return shown
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    throw new Error(`server ${server} never reached ${status}`)
  }

  it('issues a token and lists the catalog', async () => {
    const token = await cloud.openstackJson<{ id: string, project_id: string }>(['token', 'issue'])
    assert.ok(token.id.length > 0)
    ids.project = token.project_id
    const catalog = await cloud.openstackJson<Array<{ Type: string }>>(['catalog', 'list'])
    assert.deepEqual(catalog.map(s => s.Type).sort(), ['compute', 'identity', 'image', 'network', 'placement'])
  })

  it('creates, lists and shows a flavor', async () => {
    const flavor = await cloud.openstackJson<{ id: string, name: string, ram: number, vcpus: number, disk: number }>(
      ['flavor', 'create', '--id', 'p2p.small', '--ram', '256', '--vcpus', '1', '--disk', '1', 'p2p.small'])
    assert.equal(flavor.id, 'p2p.small')
    assert.equal(flavor.ram, 256)
    const list = await cloud.openstackJson<Array<{ Name: string }>>(['flavor', 'list'])
    assert.ok(list.some(f => f.Name === 'p2p.small'))
    assert.ok(list.some(f => f.Name === 'm1.tiny'))
    const shown = await cloud.openstackJson<{ name: string, vcpus: number }>(['flavor', 'show', 'p2p.small'])
    assert.equal(shown.vcpus, 1)
  })

  it('creates a keypair and gets its private key', async () => {
    const out = await cloud.openstack(['keypair', 'create', 'k1'])
    assert.match(out, /-----BEGIN RSA PRIVATE KEY-----/)
    const list = await cloud.openstackJson<Array<{ Name: string, Fingerprint: string }>>(['keypair', 'list'])
    assert.deepEqual(list.map(k => k.Name), ['k1'])
  })

  it('creates an image from a file and saves identical bytes back', async () => {
    const file = join(cloud.dir, 'disk.img')
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff
    writeFileSync(file, bytes)
    // OSC 6.0 prints the image as the create call returned it (queued: the SDK does not fetch it
    // again after the upload, as the captured traffic shows); `image show` then has the result.
    const created = await cloud.openstackJson<{ id: string, status: string }>(
      ['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--public', 'tiny'])
    ids.image = created.id
    const image = await cloud.openstackJson<{ id: string, status: string, checksum: string, size: number }>(['image', 'show', 'tiny'])
    assert.equal(image.status, 'active')
    assert.equal(image.checksum, createHash('md5').update(bytes).digest('hex'))
    assert.equal(image.size, bytes.length)
    const saved = join(cloud.dir, 'saved.img')
    await cloud.openstack(['image', 'save', '--file', saved, 'tiny'])
    assert.ok(readFileSync(saved).equals(bytes), 'image save gives back the bytes uploaded')
    const list = await cloud.openstackJson<Array<{ ID: string, Name: string, Status: string }>>(['image', 'list'])
    assert.deepEqual(list.map(i => i.Name), ['tiny'])
    const shown = await cloud.openstackJson<{ id: string, visibility: string }>(['image', 'show', 'tiny'])
    assert.equal(shown.visibility, 'public')
  })

  it('deletes an image', async () => {
    const file = join(cloud.dir, 'other.img')
    writeFileSync(file, 'other')
    await cloud.openstack(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', 'doomed'])
    await cloud.openstack(['image', 'delete', 'doomed'])
    const list = await cloud.openstackJson<Array<{ Name: string }>>(['image', 'list'])
    assert.deepEqual(list.map(i => i.Name), ['tiny'])
  })

  it('creates a network, a subnet, a security group and a rule', async () => {
    const network = await cloud.openstackJson<{ id: string, name: string, status: string }>(['network', 'create', 'net1'])
    assert.equal(network.status, 'ACTIVE')
    ids.network = network.id
    const subnet = await cloud.openstackJson<{ cidr: string, gateway_ip: string, allocation_pools: unknown }>(
      ['subnet', 'create', '--network', 'net1', '--subnet-range', '10.1.0.0/24', 'sub1'])
    assert.equal(subnet.cidr, '10.1.0.0/24')
    assert.equal(subnet.gateway_ip, '10.1.0.1')
    const group = await cloud.openstackJson<{ id: string, name: string }>(['security', 'group', 'create', 'web'])
    assert.equal(group.name, 'web')
    const rule = await cloud.openstackJson<{ port_range_min: number, protocol: string, direction: string }>(
      ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'web'])
    assert.equal(rule.port_range_min, 22)
    assert.equal(rule.protocol, 'tcp')
    assert.equal(rule.direction, 'ingress')
  })

  it('creates a server and waits until it is ACTIVE', async () => {
    const server = await cloud.openstackJson<{ id: string, status: string, addresses: unknown, key_name: string, flavor: string }>(
      ['server', 'create', '--flavor', 'p2p.small', '--image', 'tiny', '--network', 'net1', '--key-name', 'k1', '--wait', 'vm1'],
      { timeoutMs: 180_000 })
    assert.equal(server.status, 'ACTIVE')
    assert.equal(server.key_name, 'k1')
    assert.match(JSON.stringify(server.addresses), /"net1":\["10\.1\.0\.\d+"\]/)
    ids.vm1 = server.id
    const second = await cloud.openstackJson<{ id: string }>(['server', 'create', '--flavor', 'm1.tiny', '--image', 'tiny', '--network', 'net1', 'vm2'])
    ids.vm2 = second.id
    await waitForStatus('vm2', 'ACTIVE')
  })

  it('lists servers, also page by page with --limit and --marker', async () => {
    const list = await cloud.openstackJson<Array<{ ID: string, Name: string, Status: string, Image: string, Flavor: string }>>(['server', 'list'])
    assert.deepEqual(list.map(s => s.Name), ['vm2', 'vm1'])
    assert.ok(list.every(s => s.Status === 'ACTIVE' && s.Image === 'tiny'))
    assert.deepEqual(list.map(s => s.Flavor), ['m1.tiny', 'p2p.small'])
    const first = await cloud.openstackJson<Array<{ Name: string, ID: string }>>(['server', 'list', '--limit', '1'])
    assert.deepEqual(first.map(s => s.Name), ['vm2'])
    const next = await cloud.openstackJson<Array<{ Name: string }>>(['server', 'list', '--limit', '1', '--marker', first[0]?.ID ?? ''])
    assert.deepEqual(next.map(s => s.Name), ['vm1'])
  })

  it('shows a server by name', async () => {
    const shown = await cloud.openstackJson<{ id: string, status: string, image: string, flavor: string, 'OS-EXT-AZ:availability_zone': string }>(['server', 'show', 'vm1'])
    assert.equal(shown.id, ids.vm1)
    assert.equal(shown['OS-EXT-AZ:availability_zone'], 'nova')
    assert.match(shown.image, /^tiny \(/)
  })

  it('reboots, stops and starts a server', async () => {
    await cloud.openstack(['server', 'reboot', '--hard', 'vm1'])
    await waitForStatus('vm1', 'ACTIVE')
    await cloud.openstack(['server', 'stop', 'vm1'])
    const stopped = await waitForStatus('vm1', 'SHUTOFF')
    assert.equal(stopped['OS-EXT-STS:power_state'], 4)
    await cloud.openstack(['server', 'start', 'vm1'])
    await waitForStatus('vm1', 'ACTIVE')
  })

  it('shows hypervisor statistics, quotas and limits that count the servers', async () => {
    const stats = await cloud.openstackJson<{ count: number, running_vms: number, vcpus_used: number }>(['hypervisor', 'stats', 'show'])
    assert.equal(stats.count, 2)
    assert.equal(stats.running_vms, 2)
    assert.equal(stats.vcpus_used, 2)
    const quota = await cloud.openstackJson<Record<string, unknown>>(['quota', 'show'])
    assert.equal(quota.instances, 10)
    assert.equal(quota.networks, 100)
    const limits = await cloud.openstackJson<Array<{ Name: string, Value: number }>>(['limits', 'show', '--absolute'])
    const value = (name: string): number | undefined => limits.find(l => l.Name === name)?.Value
    assert.equal(value('totalInstancesUsed'), 2)
    assert.equal(value('maxTotalInstances'), 10)
  })

  it('deletes servers and waits until they are gone', async () => {
    await cloud.openstack(['server', 'delete', '--wait', 'vm1', 'vm2'], { timeoutMs: 180_000 })
    const list = await cloud.openstackJson<unknown[]>(['server', 'list'])
    assert.deepEqual(list, [])
  })
})
