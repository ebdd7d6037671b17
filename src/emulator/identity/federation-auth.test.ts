/**
 * OS-FEDERATION logins with OIDC bearer tokens, end to end through the emulated cloudlet: an
 * identity provider, a mapping and a protocol are set up through the API; a fake OIDC provider
 * (discovery document and JWKS served by the `outbound` HttpHandler, keys made with jose)
 * signs access tokens on the virtual clock. Each test logs in with
 * POST …/protocols/openid/auth, then rescopes with the token method, as keystoneauth's
 * v3oidcaccesstoken plugin does.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { makeFakeOidcProvider } from '../../../test/fixtures/fake-oidc-provider.ts'
import type { FakeOidcProvider } from '../../../test/fixtures/fake-oidc-provider.ts'
import type { FederationFrontEnd } from './federation-auth.ts'

const ISSUER = 'https://idp.test/realms/demo'
const AUTH = '/identity/v3/OS-FEDERATION/identity_providers/myidp/protocols/openid/auth'

interface Setup {
  readonly c: TestCloudlet
  readonly idp: FakeOidcProvider
  readonly admin: string
  readonly domainId: string
  readonly groupId: string
  readonly projectId: string
}

/** A cloudlet with provider `myidp` (domain "fed"), group "fedusers" holding member on project "fedproj", and the given mapping rules. */
async function setup (rules: unknown[], options: { remoteIds?: string[], idpEnabled?: boolean, frontEnd?: FederationFrontEnd } = {}): Promise<Setup> {
  const clock = new VirtualClock()
  const provider = await makeFakeOidcProvider(ISSUER, () => clock.wallClockMs())
  const c = await makeTestCloudlet({ clock, outbound: provider.handler, ...(options.frontEnd === undefined ? {} : { config: { federationFrontEnd: options.frontEnd } }) })
  const admin = await c.token()
  const ok = async (method: string, path: string, json?: unknown): Promise<any> => {
    const r = await c.call(method, path, { token: admin, ...(json === undefined ? {} : { json }) })
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`)
    return r.text === '' ? null : r.json()
  }
  const domainId = (await ok('POST', '/identity/v3/domains', { domain: { name: 'fed' } })).domain.id
  const groupId = (await ok('POST', '/identity/v3/groups', { group: { name: 'fedusers', domain_id: domainId } })).group.id
  const projectId = (await ok('POST', '/identity/v3/projects', { project: { name: 'fedproj', domain_id: domainId } })).project.id
  const member = (await ok('GET', '/identity/v3/roles?name=member')).roles[0].id
  await ok('PUT', `/identity/v3/projects/${projectId}/groups/${groupId}/roles/${member}`)
  await ok('PUT', '/identity/v3/OS-FEDERATION/identity_providers/myidp', {
    identity_provider: { remote_ids: options.remoteIds ?? [ISSUER], domain_id: domainId, enabled: options.idpEnabled ?? true }
  })
  await ok('PUT', '/identity/v3/OS-FEDERATION/mappings/oidcmap', { mapping: { rules } })
  await ok('PUT', '/identity/v3/OS-FEDERATION/identity_providers/myidp/protocols/openid', { protocol: { mapping_id: 'oidcmap' } })
  return { c, idp: provider, admin, domainId, groupId, projectId }
}

const GROUP_RULES = [{
  local: [{ user: { name: '{0}', email: '{1}' }, group: { name: 'fedusers', domain: { name: 'fed' } } }],
  remote: [{ type: 'HTTP_OIDC_PREFERRED_USERNAME' }, { type: 'OIDC-email' }]
}]

const login = async (s: Setup, jwt: string, method = 'POST'): Promise<Awaited<ReturnType<TestCloudlet['call']>>> =>
  await s.c.call(method, AUTH, { headers: { authorization: `Bearer ${jwt}`, accept: '*/*' } })

const rescope = async (s: Setup, unscoped: string, project: unknown): Promise<Awaited<ReturnType<TestCloudlet['call']>>> =>
  await s.c.call('POST', '/identity/v3/auth/tokens', {
    token: unscoped,
    json: { auth: { identity: { methods: ['token'], token: { id: unscoped } }, scope: { project } } }
  })

describe('POST /v3/OS-FEDERATION/identity_providers/{idp}/protocols/{protocol}/auth', () => {
  it('logs in with a bearer token, then rescopes to a project reached through a mapped group', async () => {
    const s = await setup(GROUP_RULES)
    const jwt = await s.idp.sign({ sub: 'u-1', preferred_username: 'alice', email: 'alice@example.test' })
    const r = await login(s, jwt)
    assert.equal(r.status, 201, r.text)
    const unscoped = r.headers['x-subject-token'] as string
    assert.ok(unscoped.length > 100)
    const token = r.json().token
    assert.deepEqual(token.methods, ['openid'])
    assert.equal(token.user.name, 'alice')
    assert.deepEqual(token.user.domain, { id: s.domainId, name: 'fed' })
    assert.deepEqual(token.user['OS-FEDERATION'], { identity_provider: { id: 'myidp' }, protocol: { id: 'openid' }, groups: [{ id: s.groupId }] })
    assert.equal(token.user.password_expires_at, undefined)
    assert.equal(token.catalog, undefined)
    assert.equal(token.project, undefined)

    const projects = await s.c.call('GET', '/identity/v3/auth/projects', { token: unscoped })
    assert.deepEqual(projects.json().projects.map((p: { name: string }) => p.name), ['fedproj'])

    const scoped = await rescope(s, unscoped, { name: 'fedproj', domain: { name: 'fed' } })
    assert.equal(scoped.status, 201, scoped.text)
    const body = scoped.json().token
    assert.equal(body.project.id, s.projectId)
    assert.deepEqual(body.roles.map((x: { name: string }) => x.name).sort(), ['member', 'reader'])
    assert.deepEqual(body.methods, ['token', 'openid'])
    assert.equal(body.user['OS-FEDERATION'].groups[0].id, s.groupId)
    assert.ok(Array.isArray(body.catalog))

    const user = await s.c.call('GET', `/identity/v3/users/${token.user.id}`, { token: s.admin })
    assert.equal(user.json().user.email, 'alice@example.test')
    assert.deepEqual(user.json().user.federated, [{ idp_id: 'myidp', protocols: [{ protocol_id: 'openid', unique_id: 'alice' }] }])
  })

  it('gives the shadow user the id Keystone derives, and reuses it on the next login', async () => {
    const s = await setup(GROUP_RULES)
    const first = await login(s, await s.idp.sign({ sub: 'u-1', preferred_username: 'alice@corp', email: 'a@corp' }))
    const id = first.json().token.user.id
    const expected = await sha256Hex(`${s.domainId}useralice%40corp`)
    assert.equal(id, expected)
    s.c.clock.advanceBy(60_000)
    const second = await login(s, await s.idp.sign({ sub: 'u-1', preferred_username: 'alice@corp', email: 'new@corp' }))
    assert.equal(second.json().token.user.id, id)
    const users = (await s.c.call('GET', `/identity/v3/users?domain_id=${s.domainId}`, { token: s.admin })).json().users
    assert.equal(users.length, 1)
    assert.equal(users[0].email, 'new@corp')
  })

  it('rescopes a federated token with the mapped method as well', async () => {
    const s = await setup(GROUP_RULES)
    const unscoped = (await login(s, await s.idp.sign({ sub: 'u', preferred_username: 'fay', email: 'f@x' }))).headers['x-subject-token'] as string
    const r = await s.c.call('POST', '/identity/v3/auth/tokens', {
      json: { auth: { identity: { methods: ['mapped'], mapped: { id: unscoped } }, scope: { project: { id: s.projectId } } } }
    })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(r.json().token.methods, ['mapped'])
    assert.equal(r.json().token.user['OS-FEDERATION'].identity_provider.id, 'myidp')
    const password = await s.c.call('POST', '/identity/v3/auth/tokens', { json: { auth: { identity: { methods: ['mapped'], mapped: { id: await s.c.token() } } } } })
    assert.equal(password.status, 401, 'only a federated token rescopes this way')
  })

  it('accepts GET as well as POST, as Keystone does', async () => {
    const s = await setup(GROUP_RULES)
    const r = await login(s, await s.idp.sign({ sub: 'u', preferred_username: 'bob', email: 'b@x' }), 'GET')
    assert.equal(r.status, 201, r.text)
  })

  it('creates a mapped project in the provider\'s domain and grants the mapped roles to the user', async () => {
    const s = await setup([{
      local: [{ user: { name: '{0}' }, projects: [{ name: 'proj-{0}', roles: [{ name: 'member' }] }] }],
      remote: [{ type: 'REMOTE_USER' }]
    }])
    const r = await login(s, await s.idp.sign({ sub: 'carol' }))
    assert.equal(r.status, 201, r.text)
    const unscoped = r.headers['x-subject-token'] as string
    assert.deepEqual(r.json().token.user['OS-FEDERATION'].groups, [])
    const projects = (await s.c.call('GET', '/identity/v3/auth/projects', { token: unscoped })).json().projects
    assert.equal(projects.length, 1)
    assert.equal(projects[0].name, 'proj-carol')
    assert.equal(projects[0].domain_id, s.domainId)
    const scoped = await rescope(s, unscoped, { id: projects[0].id })
    assert.equal(scoped.status, 201, scoped.text)
    assert.ok(scoped.json().token.roles.some((x: { name: string }) => x.name === 'member'))
    const again = await login(s, await s.idp.sign({ sub: 'carol' }))
    assert.equal(again.status, 201)
    const all = (await s.c.call('GET', '/identity/v3/projects?name=proj-carol', { token: s.admin })).json().projects
    assert.equal(all.length, 1, 'the second login reuses the project')
  })

  it('maps to an existing local user with type local, without a federation block', async () => {
    const s = await setup([{ local: [{ user: { name: 'admin', domain: { id: 'default' }, type: 'local' } }], remote: [{ type: 'OIDC-sub', any_one_of: ['root'] }] }])
    const r = await login(s, await s.idp.sign({ sub: 'root' }))
    assert.equal(r.status, 201, r.text)
    assert.equal(r.json().token.user.name, 'admin')
    assert.equal(r.json().token.user['OS-FEDERATION'], undefined)
  })

  it('answers 401 when no rule of the mapping matches', async () => {
    const s = await setup([{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'OIDC-preferred_username' }, { type: 'OIDC-groups', any_one_of: ['admins'] }] }])
    const r = await login(s, await s.idp.sign({ sub: 'x', preferred_username: 'eve', groups: ['users'] }))
    assert.equal(r.status, 401)
    assert.deepEqual(r.json(), { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } })
    const users = (await s.c.call('GET', `/identity/v3/users?name=eve`, { token: s.admin })).json().users
    assert.equal(users.length, 0, 'nothing is created')
  })

  it('answers 401 without a bearer token, for a token from an issuer no provider trusts, and for a bad signature', async () => {
    const s = await setup(GROUP_RULES)
    assert.equal((await s.c.call('POST', AUTH)).status, 401)
    assert.equal((await s.c.call('POST', AUTH, { headers: { authorization: 'Basic YTpi' } })).status, 401)
    const stranger = await makeFakeOidcProvider('https://evil.test', () => s.c.clock.wallClockMs())
    assert.equal((await login(s, await stranger.sign({ sub: 'x', preferred_username: 'x', email: 'x' }))).status, 401)
    const forged = await s.idp.sign({ sub: 'x', preferred_username: 'x', email: 'x' }, { unpublishedKey: true })
    assert.equal((await login(s, forged)).status, 401)
    assert.equal((await login(s, 'not-a-jwt')).status, 401)
  })

  it('answers 401 for an expired token, a token not yet valid, and one issued in the future, on the virtual clock', async () => {
    const s = await setup(GROUP_RULES)
    const claims = { sub: 'x', preferred_username: 'x', email: 'x' }
    const jwt = await s.idp.sign(claims, { expiresInSeconds: 60 })
    s.c.clock.advanceBy(61_000)
    assert.equal((await login(s, jwt)).status, 401)
    assert.equal((await login(s, await s.idp.sign({ ...claims, nbf: Math.floor(s.c.clock.wallClockMs() / 1000) + 600 }))).status, 401)
    assert.equal((await login(s, await s.idp.sign(claims, { issuedAtOffsetSeconds: 3600, expiresInSeconds: 7200 }))).status, 401)
    assert.equal((await login(s, await s.idp.sign(claims))).status, 201)
  })

  it('fetches the provider keys once, and again once when a token names an unknown kid', async () => {
    const s = await setup(GROUP_RULES)
    const claims = { sub: 'x', preferred_username: 'x', email: 'x' }
    assert.equal((await login(s, await s.idp.sign(claims))).status, 201)
    assert.equal((await login(s, await s.idp.sign(claims))).status, 201)
    assert.equal(s.idp.fetched.length, 2, 'discovery and JWKS, once')
    s.c.clock.advanceBy(31_000)
    await s.idp.rotate({ dropOld: true })
    assert.equal((await login(s, await s.idp.sign(claims))).status, 201, 'the rotated key is found by refetching')
    assert.equal(s.idp.fetched.length, 3)
    assert.ok(s.idp.fetched[2]?.endsWith('/jwks'))
    assert.equal((await login(s, await s.idp.sign(claims, { kid: 'no-such-kid' }))).status, 401)
    assert.equal(s.idp.fetched.length, 3, 'no second refetch within the cooldown')
  })

  it('answers 403 for a disabled provider, and for an issuer that is another provider\'s', async () => {
    const s = await setup(GROUP_RULES, { idpEnabled: false })
    const jwt = await s.idp.sign({ sub: 'x', preferred_username: 'x', email: 'x' })
    const disabled = await login(s, jwt)
    assert.equal(disabled.status, 403)
    assert.equal(disabled.json().error.title, 'Forbidden')

    const other = 'https://other.test'
    assert.equal((await s.c.call('PATCH', '/identity/v3/OS-FEDERATION/identity_providers/myidp', { token: s.admin, json: { identity_provider: { enabled: true, remote_ids: [other] } } })).status, 200)
    assert.equal((await s.c.call('PUT', '/identity/v3/OS-FEDERATION/identity_providers/second', { token: s.admin, json: { identity_provider: { remote_ids: [ISSUER], enabled: true } } })).status, 201)
    assert.equal((await login(s, jwt)).status, 403)
  })

  it('answers 404 for an unknown provider or protocol', async () => {
    const s = await setup(GROUP_RULES)
    const jwt = await s.idp.sign({ sub: 'x', preferred_username: 'x', email: 'x' })
    const idp = await s.c.call('POST', '/identity/v3/OS-FEDERATION/identity_providers/nope/protocols/openid/auth', { headers: { authorization: `Bearer ${jwt}` } })
    assert.equal(idp.status, 404)
    assert.equal(idp.json().error.message, 'Could not find Identity Provider: nope.')
    const protocol = await s.c.call('POST', '/identity/v3/OS-FEDERATION/identity_providers/myidp/protocols/saml2/auth', { headers: { authorization: `Bearer ${jwt}` } })
    assert.equal(protocol.status, 404)
    assert.equal(protocol.json().error.message, 'Could not find federated protocol saml2 for Identity Provider: myidp.')
  })

  it('checks the audience when one is required for the protocol', async () => {
    const s = await setup(GROUP_RULES)
    s.c.cloudlet.identity.oidcAudiences.require(['keystone'], 'myidp', 'openid')
    const claims = { sub: 'x', preferred_username: 'x', email: 'x' }
    assert.equal((await login(s, await s.idp.sign(claims))).status, 401)
    assert.equal((await login(s, await s.idp.sign(claims, { audience: 'other' }))).status, 401)
    assert.equal((await login(s, await s.idp.sign(claims, { audience: ['other', 'keystone'] }))).status, 201)
  })

  it('refuses to rescope once the provider is disabled, and stops validating its tokens once it is deleted', async () => {
    const s = await setup(GROUP_RULES)
    const r = await login(s, await s.idp.sign({ sub: 'x', preferred_username: 'dan', email: 'd@x' }))
    const unscoped = r.headers['x-subject-token'] as string
    const scoped = (await rescope(s, unscoped, { id: s.projectId })).headers['x-subject-token'] as string
    await s.c.call('PATCH', '/identity/v3/OS-FEDERATION/identity_providers/myidp', { token: s.admin, json: { identity_provider: { enabled: false } } })
    assert.equal((await rescope(s, unscoped, { id: s.projectId })).status, 403)
    assert.equal((await s.c.call('GET', `/identity/v3/projects/${s.projectId}`, { token: scoped })).status, 200)
    assert.equal((await s.c.call('DELETE', '/identity/v3/OS-FEDERATION/identity_providers/myidp', { token: s.admin })).status, 204)
    assert.equal((await s.c.call('GET', `/identity/v3/projects/${s.projectId}`, { token: scoped })).status, 401)
  })

  it('keeps mapped group memberships for the provider\'s authorization_ttl', async () => {
    const s = await setup(GROUP_RULES)
    await s.c.call('PATCH', '/identity/v3/OS-FEDERATION/identity_providers/myidp', { token: s.admin, json: { identity_provider: { authorization_ttl: 10 } } })
    const r = await login(s, await s.idp.sign({ sub: 'x', preferred_username: 'erin', email: 'e@x' }))
    const userId = r.json().token.user.id
    const groups = await s.c.call('GET', `/identity/v3/users/${userId}/groups`, { token: s.admin })
    assert.equal(groups.json().groups[0].id, s.groupId)
    assert.equal(groups.json().groups[0].membership_expires_at, '2026-01-01T00:10:00.000000')
    assert.equal((await s.c.call('HEAD', `/identity/v3/groups/${s.groupId}/users/${userId}`, { token: s.admin })).status, 204)
    s.c.clock.advanceBy(10 * 60_000)
    assert.deepEqual((await s.c.call('GET', `/identity/v3/users/${userId}/groups`, { token: s.admin })).json().groups, [])
    assert.equal((await s.c.call('HEAD', `/identity/v3/groups/${s.groupId}/users/${userId}`, { token: s.admin })).status, 404)
  })
})

// Differences found against Debian's Keystone 22 under uwsgi, with nothing in front of it
// (scripts/real-cloudlet; issue 8): the claims come as OIDC-* request headers.
describe('federated login with the front end trusted-headers (a Keystone with nothing in front, as under uwsgi)', () => {
  const headerLogin = async (s: Setup, headers: Record<string, string>): Promise<Awaited<ReturnType<TestCloudlet['call']>>> =>
    await s.c.call('POST', AUTH, { headers: { accept: 'application/json', ...headers } })
  const HEADER_RULES = [{
    local: [{ user: { name: '{0}', type: 'ephemeral' } }],
    remote: [{ type: 'HTTP_OIDC_SUB' }]
  }, {
    local: [{ projects: [{ name: '{0}', roles: [{ name: 'member' }] }] }],
    remote: [{ type: 'HTTP_OIDC_PROJECT_ID' }, { type: 'HTTP_OIDC_ROLES', any_one_of: ['member'] }]
  }]

  it('takes the claims from OIDC-* headers: 201, methods [openid], the shadow user in the provider\'s domain with Keystone\'s sha256 id', async () => {
    const s = await setup(HEADER_RULES, { frontEnd: 'trusted-headers' })
    const r = await headerLogin(s, { 'oidc-iss': ISSUER, 'oidc-sub': 'probe-user', 'oidc-project-id': 'probe-project', 'oidc-roles': 'reader;member' })
    assert.equal(r.status, 201, r.text)
    const token = r.json().token
    assert.deepEqual(token.methods, ['openid'])
    assert.equal(token.user.name, 'probe-user')
    assert.equal(token.user.domain.id, s.domainId)
    assert.equal(token.user.id, await sha256Hex(`${s.domainId}userprobe-user`))
    assert.deepEqual(token.user['OS-FEDERATION'].identity_provider, { id: 'myidp' })
    const projects = await s.c.call('GET', '/identity/v3/auth/projects', { token: r.headers['x-subject-token'] as string })
    assert.deepEqual(projects.json().projects.map((p: { name: string }) => p.name), ['probe-project'])
  })

  it('answers 401 for a bearer token alone (nothing verifies it) and without OIDC-Iss', async () => {
    const s = await setup(HEADER_RULES, { frontEnd: 'trusted-headers' })
    assert.equal((await login(s, await s.idp.sign({ sub: 'x' }))).status, 401)
    assert.equal((await headerLogin(s, { 'oidc-sub': 'x', 'oidc-project-id': 'p', 'oidc-roles': 'member' })).status, 401)
  })

  it('answers 403 for an issuer that is not the provider\'s remote id', async () => {
    const s = await setup(HEADER_RULES, { frontEnd: 'trusted-headers' })
    assert.equal((await headerLogin(s, { 'oidc-iss': 'http://wrong/identity', 'oidc-sub': 'x', 'oidc-project-id': 'p', 'oidc-roles': 'member' })).status, 403)
  })

  it('gives an unscoped token without projects when only the user rule matches (no roles claim)', async () => {
    const s = await setup(HEADER_RULES, { frontEnd: 'trusted-headers' })
    const r = await headerLogin(s, { 'oidc-iss': ISSUER, 'oidc-sub': 'x', 'oidc-project-id': 'p' })
    assert.equal(r.status, 201, r.text)
    const projects = await s.c.call('GET', '/identity/v3/auth/projects', { token: r.headers['x-subject-token'] as string })
    assert.deepEqual(projects.json().projects, [])
  })
})

async function sha256Hex (text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('')
}
