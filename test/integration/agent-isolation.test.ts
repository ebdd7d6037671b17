/**
 * Tenant isolation through the agents beyond servers (issue 5 §4): images, networks, subnets,
 * ports, security groups, keypairs and quotas of project "admin" are invisible and untouchable
 * for a member of project "demo" through every agent — lists, list markers, shows, updates,
 * deletes, image members, quota paths with the other project's global id — while the admin sees
 * them (and the demo project's) with all_tenants/admin lists. 2 agents over 2 emulated cloudlets,
 * real HTTP on loopback. (Server isolation is in test/cli/agent-identity-cli.test.ts.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { callAgent } from '../fixtures/agent-call.ts'
import type { Answer } from '../fixtures/agent-call.ts'
import { startAgentTestCluster } from '../fixtures/agent-cluster.ts'
import type { Login } from '../fixtures/agent-login.ts'

describe('tenant isolation of images, networks, keypairs and quotas through the agents', { timeout: 180_000 }, () => {
  let cluster: RunningLocalCluster
  let urls: string[]
  let admin: Login
  let demo: Login

  const call = async (who: Login, via: number, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> =>
    await callAgent(urls[via] as string, who, method, path, { body, headers: { 'content-type': contentType, 'openstack-api-version': 'compute 2.79' } })

  before(async () => {
    ;({ cluster, urls, admin, demo } = await startAgentTestCluster())
    assert.notEqual(admin.projectId, demo.projectId)
  })

  after(async () => { await cluster?.stop() })

  it('keeps the admin project\'s private image from a member of another project', async () => {
    const created = await call(admin, 0, 'POST', '/image/v2/images', { name: 'admin-secret-image', disk_format: 'raw', container_format: 'bare', visibility: 'private' })
    assert.equal(created.status, 201, created.text)
    const id = created.json.id as string
    assert.equal(created.json.owner, admin.projectId, 'the owner is the global project id')
    for (const via of [0, 1]) {
      const list = await call(demo, via, 'GET', '/image/v2/images')
      assert.equal(list.status, 200)
      assert.ok(!list.text.includes(id) && !list.text.includes('admin-secret-image'), 'not in the member\'s list')
      const marked = await call(demo, via, 'GET', `/image/v2/images?marker=${id}`)
      // Glance refuses a marker the caller may not see with 403 ("not visible"), one it does not
      // hold with 400 (images are still per cloudlet: the other agent's Glance has none).
      assert.ok(marked.status === 403 || marked.status === 400, `another project's image is no marker (${marked.status})`)
      assert.ok(!marked.text.includes('admin-secret-image'))
      assert.equal((await call(demo, via, 'GET', `/image/v2/images/${id}`)).status, 404)
      assert.equal((await call(demo, via, 'PATCH', `/image/v2/images/${id}`, [{ op: 'replace', path: '/name', value: 'taken' }], 'application/openstack-images-v2.1-json-patch')).status, 404)
      assert.equal((await call(demo, via, 'POST', `/image/v2/images/${id}/members`, { member: demo.projectId })).status, 404)
      assert.equal((await call(demo, via, 'PUT', `/image/v2/images/${id}/tags/mine`)).status, 404)
      assert.equal((await call(demo, via, 'DELETE', `/image/v2/images/${id}`)).status, 404)
      assert.equal((await call(demo, via, 'GET', `/image/v2/images?owner=${admin.projectId}`)).text.includes(id), false, 'not even asked for by owner')
    }
    const mine = await call(admin, 0, 'GET', `/image/v2/images/${id}`)
    assert.equal(mine.status, 200)
    assert.equal(mine.json.name, 'admin-secret-image', 'untouched')
  })

  it('keeps the admin project\'s network, subnet, port and security group from a member', async () => {
    const network = await call(admin, 0, 'POST', '/network/v2.0/networks', { network: { name: 'admin-net' } })
    assert.equal(network.status, 201, network.text)
    const netId = network.json.network.id as string
    assert.equal(network.json.network.project_id, admin.projectId)
    const subnet = await call(admin, 0, 'POST', '/network/v2.0/subnets', { subnet: { network_id: netId, cidr: '10.77.0.0/24', ip_version: 4, name: 'admin-subnet' } })
    assert.equal(subnet.status, 201, subnet.text)
    const port = await call(admin, 0, 'POST', '/network/v2.0/ports', { port: { network_id: netId, name: 'admin-port' } })
    assert.equal(port.status, 201, port.text)
    const group = await call(admin, 0, 'POST', '/network/v2.0/security-groups', { security_group: { name: 'admin-sg' } })
    assert.equal(group.status, 201, group.text)
    const objects = [
      ['networks', 'network', netId, 'admin-net'],
      ['subnets', 'subnet', subnet.json.subnet.id as string, 'admin-subnet'],
      ['ports', 'port', port.json.port.id as string, 'admin-port'],
      ['security-groups', 'security_group', group.json.security_group.id as string, 'admin-sg']
    ] as const
    for (const via of [0, 1]) {
      for (const [collection, singular, id, name] of objects) {
        const list = await call(demo, via, 'GET', `/network/v2.0/${collection}`)
        assert.equal(list.status, 200)
        assert.ok(!list.text.includes(id), `${collection}: not in the member's list`)
        const byProject = await call(demo, via, 'GET', `/network/v2.0/${collection}?project_id=${admin.projectId}`)
        assert.ok(!byProject.text.includes(id), `${collection}: not when filtered by the other project`)
        const marked = await call(demo, via, 'GET', `/network/v2.0/${collection}?limit=1&marker=${id}`)
        assert.ok(marked.status === 404 && !marked.text.includes(name), `${collection}: another project's object is no marker (${marked.status})`)
        assert.equal((await call(demo, via, 'GET', `/network/v2.0/${collection}/${id}`)).status, 404, `${collection}: show`)
        assert.equal((await call(demo, via, 'PUT', `/network/v2.0/${collection}/${id}`, { [singular]: { name: 'taken' } })).status, 404, `${collection}: update`)
      }
      for (const [collection, , id] of objects.slice().reverse()) {
        assert.equal((await call(demo, via, 'DELETE', `/network/v2.0/${collection}/${id}`)).status, 404, `${collection}: delete`)
      }
      const rule = await call(demo, via, 'POST', '/network/v2.0/security-group-rules', { security_group_rule: { security_group_id: group.json.security_group.id, direction: 'ingress' } })
      assert.ok(rule.status === 404 || rule.status === 403, `no rule in another project's group (${rule.status})`)
    }
    for (const [collection, singular, id] of objects) {
      const mine = await call(admin, 0, 'GET', `/network/v2.0/${collection}/${id}`)
      assert.equal(mine.status, 200)
      assert.notEqual(mine.json[singular].name, 'taken', `${collection}: untouched`)
    }
    const everything = await call(admin, 0, 'GET', '/network/v2.0/networks')
    assert.ok(everything.text.includes(netId), 'the admin sees it')
  })

  it('keeps quotas and keypairs apart, and the member cannot widen its own quotas', async () => {
    for (const via of [0, 1]) {
      const nova = await call(demo, via, 'GET', `/compute/v2.1/os-quota-sets/${admin.projectId}`)
      assert.equal(nova.status, 403, `nova quota of another project: ${nova.status} ${nova.text}`)
      const neutron = await call(demo, via, 'GET', `/network/v2.0/quotas/${admin.projectId}`)
      assert.ok(neutron.status === 403 || neutron.status === 404, `neutron quota of another project: ${neutron.status}`)
      const raise = await call(demo, via, 'PUT', `/compute/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { instances: 1000 } })
      assert.equal(raise.status, 403, 'a member cannot set quotas')
      const usage = await call(demo, via, 'GET', `/compute/v2.1/os-simple-tenant-usage/${admin.projectId}`)
      assert.equal(usage.status, 403, `usage of another project: ${usage.status}`)
      const own = await call(demo, via, 'GET', `/compute/v2.1/os-quota-sets/${demo.projectId}`)
      assert.equal(own.status, 200, 'its own quota it may read')
      assert.equal(own.json.quota_set.id, demo.projectId, 'by its global id')
    }
    const key = await call(admin, 0, 'POST', '/compute/v2.1/os-keypairs', { keypair: { name: 'admin-key' } })
    assert.equal(key.status, 201, key.text)
    for (const via of [0, 1]) {
      assert.ok(!(await call(demo, via, 'GET', '/compute/v2.1/os-keypairs')).text.includes('admin-key'))
      assert.equal((await call(demo, via, 'GET', '/compute/v2.1/os-keypairs/admin-key')).status, 404)
      assert.equal((await call(demo, via, 'DELETE', '/compute/v2.1/os-keypairs/admin-key')).status, 404)
    }
    assert.equal((await call(admin, 0, 'GET', '/compute/v2.1/os-keypairs/admin-key')).status, 200)
  })
})
