/**
 * Application credentials through the emulated Keystone's HTTP surface: creation (secret shown
 * once, roles a subset of the token's), the application_credential auth method by id and by
 * name, expiry on the virtual clock, restricted credentials, deletion revoking tokens, access
 * rules, and the faults of each route.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const appCredAuth = (credential: Record<string, unknown>, scope?: unknown): unknown => ({
  auth: { identity: { methods: ['application_credential'], application_credential: credential }, ...(scope === undefined ? {} : { scope }) }
})

async function issue (c: TestCloudlet, credential: Record<string, unknown>): Promise<Awaited<ReturnType<TestCloudlet['call']>>> {
  return await c.call('POST', '/identity/v3/auth/tokens', { json: appCredAuth(credential) })
}

async function create (c: TestCloudlet, token: string, userId: string, body: Record<string, unknown>): Promise<Awaited<ReturnType<TestCloudlet['call']>>> {
  return await c.call('POST', `/identity/v3/users/${userId}/application_credentials`, { token, json: { application_credential: body } })
}

describe('POST /v3/users/{user_id}/application_credentials', () => {
  it('creates a credential on the token\'s project with all its roles, and shows the generated secret only then', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('alice')
    const r = await create(c, m.token, m.userId, { name: 'monitoring', description: 'for monitoring' })
    assert.equal(r.status, 201, r.text)
    const cred = r.json().application_credential
    assert.match(cred.id, /^[0-9a-f]{32}$/)
    assert.equal(cred.project_id, m.projectId)
    assert.equal(cred.secret.length, 86)
    assert.equal(cred.expires_at, null)
    assert.equal(cred.description, 'for monitoring')
    assert.deepEqual(cred.roles.map((x: { name: string }) => x.name).sort(), ['member', 'reader'])
    assert.equal(cred.links.self, `http://cloudlet.test/identity/v3/users/${m.userId}/application_credentials/${cred.id}`)
    const shown = await c.call('GET', `/identity/v3/users/${m.userId}/application_credentials/${cred.id}`, { token: m.token })
    assert.equal(shown.status, 200)
    assert.equal(shown.json().application_credential.secret, undefined)
    assert.ok(!JSON.stringify(c.store.entries('identity.application_credential')).includes(cred.secret), 'the secret is stored hashed')
  })

  it('answers 409 for a second credential of the same name and 400 for a role the token does not carry', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('bob')
    assert.equal((await create(c, m.token, m.userId, { name: 'dup' })).status, 201)
    const dup = await create(c, m.token, m.userId, { name: 'dup' })
    assert.equal(dup.status, 409)
    assert.equal(dup.json().error.message, 'Conflict occurred attempting to store application_credential - Duplicate entry found with name dup.')
    const admin = await create(c, m.token, m.userId, { name: 'x', roles: [{ name: 'admin' }] })
    assert.equal(admin.status, 400)
    assert.equal(admin.json().error.message, 'Invalid application credential: Cannot create an application credential with unassigned role')
    assert.equal((await create(c, m.token, m.userId, { name: 'y', roles: [{ name: 'nosuch' }] })).status, 404)
    const list = await c.call('GET', `/identity/v3/users/${m.userId}/application_credentials`, { token: m.token })
    assert.deepEqual(list.json().application_credentials.map((x: { name: string }) => x.name), ['dup'])
  })

  it('answers 403 when a user creates one for somebody else, even an admin', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('carol')
    const r = await create(c, await c.token(), m.userId, { name: 'x' })
    assert.equal(r.status, 403)
    assert.equal(r.json().error.message, 'You are not authorized to perform the requested action: identity:create_application_credential.')
  })

  it('answers 400 for a bad body, a malformed expiry and an expiry in the past', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('dave')
    const missing = await create(c, m.token, m.userId, { description: 'no name' })
    assert.equal(missing.status, 400)
    assert.equal(missing.json().error.message, "'name' is a required property")
    assert.equal((await create(c, m.token, m.userId, { name: 'x', unrestricted: 'yes' })).status, 400)
    const bad = await create(c, m.token, m.userId, { name: 'x', expires_at: 'tomorrow' })
    assert.equal(bad.status, 400)
    assert.match(bad.json().error.message, /^Timestamp not in expected format/)
    const past = await create(c, m.token, m.userId, { name: 'x', expires_at: '2020-01-01T00:00:00' })
    assert.equal(past.status, 400)
    assert.match(past.json().error.message, /^The 'expires_at' must not be before now/)
  })
})

describe('POST /v3/auth/tokens with application_credential', () => {
  it('issues a token for the credential\'s project with only its roles, by id and by name', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('erin')
    const cred = (await create(c, m.token, m.userId, { name: 'ro', secret: 's3cr3t', roles: [{ name: 'reader' }] })).json().application_credential
    const byId = await issue(c, { id: cred.id, secret: 's3cr3t' })
    assert.equal(byId.status, 201, byId.text)
    const token = byId.json().token
    assert.deepEqual(token.methods, ['application_credential'])
    assert.equal(token.project.id, m.projectId)
    assert.deepEqual(token.roles.map((x: { name: string }) => x.name), ['reader'])
    assert.deepEqual(token.application_credential, { id: cred.id, name: 'ro', restricted: true })
    assert.ok(Array.isArray(token.catalog))

    const byUserId = await issue(c, { name: 'ro', secret: 's3cr3t', user: { id: m.userId } })
    assert.equal(byUserId.status, 201)
    const byUserName = await issue(c, { name: 'ro', secret: 's3cr3t', user: { name: 'erin', domain: { name: 'Default' } } })
    assert.equal(byUserName.status, 201)
    assert.equal(byUserName.json().token.user.id, m.userId)
  })

  it('answers 401 for a wrong secret, a scope in the request, or an unknown name; 404 for an unknown id', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('frank')
    const cred = (await create(c, m.token, m.userId, { name: 'app', secret: 'right' })).json().application_credential
    assert.equal((await issue(c, { id: cred.id, secret: 'wrong' })).status, 401)
    const scoped = await c.call('POST', '/identity/v3/auth/tokens', { json: appCredAuth({ id: cred.id, secret: 'right' }, { project: { id: m.projectId } }) })
    assert.equal(scoped.status, 401)
    assert.equal(scoped.json().error.message, 'Error authenticating with application credential: Application credentials cannot request a scope.')
    assert.equal((await issue(c, { name: 'other', secret: 'right', user: { id: m.userId } })).status, 401)
    const unknown = await issue(c, { id: 'nope', secret: 'right' })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.json().error.message, 'Could not find Application Credential: nope.')
    const noUser = await issue(c, { name: 'app', secret: 'right' })
    assert.equal(noUser.status, 400)
  })

  it('stops working when the credential expires, and its tokens do not outlive it', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('gina')
    const cred = (await create(c, m.token, m.userId, { name: 'short', secret: 's', expires_at: '2026-01-01T00:30:00Z' })).json().application_credential
    assert.equal(cred.expires_at, '2026-01-01T00:30:00.000000')
    const r = await issue(c, { id: cred.id, secret: 's' })
    assert.equal(r.status, 201)
    assert.equal(r.json().token.expires_at, '2026-01-01T00:30:00.000000Z', 'capped at the credential\'s expiry')
    const token = r.headers['x-subject-token'] as string
    c.clock.advanceBy(30 * 60_000)
    assert.equal((await issue(c, { id: cred.id, secret: 's' })).status, 401)
    assert.equal((await c.call('GET', `/identity/v3/projects/${m.projectId}`, { token })).status, 401)
  })

  it('revokes the credential\'s tokens when it is deleted', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('hank')
    const cred = (await create(c, m.token, m.userId, { name: 'gone', secret: 's' })).json().application_credential
    const token = (await issue(c, { id: cred.id, secret: 's' })).headers['x-subject-token'] as string
    assert.equal((await c.call('GET', `/identity/v3/projects/${m.projectId}`, { token })).status, 200)
    assert.equal((await c.call('DELETE', `/identity/v3/users/${m.userId}/application_credentials/${cred.id}`, { token: m.token })).status, 204)
    assert.equal((await c.call('GET', `/identity/v3/projects/${m.projectId}`, { token })).status, 401)
    assert.equal((await issue(c, { id: cred.id, secret: 's' })).status, 404)
    const again = await c.call('DELETE', `/identity/v3/users/${m.userId}/application_credentials/${cred.id}`, { token: m.token })
    assert.equal(again.status, 404)
  })

  it('loses a role the user no longer holds, and fails once none is left', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const m = await c.member('ivy')
    const cred = (await create(c, m.token, m.userId, { name: 'roles', secret: 's', roles: [{ name: 'member' }] })).json().application_credential
    const member = (await c.call('GET', '/identity/v3/roles?name=member', { token: admin })).json().roles[0].id
    assert.equal((await c.call('DELETE', `/identity/v3/projects/${m.projectId}/users/${m.userId}/roles/${member}`, { token: admin })).status, 204)
    assert.equal((await issue(c, { id: cred.id, secret: 's' })).status, 401)
  })
})

describe('deleting a role', () => {
  it('deletes the credentials of everyone who held it on the credential\'s project, as Keystone does', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const m = await c.member('pia')
    const role = (await c.call('POST', '/identity/v3/roles', { token: admin, json: { role: { name: 'ops' } } })).json().role.id
    await c.call('PUT', `/identity/v3/projects/${m.projectId}/users/${m.userId}/roles/${role}`, { token: admin })
    const token = await c.token('pia', 'pia-pw', 'pia')
    const cred = (await create(c, token, m.userId, { name: 'x', secret: 's' })).json().application_credential
    assert.equal((await c.call('DELETE', `/identity/v3/roles/${role}`, { token: admin })).status, 204)
    assert.equal((await c.call('GET', `/identity/v3/users/${m.userId}/application_credentials/${cred.id}`, { token: admin })).status, 404)
  })
})

describe('restricted application credentials', () => {
  it('may not create or delete credentials; an unrestricted one may', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('jack')
    const restricted = (await create(c, m.token, m.userId, { name: 'r', secret: 's' })).json().application_credential
    const open = (await create(c, m.token, m.userId, { name: 'u', secret: 's', unrestricted: true })).json().application_credential
    const rToken = (await issue(c, { id: restricted.id, secret: 's' })).headers['x-subject-token'] as string
    const uToken = (await issue(c, { id: open.id, secret: 's' })).headers['x-subject-token'] as string
    const denied = await create(c, rToken, m.userId, { name: 'child' })
    assert.equal(denied.status, 403)
    assert.equal(denied.json().error.message, "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.")
    assert.equal((await c.call('DELETE', `/identity/v3/users/${m.userId}/application_credentials/${open.id}`, { token: rToken })).status, 403)
    assert.equal((await c.call('GET', `/identity/v3/users/${m.userId}/application_credentials`, { token: rToken })).status, 200)
    assert.equal((await create(c, uToken, m.userId, { name: 'child' })).status, 201)
  })
})

describe('application credential policies', () => {
  it('lets the owner and an admin see a credential, and nobody else', async () => {
    const c = await makeTestCloudlet()
    const owner = await c.member('kim')
    const other = await c.member('lee')
    const cred = (await create(c, owner.token, owner.userId, { name: 'mine' })).json().application_credential
    const path = `/identity/v3/users/${owner.userId}/application_credentials/${cred.id}`
    assert.equal((await c.call('GET', path, { token: await c.token() })).status, 200)
    assert.equal((await c.call('GET', path, { token: other.token })).status, 403)
    assert.equal((await c.call('GET', `/identity/v3/users/${other.userId}/application_credentials/${cred.id}`, { token: other.token })).status, 403,
      'ownership is checked against the credential, not the path')
    assert.equal((await c.call('GET', `/identity/v3/users/${owner.userId}/application_credentials`, { token: other.token })).status, 403)
    assert.equal((await c.call('DELETE', path, { token: other.token })).status, 403)
  })

  it('deletes a user\'s credentials with the user, and when the user is disabled', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const m = await c.member('max')
    const cred = (await create(c, m.token, m.userId, { name: 'x', secret: 's' })).json().application_credential
    assert.equal((await c.call('PATCH', `/identity/v3/users/${m.userId}`, { token: admin, json: { user: { enabled: false } } })).status, 200)
    assert.equal((await c.call('PATCH', `/identity/v3/users/${m.userId}`, { token: admin, json: { user: { enabled: true } } })).status, 200)
    assert.equal((await issue(c, { id: cred.id, secret: 's' })).status, 404)
    const other = await c.member('mo')
    const kept = (await create(c, other.token, other.userId, { name: 'x', secret: 's' })).json().application_credential
    assert.equal((await c.call('DELETE', `/identity/v3/users/${other.userId}`, { token: admin })).status, 204)
    assert.equal((await issue(c, { id: kept.id, secret: 's' })).status, 404)
  })
})

describe('access rules', () => {
  it('stores access rules, shows them in the credential and its tokens, and shares identical rules', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('nina')
    const rule = { service: 'compute', method: 'GET', path: '/v2.1/servers' }
    const first = (await create(c, m.token, m.userId, { name: 'a', secret: 's', access_rules: [rule] })).json().application_credential
    const second = (await create(c, m.token, m.userId, { name: 'b', access_rules: [rule] })).json().application_credential
    assert.equal(first.access_rules[0].service, 'compute')
    assert.equal(first.access_rules[0].id, second.access_rules[0].id)
    const token = (await issue(c, { id: first.id, secret: 's' })).json().token
    assert.deepEqual(token.application_credential.access_rules, [{ ...rule, id: first.access_rules[0].id }])
    const list = await c.call('GET', `/identity/v3/users/${m.userId}/access_rules`, { token: m.token })
    assert.equal(list.json().access_rules.length, 1)
    const ruleId = first.access_rules[0].id
    const inUse = await c.call('DELETE', `/identity/v3/users/${m.userId}/access_rules/${ruleId}`, { token: m.token })
    assert.equal(inUse.status, 403)
    assert.equal(inUse.json().error.message, 'May not delete access rule in use')
    await c.call('DELETE', `/identity/v3/users/${m.userId}/application_credentials/${first.id}`, { token: m.token })
    await c.call('DELETE', `/identity/v3/users/${m.userId}/application_credentials/${second.id}`, { token: m.token })
    assert.equal((await c.call('DELETE', `/identity/v3/users/${m.userId}/access_rules/${ruleId}`, { token: m.token })).status, 204)
    assert.equal((await c.call('GET', `/identity/v3/users/${m.userId}/access_rules/${ruleId}`, { token: m.token })).status, 404)
  })

  it('answers 400 for a rule with a bad method or path', async () => {
    const c = await makeTestCloudlet()
    const m = await c.member('olga')
    assert.equal((await create(c, m.token, m.userId, { name: 'a', access_rules: [{ service: 'compute', method: 'FETCH', path: '/x' }] })).status, 400)
    assert.equal((await create(c, m.token, m.userId, { name: 'a', access_rules: [{ service: 'compute', method: 'GET', path: 'x' }] })).status, 400)
  })
})
