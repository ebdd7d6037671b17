/**
 * The emulated Neutron through its HTTP surface, in memory: discovery, extensions, networks
 * (create, bulk, list, show, update, delete), the generic collection semantics (filters,
 * fields, sorting, pagination followed link by link), visibility between projects, policy on
 * admin-only attributes, If-Match and tags.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

async function setup (): Promise<{ c: TestCloudlet, admin: NeutronClient }> {
  const c = await makeTestCloudlet()
  return { c, admin: new NeutronClient(c.call, await c.token()) }
}

async function member (c: TestCloudlet, name: string): Promise<{ client: NeutronClient, projectId: string }> {
  const m = await c.member(name)
  return { client: new NeutronClient(c.call, m.token), projectId: m.projectId }
}

describe('Neutron discovery', () => {
  it('answers GET / without a token with the v2.0 version document', async () => {
    const { c } = await setup()
    const r = await c.call('GET', '/networking/')
    assert.equal(r.status, 200)
    assert.deepEqual(r.json(), { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: 'http://cloudlet.test/networking/v2.0/' }] }] })
  })

  it('lists the core resources on /v2.0 for a token holder, and 401s without one', async () => {
    const { c, admin } = await setup()
    const r = await admin.request('GET', '/v2.0/')
    assert.equal(r.status, 200)
    assert.deepEqual(r.json().resources.map((x: { collection: string }) => x.collection), ['networks', 'subnets', 'subnetpools', 'ports'])
    assert.equal((await c.call('GET', '/networking/v2.0')).status, 401)
  })

  it('finds extensions by alias, 404s by name, and names availability_zone "Availability Zone"', async () => {
    const { admin } = await setup()
    const list = (await admin.get('/extensions')).json().extensions as Array<{ alias: string, name: string, links: unknown[] }>
    const aliases = list.map(e => e.alias)
    assert.ok(!aliases.includes('router'), 'routers are not served, so not advertised')
    for (const alias of ['security-group', 'quotas', 'quota_details', 'external-net', 'binding', 'port-security', 'allowed-address-pairs',
      'extra_dhcp_opt', 'availability_zone', 'network_availability_zone', 'standard-attr-description', 'standard-attr-tag',
      'standard-attr-timestamp', 'standard-attr-revisions', 'project-id', 'pagination', 'sorting', 'net-mtu', 'auto-allocated-topology']) {
      assert.ok(aliases.includes(alias), alias)
    }
    assert.equal(list.find(e => e.alias === 'availability_zone')?.name, 'Availability Zone')
    const shown = await admin.get('/extensions/security-group')
    assert.equal(shown.json().extension.description, 'The security groups extension.')
    const byName = await admin.get('/extensions/Availability%20Zone')
    assert.equal(byName.status, 404)
    assert.equal(byName.json().NeutronError.message, 'Extension with alias Availability Zone does not exist')
    assert.equal((await admin.request('POST', '/v2.0/extensions', { json: {} })).status, 404)
  })

  it('lists the cloudlet\'s availability zone for networks', async () => {
    const { admin } = await setup()
    assert.deepEqual((await admin.get('/availability_zones')).json(), { availability_zones: [{ name: 'nova', resource: 'network', state: 'available' }] })
  })
})

describe('/v2.0/networks', () => {
  it('creates a network with every standard and extension attribute', async () => {
    const { admin, c } = await setup()
    const r = await admin.post('/networks', { network: { name: 'net1', admin_state_up: true } })
    assert.equal(r.status, 201)
    const n = r.json().network
    assert.equal(n.name, 'net1')
    assert.equal(n.status, 'ACTIVE')
    assert.equal(n.project_id, n.tenant_id)
    assert.deepEqual(n.subnets, [])
    assert.deepEqual(n.availability_zones, ['nova'])
    assert.equal(n.mtu, 1442)
    assert.equal(n['provider:network_type'], 'geneve')
    assert.equal(n['router:external'], false)
    assert.equal(n.revision_number, 1)
    assert.equal(n.created_at, '2026-01-01T00:00:00Z')
    assert.match(n.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    c.clock.advanceBy(5000)
    const updated = await admin.put(`/networks/${n.id}`, { network: { name: 'renamed', description: 'd' } })
    assert.equal(updated.status, 200)
    assert.equal(updated.json().network.name, 'renamed')
    assert.equal(updated.json().network.revision_number, 2)
    assert.equal(updated.json().network.updated_at, '2026-01-01T00:00:05Z')
    assert.equal((await admin.get(`/networks/${n.id}`)).json().network.description, 'd')
    assert.equal((await admin.delete(`/networks/${n.id}`)).status, 204)
    assert.equal((await admin.get(`/networks/${n.id}`)).status, 404)
  })

  it('creates several networks in one bulk request, or none when one is bad', async () => {
    const { admin } = await setup()
    const r = await admin.post('/networks', { networks: [{ name: 'a' }, { name: 'b' }] })
    assert.equal(r.status, 201)
    assert.deepEqual(r.json().networks.map((n: { name: string }) => n.name), ['a', 'b'])
    const bad = await admin.post('/networks', { networks: [{ name: 'c' }, { name: 'd', mtu: 9000 }] })
    assert.equal(bad.status, 400)
    assert.equal((await admin.ids('/networks?name=c')).length, 0)
  })

  it('accepts the .json suffix on collections and resources', async () => {
    const { admin } = await setup()
    const n = await admin.network({ name: 'j' })
    assert.equal((await admin.get('/networks.json')).json().networks.length, 1)
    assert.equal((await admin.get(`/networks/${n.id as string}.json`)).json().network.id, n.id)
  })

  it('pages with limit and marker, and the next links lead through every network exactly once', async () => {
    const { admin, c } = await setup()
    const created: string[] = []
    for (let i = 0; i < 5; i++) created.push((await admin.network({ name: `p${i}` })).id)
    const seen: string[] = []
    let href: string | undefined = 'http://cloudlet.test/networking/v2.0/networks?limit=2'
    let pages = 0
    while (href !== undefined) {
      const r = await c.call('GET', href.replace('http://cloudlet.test', ''), { token: admin.token })
      assert.equal(r.status, 200)
      const body = r.json()
      seen.push(...body.networks.map((n: { id: string }) => n.id))
      href = (body.networks_links ?? []).find((l: { rel: string }) => l.rel === 'next')?.href
      assert.ok(++pages <= 4, 'too many pages')
    }
    assert.deepEqual(seen, [...created].sort())
    assert.equal(pages, 3)
    const unknownMarker = await admin.get('/networks?limit=2&marker=a0304c3a-4f08-4c43-88af-d796509c97d2')
    assert.equal(unknownMarker.status, 404)
    assert.equal(unknownMarker.json().NeutronError.type, 'NetworkNotFound')
  })

  it('filters by exact name, repeated values and booleans, and projects fields', async () => {
    const { admin } = await setup()
    await admin.network({ name: 'web' })
    await admin.network({ name: 'web-2', admin_state_up: false })
    await admin.network({ name: 'db' })
    assert.equal((await admin.ids('/networks?name=web')).length, 1)
    assert.equal((await admin.ids('/networks?name=web&name=db')).length, 2)
    assert.equal((await admin.ids('/networks?admin_state_up=False')).length, 1)
    const r = await admin.get('/networks?name=db&fields=id&fields=name')
    assert.deepEqual(Object.keys(r.json().networks[0]).sort(), ['id', 'name'])
    const sorted = (await admin.get('/networks?sort_key=name&sort_dir=desc')).json().networks.map((n: { name: string }) => n.name)
    assert.deepEqual(sorted, ['web-2', 'web', 'db'])
    const badFilter = await admin.get('/networks?colour=blue')
    assert.equal(badFilter.status, 400)
    assert.equal(badFilter.json().NeutronError.message, "['colour'] is invalid attribute for filtering")
  })

  it('shows members their own and shared networks only, and answers 404 for others', async () => {
    const { c, admin } = await setup()
    const alice = await member(c, 'alice')
    const bob = await member(c, 'bob')
    const aliceNet = await alice.client.network({ name: 'alice-net' })
    const shared = await admin.network({ name: 'public', shared: true })
    assert.deepEqual((await bob.client.ids('/networks')), [shared.id])
    const hidden = await bob.client.get(`/networks/${aliceNet.id as string}`)
    assert.equal(hidden.status, 404)
    assert.equal(hidden.json().NeutronError.message, `Network ${aliceNet.id as string} could not be found.`)
    assert.equal((await bob.client.delete(`/networks/${aliceNet.id as string}`)).status, 404)
    const forbidden = await bob.client.delete(`/networks/${shared.id as string}`)
    assert.equal(forbidden.status, 403)
    assert.equal(forbidden.json().NeutronError.type, 'PolicyNotAuthorized')
    assert.equal((await admin.ids('/networks')).length, 2)
  })

  it('keeps provider attributes from members and lets only admins create for another project', async () => {
    const { c, admin } = await setup()
    const alice = await member(c, 'alice')
    const net = await alice.client.network({ name: 'mine' })
    assert.equal('provider:network_type' in net, false)
    const refused = await alice.client.post('/networks', { network: { name: 'x', shared: true } })
    assert.equal(refused.status, 403)
    assert.equal(refused.json().NeutronError.message, '(rule:create_network and rule:create_network:shared) is disallowed by policy')
    const other = await alice.client.post('/networks', { network: { name: 'x', project_id: 'someone-else' } })
    assert.equal(other.status, 400)
    const forAlice = await admin.network({ name: 'given', project_id: alice.projectId })
    assert.equal(forAlice.project_id, alice.projectId)
    assert.equal((await alice.client.ids('/networks')).length, 2)
  })

  it('answers 412 when If-Match names another revision, and updates when it matches', async () => {
    const { admin } = await setup()
    const n = await admin.network({ name: 'rev' })
    const stale = await admin.put(`/networks/${n.id as string}`, { network: { name: 'x' } }, { 'if-match': 'revision_number=7' })
    assert.equal(stale.status, 412)
    assert.deepEqual(stale.json().NeutronError, { type: 'RevisionNumberConstraintFailed', message: 'Constrained to 7, but current revision is 1', detail: '' })
    assert.equal((await admin.get(`/networks/${n.id as string}`)).json().network.name, 'rev')
    const fresh = await admin.put(`/networks/${n.id as string}`, { network: { name: 'x' } }, { 'if-match': 'revision_number=1' })
    assert.equal(fresh.status, 200)
  })

  it('sets, checks and removes tags, and filters by them', async () => {
    const { admin } = await setup()
    const n = await admin.network({ name: 'tagged' })
    await admin.network({ name: 'plain' })
    const put = await admin.put(`/networks/${n.id as string}/tags`, { tags: ['red', 'blue'] })
    assert.equal(put.status, 200)
    assert.deepEqual((await admin.get(`/networks/${n.id as string}`)).json().network.tags, ['red', 'blue'])
    assert.equal((await admin.get(`/networks/${n.id as string}/tags/red`)).status, 204)
    assert.equal((await admin.get(`/networks/${n.id as string}/tags/green`)).status, 404)
    assert.equal((await admin.request('PUT', `/v2.0/networks/${n.id as string}/tags/green`)).status, 201)
    assert.equal((await admin.delete(`/networks/${n.id as string}/tags/red`)).status, 204)
    assert.deepEqual(await admin.ids('/networks?tags=green'), [n.id])
    assert.equal((await admin.ids('/networks?not-tags=green')).length, 1)
  })
})
