/**
 * The cloudlet side of identity, end to end on an emulated cloudlet in memory: the agent makes
 * the cloudlet a service provider of a fake p2pstack provider (CloudletFederationSetup), a
 * user's p2pstack token becomes a cloudlet-local project-scoped token (CloudletSessions), the
 * user creates a server with it, and the server's tenant_id and user_id read as the global ids
 * once translated (IdTranslator) — and back for a path.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HttpHandler } from '../../core/http.ts'
import { silentLogger } from '../../core/ports.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { makeP2pstackTokenIssuer } from '../../../test/fixtures/p2pstack-token-issuer.ts'
import type { P2pstackTokenIssuer } from '../../../test/fixtures/p2pstack-token-issuer.ts'
import { makeTestCloudlet, TEST_BASE_URL } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { KeystonePasswordTokenSource } from '../keystone-token-source.ts'
import { CloudletFederationSetup, p2pstackMappingRules } from './cloudlet-federation-setup.ts'
import { CloudletLoginRefusedError, CloudletSessions, CloudletUnavailableError } from './cloudlet-sessions.ts'
import { IdTranslator } from './id-translator.ts'
import { learnShadowIds } from './shadow-ids.ts'
import { UserTokenVerifier } from './user-token-verifier.ts'
import { validateMapping } from '../../openstack/identity/mapping-schema.ts'

const KEYSTONE = `${TEST_BASE_URL}/identity`
const ALICE = '0123456789abcdef0123456789abcdef'
const BOB = 'fedcba9876543210fedcba9876543210'
const PROJECT = 'aaaabbbbccccddddeeeeffff00001111'
const OTHER_PROJECT = '11110000ffffeeeeddddccccbbbbaaaa'

interface World {
  readonly c: TestCloudlet
  readonly idp: P2pstackTokenIssuer
  readonly admin: KeystonePasswordTokenSource
  readonly setup: CloudletFederationSetup
  readonly verifier: UserTokenVerifier
  readonly translator: IdTranslator
  readonly sessions: CloudletSessions
  /** Counts the cloudlet's Keystone calls the sessions make. */
  readonly logins: { count: number }
}

/** `trustedHeaders`: the cloudlet's Keystone has nothing in front (as under uwsgi) and the sessions pass the claims as OIDC-* headers. */
async function world (options: { trustedHeaders?: boolean } = {}): Promise<World> {
  const clock = new VirtualClock()
  const idp = await makeP2pstackTokenIssuer('http://idp.test', () => clock.wallClockMs())
  const c = await makeTestCloudlet({ clock, outbound: idp.provider.handler, ...(options.trustedHeaders === true ? { config: { federationFrontEnd: 'trusted-headers' as const } } : {}) })
  const http: HttpHandler = async request => await c.cloudlet.handler(request)
  const admin = new KeystonePasswordTokenSource(http, clock, { authUrl: KEYSTONE, user: 'admin', password: c.config.admin.password, project: 'admin' })
  const setup = new CloudletFederationSetup(http, admin, { keystoneUrl: KEYSTONE, issuer: idp.issuer })
  const verifier = new UserTokenVerifier({ clock, outbound: idp.provider.handler, logger: silentLogger, issuer: idp.issuer })
  const translator = new IdTranslator()
  const logins = { count: 0 }
  const counting: HttpHandler = async request => {
    logins.count++
    return await http(request)
  }
  const federation = options.trustedHeaders === true ? { mode: 'trusted-headers' as const, issuer: idp.issuer } : { mode: 'bearer' as const }
  const sessions = new CloudletSessions({ http: counting, keystoneUrl: KEYSTONE, clock, logger: silentLogger, translator, federation })
  return { c, idp, admin, setup, verifier, translator, sessions, logins }
}

describe('p2pstackMappingRules', () => {
  it('is a valid Keystone mapping', () => {
    assert.deepEqual(validateMapping({ rules: p2pstackMappingRules() }), [])
  })
})

