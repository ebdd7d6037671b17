/**
 * The emulated Keystone through its HTTP surface, in memory: discovery, the token lifecycle,
 * scoping, policies, faults, and that a restart on the same store keeps users and tokens.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const passwordAuth = (user: string, password: string, scope?: unknown): unknown => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
    ...(scope === undefined ? {} : { scope })
  }
})

describe('GET /identity', () => {
  it('answers 300 with versions.values and a Location to v3', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('GET', '/identity')
    assert.equal(r.status, 300)
    assert.equal(r.headers.location, 'http://cloudlet.test/identity/v3/')
    const body = r.json()
    assert.equal(body.versions.values[0].id, 'v3.14')
    assert.equal(body.versions.values[0].status, 'stable')
    assert.match(r.headers['x-openstack-request-id'] ?? '', /^req-[0-9a-f-]{36}$/)
  })

  it('answers 200 with the version document on /v3 and /v3/', async () => {
    const c = await makeTestCloudlet()
    for (const path of ['/identity/v3', '/identity/v3/']) {
      const r = await c.call('GET', path)
      assert.equal(r.status, 200)
      assert.equal(r.json().version.links[0].href, 'http://cloudlet.test/identity/v3/')
    }
  })
})

describe('POST /v3/auth/tokens', () => {
  it('issues a project-scoped token only in X-Subject-Token, with roles and a catalog', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('POST', '/identity/v3/auth/tokens', { json: passwordAuth('admin', 'secret', { project: { name: 'admin', domain: { name: 'Default' } } }) })
    assert.equal(r.status, 201)
    const token = r.headers['x-subject-token']
    assert.ok(token !== undefined && token.length > 100)
    assert.ok(!r.text.includes(token), 'the token must not be in the body')
    const body = r.json().token
    assert.deepEqual(body.methods, ['password'])
    assert.equal(body.project.name, 'admin')
    assert.deepEqual(body.roles.map((x: { name: string }) => x.name).sort(), ['admin', 'member', 'reader'])
    assert.match(body.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const types = body.catalog.map((s: { type: string }) => s.type).sort()
    assert.deepEqual(types, ['compute', 'identity', 'image', 'network', 'placement'])
    for (const service of body.catalog) {
      assert.deepEqual(service.endpoints.map((e: { interface: string }) => e.interface).sort(), ['admin', 'internal', 'public'])
      for (const e of service.endpoints) {
        assert.equal(e.region, 'RegionOne')
        assert.equal(e.region_id, 'RegionOne')
        assert.ok(e.url.startsWith('http://cloudlet.test/'))
      }
    }
    const compute = body.catalog.find((s: { type: string }) => s.type === 'compute')
    assert.equal(compute.endpoints[0].url, 'http://cloudlet.test/compute/v2.1')
  })

  it('issues an unscoped token without catalog, roles or project', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('POST', '/identity/v3/auth/tokens', { json: passwordAuth('admin', 'secret') })
    assert.equal(r.status, 201)
    const body = r.json().token
    assert.equal(body.catalog, undefined)
    assert.equal(body.roles, undefined)
    assert.equal(body.project, undefined)
  })

  it('scopes to the default project when no scope is given', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('alice')
    const r = await c.call('POST', '/identity/v3/auth/tokens', { json: passwordAuth('alice', 'alice-pw') })
    assert.equal(r.json().token.project.id, m.projectId)
  })

  it('answers 401 in the identity envelope for a wrong password, and names the endpoint', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('POST', '/identity/v3/auth/tokens', { json: passwordAuth('admin', 'wrong') })
    assert.equal(r.status, 401)
    assert.deepEqual(r.json(), { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } })
    assert.equal(r.headers['www-authenticate'], 'Keystone uri="http://cloudlet.test/identity"')
  })

  it('answers 401 for a project the user has no role on', async () => {
    const c = await makeTestCloudlet()
    await c.member('alice')
    const r = await c.call('POST', '/identity/v3/auth/tokens', { json: passwordAuth('alice', 'alice-pw', { project: { name: 'admin', domain: { id: 'default' } } }) })
    assert.equal(r.status, 401)
  })

  it('answers 400 for a body that is not JSON, and for one without identity', async () => {
    const c = await makeTestCloudlet()
    const bad = await c.call('POST', '/identity/v3/auth/tokens', { body: '{"auth": ', headers: { 'content-type': 'application/json' } })
    assert.equal(bad.status, 400)
    assert.equal(bad.json().error.title, 'Bad Request')
    const missing = await c.call('POST', '/identity/v3/auth/tokens', { json: { auth: {} } })
    assert.equal(missing.status, 400)
    assert.match(missing.json().error.message, /'identity' is a required property/)
  })

  it('answers 413 for a body over the limit', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('POST', '/identity/v3/auth/tokens', { body: `{"x": "${'a'.repeat(200_000)}"}` })
    assert.equal(r.status, 413)
  })

  it('rescopes a token with the token method, keeping its expiry and audit chain', async () => {
    const c = await makeTestCloudlet()
    const unscoped = await c.call('POST', '/identity/v3/auth/tokens', { json: passwordAuth('admin', 'secret') })
    const first = unscoped.headers['x-subject-token'] as string
    const r = await c.call('POST', '/identity/v3/auth/tokens', {
      token: first,
      json: { auth: { identity: { methods: ['token'], token: { id: first } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } }
    })
    assert.equal(r.status, 201)
    const body = r.json().token
    assert.equal(body.expires_at, unscoped.json().token.expires_at)
    assert.equal(body.audit_ids[1], unscoped.json().token.audit_ids[0])
    assert.ok(body.methods.includes('token') && body.methods.includes('password'))
  })
})

describe('GET/HEAD/DELETE /v3/auth/tokens', () => {
  it('validates, checks and revokes a token; a revoked token is 404 and then 401 for services', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const other = await c.token()
    const shown = await c.call('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': other } })
    assert.equal(shown.status, 200)
    assert.equal(shown.headers['x-subject-token'], other)
    assert.equal((await c.call('HEAD', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': other } })).status, 200)
    assert.equal((await c.call('DELETE', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': other } })).status, 204)
    assert.equal((await c.call('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': other } })).status, 404)
    assert.equal((await c.call('GET', '/identity/v3/projects', { token: other })).status, 401)
  })

  it('expires tokens after their lifetime', async () => {
    const c = await makeTestCloudlet({ config: { tokenTtlMs: 60_000 } })
    const admin = await c.token()
    assert.equal((await c.call('GET', '/identity/v3/projects', { token: admin })).status, 200)
    c.clock.advanceBy(60_001)
    assert.equal((await c.call('GET', '/identity/v3/projects', { token: admin })).status, 401)
  })
})

describe('identity policies', () => {
  it('lets a member see their own project and user but not list projects or users', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('bob')
    assert.equal((await c.call('GET', '/identity/v3/projects', { token: m.token })).status, 403)
    assert.equal((await c.call('GET', '/identity/v3/users', { token: m.token })).status, 403)
    assert.equal((await c.call('GET', `/identity/v3/projects/${m.projectId}`, { token: m.token })).status, 200)
    assert.equal((await c.call('GET', `/identity/v3/users/${m.userId}/projects`, { token: m.token })).json().projects[0].id, m.projectId)
    assert.equal((await c.call('GET', '/identity/v3/auth/projects', { token: m.token })).json().projects.length, 1)
  })

  it('takes a revoked role away from existing tokens at once', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const m = await c.member('carol')
    const member = (await c.call('GET', '/identity/v3/roles?name=member', { token: admin })).json().roles[0].id
    assert.equal((await c.call('DELETE', `/identity/v3/projects/${m.projectId}/users/${m.userId}/roles/${member}`, { token: admin })).status, 204)
    assert.equal((await c.call('GET', `/identity/v3/projects/${m.projectId}`, { token: m.token })).status, 401)
  })
})

describe('identity faults', () => {
  it('answers 404 and 405 in the identity envelope', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const missing = await c.call('GET', '/identity/v3/projects/nope', { token: admin })
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json(), { error: { code: 404, title: 'Not Found', message: 'Could not find project: nope.' } })
    const unknown = await c.call('GET', '/identity/v3/no-such-thing', { token: admin })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.json().error.code, 404)
    const method = await c.call('PUT', '/identity/v3/projects', { token: admin })
    assert.equal(method.status, 405)
    assert.equal(method.json().error.code, 405)
  })

  it('answers 409 for a duplicate user name and changes nothing', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    assert.equal((await c.call('POST', '/identity/v3/users', { token: admin, json: { user: { name: 'dup' } } })).status, 201)
    const again = await c.call('POST', '/identity/v3/users', { token: admin, json: { user: { name: 'dup' } } })
    assert.equal(again.status, 409)
    const users = (await c.call('GET', '/identity/v3/users?name=dup', { token: admin })).json().users
    assert.equal(users.length, 1)
  })
})

describe('restart', () => {
  it('keeps users, projects and tokens when started again on the same store', async () => {
    const first = await makeTestCloudlet()
    const m = await first.member('dave')
    const second = await makeTestCloudlet({ store: first.store, clock: first.clock })
    assert.equal((await second.call('GET', `/identity/v3/projects/${m.projectId}`, { token: m.token })).status, 200)
    assert.ok((await second.token('dave', 'dave-pw', 'dave')).length > 0)
  })
})
