/**
 * Issue 7 §6 with the real `openstack` CLI: 4 agents over 4 emulated cloudlets with the image
 * store (the embedded default, in this process). `image create --file` through agent 1,
 * `keypair create` through agent 2, `flavor create` through agent 3, a network and its subnet
 * through agents 2 and 3, a security group and a rule through agents 4 and 1; servers booted
 * with all of them through agent 1 until each of the 4 cloudlets holds one; then every cloudlet
 * has each object, copied there only when its first server needed it — image and flavor with the
 * same id, the keypair with the same public key, network, subnet and group under the same ids
 * through every agent — and the servers' addresses are unique across cloudlets; lists through
 * agent 4 show each once; `image save` through agent 3 gives the bytes back; deletes through
 * agent 4 remove every copy.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { loginAt } from '../fixtures/agent-login.ts'
import { openstackCli } from '../fixtures/openstack-cli.ts'
import type { CliUser, OpenstackCli } from '../fixtures/openstack-cli.ts'

describe('global objects through 4 agents with the openstack CLI', { timeout: 900_000 }, () => {
  let cluster: RunningLocalCluster
  let dir: string
  let cli: OpenstackCli
  const bytes = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 7 + (i >> 11)) & 0xff)

  const at = (index: number): CliUser => {
    const agent = cluster.members[index - 1]?.agent
    assert.ok(agent, `agent ${index} is running`)
    return { authUrl: `${agent.publicUrl}/identity`, user: 'admin', password: 'secret', project: 'admin', region: cluster.region }
  }
  /** Which cloudlet (1-based) holds each live server. */
  const serverHolders = (): Map<string, number> => {
    const where = new Map<string, number>()
    for (const member of cluster.members) {
      for (const server of member.cloudlet.cloudlet.compute.state.servers.values()) if (server.deletedAtMs === null) where.set(server.id, member.index)
    }
    return where
  }
  /** Whether cloudlet `index`'s Glance has the image, asked as its admin. */
  const glanceHas = async (index: number, imageId: string): Promise<boolean> => {
    const member = cluster.members[index - 1]
    assert.ok(member !== undefined && member.config.cloudlet !== null)
    const admin = await loginAt(member.cloudlet.url, 'admin', member.config.cloudlet.password, 'admin')
    return (await fetch(`${member.cloudlet.url}/image/v2/images/${imageId}`, { headers: { 'x-auth-token': admin.token } })).status === 200
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2pstack-global-cli-'))
    cli = openstackCli(dir)
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 4, dataDir: join(dir, 'data'), adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 200, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 } })
    await cluster.converged(60_000)
    writeFileSync(join(dir, 'disk.raw'), bytes)
  })

  after(async () => {
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('makes image, keypair and flavor through different agents and copies each into every cloudlet a server needs it in', async () => {
    const image = await cli.json<{ id: string }>(at(1), ['image', 'create', '--file', join(dir, 'disk.raw'), '--disk-format', 'raw', '--container-format', 'bare', 'img-i'])
    // The CLI prints the image as it was before the upload; show it again, as image-cli.test.ts does.
    const shown = await cli.json<{ status: string, checksum: string }>(at(2), ['image', 'show', image.id])
    assert.equal(shown.status, 'active')
    assert.equal(shown.checksum, createHash('md5').update(bytes).digest('hex'))
    const key = await cli.json<{ name: string, fingerprint: string }>(at(2), ['keypair', 'create', '--private-key', join(dir, 'k.pem'), 'k-cli'])
    const flavor = await cli.json<{ id: string }>(at(3), ['flavor', 'create', '--ram', '128', '--vcpus', '1', '--disk', '1', 'f-cli'])
    const network = await cli.json<{ id: string }>(at(2), ['network', 'create', 'net-n'])
    const subnet = await cli.json<{ id: string }>(at(3), ['subnet', 'create', '--network', 'net-n', '--subnet-range', '10.5.0.0/24', 'sub-n'])
    const group = await cli.json<{ id: string }>(at(4), ['security', 'group', 'create', 'sg-s'])
    await cli.json(at(1), ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'sg-s'])
    const before = await Promise.all([1, 2, 3, 4].map(async i => await glanceHas(i, image.id)))
    assert.equal(before.filter(Boolean).length, 1, 'the image is in one cloudlet before any server needs it')
    const neutron = (i: number) => (cluster.members[i - 1] ?? assert.fail('no member')).cloudlet.cloudlet.network.state
    assert.equal([1, 2, 3, 4].filter(i => neutron(i).networks.filter(n => n.name === 'net-n').length > 0).length, 1, 'the network is in one cloudlet before any server needs it')
    assert.equal([1, 2, 3, 4].filter(i => neutron(i).securityGroups.filter(g => g.name === 'sg-s').length > 0).length, 1, 'so is the group')

    const servers: string[] = []
    for (let i = 0; i < 20 && new Set(servers.map(s => serverHolders().get(s))).size < 4; i++) {
      const server = await cli.json<{ id: string, status: string, key_name: string }>(at(1), ['server', 'create', '--image', 'img-i', '--flavor', 'f-cli', '--key-name', 'k-cli', '--network', 'net-n', '--security-group', 'sg-s', '--wait', `s-${i}`])
      assert.equal(server.status, 'ACTIVE')
      servers.push(server.id)
    }
    assert.equal(new Set(servers.map(s => serverHolders().get(s))).size, 4, 'a server on each of the 4 cloudlets')
    for (const member of cluster.members) {
      const state = member.cloudlet.cloudlet.compute.state
      assert.ok(await glanceHas(member.index, image.id), `cloudlet ${member.index} has the image, same id`)
      assert.equal(state.flavors.get(flavor.id)?.name, 'f-cli', `cloudlet ${member.index} has the flavor, same id`)
      assert.deepEqual(state.keypairs.filter(k => k.name === 'k-cli').map(k => k.fingerprint), [key.fingerprint], `cloudlet ${member.index} has the keypair, same key`)
      assert.equal(neutron(member.index).networks.filter(n => n.name === 'net-n').length, 1, `cloudlet ${member.index} has the network`)
      assert.equal(neutron(member.index).subnets.filter(n => n.cidr === '10.5.0.0/24').length, 1, `cloudlet ${member.index} has the subnet`)
      const copy = neutron(member.index).securityGroups.find(g => g.name === 'sg-s')
      assert.ok(copy !== undefined, `cloudlet ${member.index} has the group`)
      assert.ok(neutron(member.index).rules.filter(r => r.securityGroupId === copy.id && r.portRangeMin === 22).length > 0, `cloudlet ${member.index} has the rule`)
      const shownNetwork = await cli.json<{ id: string, subnets: string[] }>(at(member.index), ['network', 'show', 'net-n'])
      assert.equal(shownNetwork.id, network.id, `the network's id through agent ${member.index}`)
      assert.deepEqual(shownNetwork.subnets, [subnet.id])
      assert.equal((await cli.json<{ id: string }>(at(member.index), ['security', 'group', 'show', 'sg-s'])).id, group.id)
    }
    const listed = await cli.json<Array<{ ID: string, Networks: Record<string, string[]> | string }>>(at(2), ['server', 'list'])
    const addresses = listed.filter(s => servers.includes(s.ID)).flatMap(s => typeof s.Networks === 'string' ? [...s.Networks.matchAll(/10\.5\.0\.\d+/g)].map(m => m[0]) : s.Networks['net-n'] ?? [])
    assert.equal(addresses.length, servers.length, `an address for every server: ${JSON.stringify(listed)}`)
    assert.equal(new Set(addresses).size, addresses.length, `addresses unique across cloudlets: ${addresses.join(' ')}`)
    assert.deepEqual((await cli.json<Array<{ ID: string }>>(at(4), ['network', 'list'])).map(n => n.ID), [network.id])
    assert.deepEqual((await cli.json<Array<{ Name: string }>>(at(4), ['security', 'group', 'list'])).map(g => g.Name).sort(), ['default', 'sg-s'])

    const images = await cli.json<Array<{ ID: string }>>(at(4), ['image', 'list'])
    assert.equal(images.filter(i => i.ID === image.id).length, 1)
    const flavors = await cli.json<Array<{ ID: string }>>(at(4), ['flavor', 'list'])
    assert.equal(flavors.filter(f => f.ID === flavor.id).length, 1)
    const keypairs = await cli.json<Array<{ Name: string }>>(at(4), ['keypair', 'list'])
    assert.deepEqual(keypairs.map(k => k.Name), ['k-cli'])
    await cli.text(at(3), ['image', 'save', '--file', join(dir, 'back.raw'), image.id])
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'back.raw'))), bytes, 'image save gives the same bytes')

    await cli.text(at(4), ['server', 'delete', '--wait', ...servers])
    await cli.text(at(4), ['image', 'delete', image.id])
    await cli.text(at(4), ['keypair', 'delete', 'k-cli'])
    await cli.text(at(4), ['flavor', 'delete', flavor.id])
    await cli.text(at(4), ['network', 'delete', 'net-n'])
    await cli.text(at(4), ['security', 'group', 'delete', 'sg-s'])
    for (const member of cluster.members) {
      assert.equal(await glanceHas(member.index, image.id), false, `no image left in cloudlet ${member.index}`)
      assert.equal(member.cloudlet.cloudlet.compute.state.flavors.get(flavor.id), undefined)
      assert.equal(member.cloudlet.cloudlet.compute.state.keypairs.filter(k => k.name === 'k-cli').length, 0)
      assert.equal(neutron(member.index).networks.filter(n => n.name === 'net-n').length, 0, `no network left in cloudlet ${member.index}`)
      assert.equal(neutron(member.index).securityGroups.filter(g => g.name === 'sg-s').length, 0, `no group left in cloudlet ${member.index}`)
    }
  })
})
