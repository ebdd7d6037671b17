/**
 * Keypairs and flavors as one cloud's worth (issue 7 §2, §3; issue 6's lists): 2 agents over 2
 * emulated cloudlets, real HTTP on loopback. A keypair made through agent 1 is listed once and
 * shown through agent 2; servers booted with it on both cloudlets find it copied into each
 * (same name, same public key, same user); a delete through agent 2 removes every copy. A flavor
 * an admin makes through agent 1 is listed once through agent 2, copied with the same id, sizes
 * and extra specs into the other cloudlet when a server there needs it, and deleted everywhere.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_IMAGE } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { callAgent } from '../fixtures/agent-call.ts'
import type { Answer } from '../fixtures/agent-call.ts'
import { startAgentTestCluster } from '../fixtures/agent-cluster.ts'
import type { Login } from '../fixtures/agent-login.ts'

describe('keypairs and flavors across cloudlets', { timeout: 180_000 }, () => {
  let cluster: RunningLocalCluster
  let urls: string[]
  let admin: Login
  let demo: Login

  const call = async (who: Login, via: number, method: string, path: string, body?: unknown): Promise<Answer> =>
    await callAgent(urls[via] as string, who, method, `/compute/v2.1${path}`, { body, headers: { 'openstack-api-version': 'compute 2.61' } })
  const cloudletState = (i: number) => {
    const member = cluster.members[i]
    assert.ok(member !== undefined)
    return member.cloudlet.cloudlet.compute.state
  }
  /** Creates servers through `via` until one is on each cloudlet; returns their ids by agent. */
  const bootOnEveryCloudlet = async (who: Login, via: number, server: Record<string, unknown>): Promise<Map<string, string>> => {
    const byAgent = new Map<string, string>()
    for (let i = 0; i < 12 && byAgent.size < urls.length; i++) {
      const created = await call(who, via, 'POST', '/servers', { server: { name: `vm-${i}`, imageRef: DEFAULT_IMAGE.id, networks: 'none', ...server } })
      assert.equal(created.status, 202, created.text)
      const id = created.json.server.id as string
      const location = cluster.members[via]?.agent?.proxy.locations.get(id)
      if (location !== null && location !== undefined && !byAgent.has(location.agent.id)) byAgent.set(location.agent.id, id)
    }
    assert.equal(byAgent.size, urls.length, 'a server on every cloudlet')
    return byAgent
  }

  before(async () => {
    ;({ cluster, urls, admin, demo } = await startAgentTestCluster())
  })

  after(async () => { await cluster?.stop() })

  it('lists and shows a keypair everywhere, copies it where a server needs it, and deletes every copy', async () => {
    const made = await call(demo, 0, 'POST', '/os-keypairs', { keypair: { name: 'k1' } })
    assert.equal(made.status, 201, made.text)
    assert.match(made.json.keypair.private_key, /PRIVATE KEY/)
    const fingerprint = made.json.keypair.fingerprint as string
    assert.deepEqual([0, 1].map(i => cloudletState(i).keypairs.filter(k => k.name === 'k1').length), [1, 0], 'made in cloudlet 1 only')
    const listed = await call(demo, 1, 'GET', '/os-keypairs')
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.json.keypairs.map((e: { keypair: { name: string } }) => e.keypair.name), ['k1'])
    const shown = await call(demo, 1, 'GET', '/os-keypairs/k1')
    assert.equal(shown.status, 200, shown.text)
    assert.equal(shown.json.keypair.fingerprint, fingerprint)
    assert.equal(shown.json.keypair.user_id, made.json.keypair.user_id ?? shown.json.keypair.user_id)

    const servers = await bootOnEveryCloudlet(demo, 1, { flavorRef: '1', key_name: 'k1' })
    for (const [agentId, serverId] of servers) {
      const via = urls.findIndex((_, i) => cluster.members[i]?.agent?.id === agentId)
      const server = await call(demo, via, 'GET', `/servers/${serverId}`)
      assert.equal(server.json.server.key_name, 'k1')
    }
    const copies = [0, 1].map(i => cloudletState(i).keypairs.filter(k => k.name === 'k1'))
    assert.ok(copies.every(c => c.length === 1), 'one copy in each cloudlet')
    assert.equal(copies[0]?.[0]?.publicKey, copies[1]?.[0]?.publicKey, 'the same public key')
    assert.equal(copies[0]?.[0]?.fingerprint, fingerprint)
    const again = await call(demo, 0, 'GET', '/os-keypairs')
    assert.deepEqual(again.json.keypairs.map((e: { keypair: { name: string } }) => e.keypair.name), ['k1'], 'listed once')

    assert.equal((await call(demo, 1, 'DELETE', '/os-keypairs/k1')).status, 204)
    assert.deepEqual([0, 1].map(i => cloudletState(i).keypairs.filter(k => k.name === 'k1').length), [0, 0], 'no copy left')
    assert.equal((await call(demo, 0, 'GET', '/os-keypairs/k1')).status, 404)
    assert.deepEqual((await call(demo, 0, 'GET', '/os-keypairs')).json.keypairs, [])
    assert.equal((await call(demo, 0, 'DELETE', '/os-keypairs/k1')).status, 404)
    // Nobody holds it: Nova's own answer to a create that names it.
    const refused = await call(demo, 0, 'POST', '/servers', { server: { name: 'no-key', imageRef: DEFAULT_IMAGE.id, flavorRef: '1', networks: 'none', key_name: 'k1' } })
    assert.equal(refused.status, 400, refused.text)
  })

  it('lists a flavor made through one agent once everywhere, copies it with the same id, and deletes it everywhere', async () => {
    const made = await call(admin, 0, 'POST', '/flavors', { flavor: { name: 'p2p.custom', id: 'custom-1', ram: 256, vcpus: 1, disk: 1, description: 'made at agent 1' } })
    assert.equal(made.status, 200, made.text)
    assert.equal((await call(admin, 0, 'POST', '/flavors/custom-1/os-extra_specs', { extra_specs: { 'hw:cpu_policy': 'shared' } })).status, 200)
    const listed = await call(demo, 1, 'GET', '/flavors/detail')
    assert.equal(listed.status, 200)
    const names = listed.json.flavors.map((f: { name: string }) => f.name) as string[]
    assert.equal(names.filter(n => n === 'p2p.custom').length, 1, 'listed once')
    assert.equal(names.filter(n => n === 'm1.tiny').length, 1, 'the common flavors once too')
    const shown = await call(demo, 1, 'GET', '/flavors/custom-1')
    assert.equal(shown.status, 200, shown.text)
    assert.deepEqual(shown.json.flavor.extra_specs, { 'hw:cpu_policy': 'shared' })
    assert.equal(cloudletState(1).flavors.get('custom-1'), undefined, 'not copied before a server needs it')

    await bootOnEveryCloudlet(demo, 1, { flavorRef: 'custom-1' })
    for (const i of [0, 1]) {
      const copy = cloudletState(i).flavors.get('custom-1')
      assert.ok(copy !== undefined, `cloudlet ${i + 1} has it`)
      assert.deepEqual([copy.name, copy.ramMb, copy.vcpus, copy.diskGb, copy.description, copy.extraSpecs], ['p2p.custom', 256, 1, 1, 'made at agent 1', { 'hw:cpu_policy': 'shared' }])
    }
    const changed = await call(admin, 1, 'PUT', '/flavors/custom-1', { flavor: { description: 'changed at agent 2' } })
    assert.equal(changed.status, 200, changed.text)
    assert.deepEqual([0, 1].map(i => cloudletState(i).flavors.get('custom-1')?.description), ['changed at agent 2', 'changed at agent 2'])

    assert.equal((await call(admin, 1, 'DELETE', '/flavors/custom-1')).status, 202)
    assert.deepEqual([0, 1].map(i => cloudletState(i).flavors.get('custom-1')), [undefined, undefined])
    assert.equal((await call(demo, 0, 'GET', '/flavors/custom-1')).status, 404)
    assert.ok(!(await call(demo, 0, 'GET', '/flavors')).text.includes('p2p.custom'))
  })
})