describe('CloudletFederationSetup', () => {
  it('creates the domain, provider, mapping and protocol once, and changes nothing the second time', async () => {
    const w = await world()
    const first = await w.setup.ensure()
    assert.deepEqual(first.changed, ['domain p2pstack created', 'identity provider p2pstack created', 'mapping p2pstack-openid created', 'protocol openid created'])
    const second = await w.setup.ensure()
    assert.deepEqual(second.changed, [])
    assert.equal(second.domainId, first.domainId)
    const token = await w.admin.token()
    const idp = (await w.c.call('GET', '/identity/v3/OS-FEDERATION/identity_providers/p2pstack', { token })).json().identity_provider
    assert.deepEqual(idp.remote_ids, [w.idp.issuer])
    assert.equal(idp.domain_id, first.domainId)
    const protocol = (await w.c.call('GET', '/identity/v3/OS-FEDERATION/identity_providers/p2pstack/protocols/openid', { token })).json().protocol
    assert.equal(protocol.mapping_id, 'p2pstack-openid')
  })

  it('brings a changed provider and mapping back to what p2pstack needs', async () => {
    const w = await world()
    await w.setup.ensure()
    const token = await w.admin.token()
    await w.c.call('PATCH', '/identity/v3/OS-FEDERATION/identity_providers/p2pstack', { token, json: { identity_provider: { remote_ids: ['http://old.test'], enabled: false } } })
    await w.c.call('PATCH', '/identity/v3/OS-FEDERATION/mappings/p2pstack-openid', { token, json: { mapping: { rules: [{ local: [{ user: { name: 'x' } }], remote: [{ type: 'REMOTE_USER' }] }] } } })
    const again = await w.setup.ensure()
    assert.deepEqual(again.changed, ['identity provider p2pstack updated', 'mapping p2pstack-openid updated'])
    const idp = (await w.c.call('GET', '/identity/v3/OS-FEDERATION/identity_providers/p2pstack', { token })).json().identity_provider
    assert.deepEqual(idp.remote_ids, [w.idp.issuer])
    assert.equal(idp.enabled, true)
  })
})

