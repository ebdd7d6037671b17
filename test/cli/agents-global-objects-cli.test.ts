/**
 * Issue 7 with the real `openstack` CLI, for the objects built so far (image, keypair, flavor):
 * 4 agents over 4 emulated cloudlets with the image store (the embedded default, in this process).
 * `image create --file` through agent 1, `keypair create` through agent 2 and `flavor create`
 * through agent 3; servers booted with all three through agent 1 until each of the 4 cloudlets
 * holds one; then every cloudlet has each object, with the same id (the keypair with the same
 * public key), copied there only when its first server needed it; lists through agent 4 show each
 * once; `image save` through agent 3 gives the bytes back; deletes through agent 4 remove every copy.
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
    const before = await Promise.all([1, 2, 3, 4].map(async i => await glanceHas(i, image.id)))
    assert.equal(before.filter(Boolean).length, 1, 'the image is in one cloudlet before any server needs it')

    const servers: string[] = []
    for (let i = 0; i < 20 && new Set(servers.map(s => serverHolders().get(s))).size < 4; i++) {
      const server = await cli.json<{ id: string, status: string, key_name: string }>(at(1), ['server', 'create', '--image', 'img-i', '--flavor', 'f-cli', '--key-name', 'k-cli', '--nic', 'none', '--os-compute-api-version', '2.37', '--wait', `s-${i}`])
      assert.equal(server.status, 'ACTIVE')
      servers.push(server.id)
    }
    assert.equal(new Set(servers.map(s => serverHolders().get(s))).size, 4, 'a server on each of the 4 cloudlets')
    for (const member of cluster.members) {
      const state = member.cloudlet.cloudlet.compute.state
      assert.ok(await glanceHas(member.index, image.id), `cloudlet ${member.index} has the image, same id`)
      assert.equal(state.flavors.get(flavor.id)?.name, 'f-cli', `cloudlet ${member.index} has the flavor, same id`)
      assert.deepEqual(state.keypairs.filter(k => k.name === 'k-cli').map(k => k.fingerprint), [key.fingerprint], `cloudlet ${member.index} has the keypair, same key`)
    }

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
    for (const member of cluster.members) {
      assert.equal(await glanceHas(member.index, image.id), false, `no image left in cloudlet ${member.index}`)
      assert.equal(member.cloudlet.cloudlet.compute.state.flavors.get(flavor.id), undefined)
      assert.equal(member.cloudlet.cloudlet.compute.state.keypairs.filter(k => k.name === 'k-cli').length, 0)
    }
  })
})
