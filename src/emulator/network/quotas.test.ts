/**
 * Quotas (defaults, details with usage, updates by admins checked against usage, deletion)
 * enforced on create with OverQuota, and the auto-allocated topology.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

const DEFAULTS = { network: 100, subnet: 100, port: 500, router: 10, floatingip: 50, security_group: 10, security_group_rule: 100, rbac_policy: 10, subnetpool: -1 }

describe('/v2.0/quotas', () => {
  it('shows Neutron\'s defaults, the details with usage, and the default set', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('alice')
    const alice = new NeutronClient(c.call, m.token)
    await alice.network()
    assert.deepEqual((await alice.get(`/quotas/${m.projectId}`)).json().quota, DEFAULTS)
    assert.deepEqual((await alice.get(`/quotas/${m.projectId}/default`)).json().quota, DEFAULTS)
    const details = (await alice.get(`/quotas/${m.projectId}/details`)).json().quota
    assert.deepEqual(details.network, { limit: 100, used: 1, reserved: 0 })
    assert.deepEqual(details.security_group, { limit: 10, used: 1, reserved: 0 })
    assert.deepEqual(details.security_group_rule, { limit: 100, used: 4, reserved: 0 })
    assert.deepEqual((await alice.get('/quotas/project')).json(), { project: { project_id: m.projectId } })
    const other = await alice.get('/quotas/someone-else')
    assert.equal(other.status, 403)
    assert.equal(other.json().NeutronError.message, 'rule:get_quota is disallowed by policy')
  })

  it('lets only admins change quotas, enforces them with OverQuota, and forgets them on delete', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('alice')
    const alice = new NeutronClient(c.call, m.token)
    const admin = new NeutronClient(c.call, await c.token())
    assert.equal((await alice.put(`/quotas/${m.projectId}`, { quota: { network: 1 } })).status, 403)
    const set = await admin.put(`/quotas/${m.projectId}`, { quota: { network: 1, port: '2' } })
    assert.equal(set.status, 200)
    assert.equal(set.json().quota.network, 1)
    assert.equal(set.json().quota.port, 2)
    assert.deepEqual((await admin.get('/quotas')).json().quotas.map((q: { project_id: string }) => q.project_id), [m.projectId])
    await alice.network()
    const over = await alice.post('/networks', { network: { name: 'two' } })
    assert.equal(over.status, 409)
    assert.deepEqual(over.json().NeutronError, { type: 'OverQuota', message: "Quota exceeded for resources: ['network'].", detail: '' })
    assert.equal((await alice.ids('/networks')).length, 1)
    const below = await admin.put(`/quotas/${m.projectId}`, { quota: { network: 0 } })
    assert.equal(below.status, 400)
    assert.equal(below.json().NeutronError.message, 'Quota limit 0 for network must be greater than or equal to already used 1')
    const bad = await admin.put(`/quotas/${m.projectId}`, { quota: { networks: 5 } })
    assert.equal(bad.json().NeutronError.message, "Unrecognized attribute(s) 'networks'")
    const range = await admin.put(`/quotas/${m.projectId}`, { quota: { network: -2 } })
    assert.equal(range.json().NeutronError.message, "Invalid input for network. Reason: '-2' is too small - must be at least '-1'.")
    assert.equal((await admin.delete(`/quotas/${m.projectId}`)).status, 204)
    assert.equal((await alice.get(`/quotas/${m.projectId}`)).json().quota.network, 100)
  })

  it('counts a bulk create as a whole, and a new group\'s rules against the rule quota', async () => {
    const c = await makeTestCloudlet()
    const admin = new NeutronClient(c.call, await c.token())
    const projectId = (await admin.get('/quotas/project')).json().project.project_id as string
    await admin.put(`/quotas/${projectId}`, { quota: { network: 2, security_group_rule: 5 } })
    const bulk = await admin.post('/networks', { networks: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] })
    assert.equal(bulk.status, 409)
    assert.equal((await admin.ids('/networks')).length, 0)
    const group = await admin.post('/security-groups', { security_group: { name: 'web' } })
    assert.equal(group.status, 409)
    assert.equal(group.json().NeutronError.message, "Quota exceeded for resources: ['security_group_rule'].")
  })
})

describe('/v2.0/auto-allocated-topology', () => {
  it('makes one network with a subnet per project, then returns the same one', async () => {
    const c = await makeTestCloudlet()
    const a = await c.member('alice')
    const b = await c.member('bob')
    const alice = new NeutronClient(c.call, a.token)
    const bob = new NeutronClient(c.call, b.token)
    const first = (await alice.get(`/auto-allocated-topology/${a.projectId}`)).json().auto_allocated_topology
    assert.deepEqual(first, { id: first.id, tenant_id: a.projectId, project_id: a.projectId })
    assert.equal((await alice.get('/auto-allocated-topology/None')).json().auto_allocated_topology.id, first.id)
    const network = (await alice.get(`/networks/${first.id as string}`)).json().network
    assert.equal(network.name, 'auto_allocated_network')
    const subnets = (await alice.get(`/subnets?network_id=${first.id as string}`)).json().subnets
    assert.equal(subnets[0].name, 'auto_allocated_subnet_v4')
    assert.equal(subnets[0].cidr, '10.128.0.0/24')
    const second = (await bob.get(`/auto-allocated-topology/${b.projectId}`)).json().auto_allocated_topology
    const bobSubnet = (await bob.get(`/subnets?network_id=${second.id as string}`)).json().subnets[0]
    assert.equal(bobSubnet.cidr, '10.128.1.0/24')
    const foreign = await bob.get(`/auto-allocated-topology/${a.projectId}`)
    assert.equal(foreign.status, 403)
    assert.equal(foreign.json().NeutronError.type, 'NotAuthorized')
    assert.equal((await alice.delete(`/auto-allocated-topology/${a.projectId}`)).status, 204)
    assert.equal((await alice.get(`/networks/${first.id as string}`)).status, 404)
  })
})