describe('CloudletSessions', () => {
  it('logs a user in to the shadow project with exactly the mapped roles, and the user creates a server there', async () => {
    const w = await world()
    const { domainId } = await w.setup.ensure()
    const auth = await w.verifier.verify(await w.idp.issue({ userId: ALICE, projectId: PROJECT, roles: ['member', 'reader'] }))
    const session = await w.sessions.session(auth)
    assert.notEqual(session.localProjectId, PROJECT)
    assert.equal(session.expiresAtMs, auth.expiresAtMs, 'the user token ends first')

    const check = await w.c.call('GET', '/identity/v3/auth/tokens', { token: session.token, headers: { 'x-subject-token': session.token } })
    const body = check.json().token
    assert.equal(body.project.name, PROJECT)
    assert.equal(body.project.domain.id, domainId)
    assert.equal(body.user.name, ALICE)
    assert.equal(body.user.id, session.localUserId)
    assert.deepEqual(body.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader'])

    const admin = await w.admin.token()
    const image = (await w.c.call('POST', '/image/v2/images', { token: admin, json: { name: 'cirros', disk_format: 'raw', container_format: 'bare', visibility: 'public' } })).json().id
    await w.c.call('PUT', `/image/v2/images/${image}/file`, { token: admin, body: new Uint8Array(512), headers: { 'content-type': 'application/octet-stream' } })
    const created = await w.c.call('POST', '/compute/v2.1/servers', {
      token: session.token,
      headers: { 'openstack-api-version': 'compute 2.37' },
      json: { server: { name: 'vm1', imageRef: image, flavorRef: '1', networks: 'none' } }
    })
    assert.equal(created.status, 202, created.text)
    const id = created.json().server.id
    const shown = await w.c.call('GET', `/compute/v2.1/servers/${id}`, { token: session.token })
    assert.equal(shown.json().server.tenant_id, session.localProjectId)
    const global = JSON.parse(w.translator.toGlobal(shown.text)).server
    assert.equal(global.tenant_id, PROJECT)
    assert.equal(global.user_id, ALICE)
    assert.equal(global.id, id, 'other ids are left alone')
    assert.equal(w.translator.toLocal(`/os-quota-sets/${PROJECT}`), `/os-quota-sets/${session.localProjectId}`)
  })

  it('maps admin, and only reader, from the roles claim; and a user with none of them gets no session', async () => {
    const w = await world()
    await w.setup.ensure()
    const roleNames = async (roles: string[], userId: string, projectId: string): Promise<string[]> => {
      const auth = await w.verifier.verify(await w.idp.issue({ userId, projectId, roles }))
      const session = await w.sessions.session(auth)
      const check = await w.c.call('GET', '/identity/v3/auth/tokens', { token: session.token, headers: { 'x-subject-token': session.token } })
      return check.json().token.roles.map((r: { name: string }) => r.name).sort()
    }
    assert.deepEqual(await roleNames(['reader'], BOB, OTHER_PROJECT), ['reader'])
    assert.deepEqual(await roleNames(['admin', 'member', 'reader'], ALICE, PROJECT), ['admin', 'member', 'reader'])
    const nobody = await w.verifier.verify(await w.idp.issue({ userId: BOB, projectId: 'cccccccccccccccccccccccccccccccc', roles: ['observer'] }))
    await assert.rejects(w.sessions.session(nobody), CloudletLoginRefusedError)
  })

  it('caches the session per user token until shortly before it ends, with one login for concurrent calls', async () => {
    const w = await world()
    await w.setup.ensure()
    const auth = await w.verifier.verify(await w.idp.issue({ userId: ALICE, projectId: PROJECT }, { expiresInSeconds: 3600 }))
    const [a, b] = await Promise.all([w.sessions.session(auth), w.sessions.session(auth)])
    assert.equal(a, b)
    assert.equal(w.logins.count, 2, 'one federated login and one rescope')
    w.c.clock.advanceBy(60_000)
    assert.equal(await w.sessions.session(auth), a)
    assert.equal(w.logins.count, 2)
    w.c.clock.advanceBy(a.expiresAtMs - w.c.clock.wallClockMs() - 29_000)
    const renewed = await w.sessions.session(auth)
    assert.notEqual(renewed.token, a.token)
    assert.equal(w.logins.count, 4)
    w.sessions.invalidate(auth.auditId)
    await w.sessions.session(auth)
    assert.equal(w.logins.count, 6)
  })

  it('reports a refused token and an unreachable cloudlet as typed errors', async () => {
    const w = await world()
    const auth = await w.verifier.verify(await w.idp.issue({ userId: ALICE, projectId: PROJECT }))
    await assert.rejects(w.sessions.session(auth), (error: Error) => error instanceof CloudletLoginRefusedError || error instanceof CloudletUnavailableError)
    await w.setup.ensure()
    const unscoped = await w.verifier.verify(await w.idp.issue({ userId: ALICE }))
    await assert.rejects(w.sessions.session(unscoped), CloudletLoginRefusedError)
    const down = new CloudletSessions({ http: async () => { throw new Error('ECONNREFUSED') }, keystoneUrl: KEYSTONE, clock: w.c.clock, logger: silentLogger })
    await assert.rejects(down.session(auth), CloudletUnavailableError)
    const broken = new CloudletSessions({ http: async () => ({ status: 500, headers: {}, body: '{}' }), keystoneUrl: KEYSTONE, clock: w.c.clock, logger: silentLogger })
    await assert.rejects(broken.session(auth), CloudletUnavailableError)
  })
})

describe('CloudletSessions with federation trusted-headers (a Keystone with nothing in front, as Debian\'s under uwsgi)', () => {
  it('logs the user in to the shadow project with the claims as OIDC-* headers, with exactly the mapped roles', async () => {
    const w = await world({ trustedHeaders: true })
    const { domainId } = await w.setup.ensure()
    const auth = await w.verifier.verify(await w.idp.issue({ userId: ALICE, projectId: PROJECT, roles: ['member', 'reader'] }))
    const session = await w.sessions.session(auth)
    const body = (await w.c.call('GET', '/identity/v3/auth/tokens', { token: session.token, headers: { 'x-subject-token': session.token } })).json().token
    assert.equal(body.project.name, PROJECT)
    assert.equal(body.project.domain.id, domainId)
    assert.equal(body.user.name, ALICE)
    assert.deepEqual(body.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader'])
    assert.equal(w.translator.globalId(session.localProjectId), PROJECT)
  })

  it('is refused by such a Keystone in bearer mode (nothing verifies the bearer token there)', async () => {
    const w = await world({ trustedHeaders: true })
    await w.setup.ensure()
    const auth = await w.verifier.verify(await w.idp.issue({ userId: ALICE, projectId: PROJECT, roles: ['member'] }))
    const bearer = new CloudletSessions({ http: async r => await w.c.cloudlet.handler(r), keystoneUrl: KEYSTONE, clock: w.c.clock, logger: silentLogger })
    await assert.rejects(bearer.session(auth), CloudletLoginRefusedError)
  })
})

describe('learnShadowIds', () => {
  it('rebuilds the translator from the cloudlet\'s shadow projects and users', async () => {
    const w = await world()
    await w.setup.ensure()
    const session = await w.sessions.session(await w.verifier.verify(await w.idp.issue({ userId: ALICE, projectId: PROJECT })))
    const fresh = new IdTranslator()
    const pairs = await learnShadowIds(async r => await w.c.cloudlet.handler(r), KEYSTONE, w.admin, fresh)
    assert.equal(pairs, 2)
    assert.equal(fresh.globalId(session.localProjectId), PROJECT)
    assert.equal(fresh.globalId(session.localUserId), ALICE)
  })
})
