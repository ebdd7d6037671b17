/**
 * The agent's Keystone front against a fake identity provider (a p2pstack token issuer with a
 * password login, a token delete and a project list): version documents, token issue with the
 * agent's catalog, local validation and catalog that survive the provider being down, Keystone's
 * 401/403/404 answers, forwarding with the provider's URLs rewritten, 503 when the provider is
 * unreachable, and a deleted token refused at once. The last test runs both over real HTTP.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { httpRequest, jsonResponse, readJson, readText, emptyResponse } from '../../core/http.ts'
import type { HttpHandler, HttpResponse } from '../../core/http.ts'
import { silentLogger } from '../../core/ports.ts'
import { createHttpClient } from '../../runtime/http-client.ts'
import { startHttpServer } from '../../runtime/http-server.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { makeP2pstackTokenIssuer } from '../../../test/fixtures/p2pstack-token-issuer.ts'
import { agentIdentityHandler } from './agent-identity-handler.ts'
import { RevokedTokens } from './revoked-tokens.ts'
import { UserTokenVerifier } from './user-token-verifier.ts'

const ALICE = '0123456789abcdef0123456789abcdef'
const BOB = 'fedcba9876543210fedcba9876543210'
const PROJECT = 'aaaabbbbccccddddeeeeffff00001111'
const AGENT = 'http://agent.test:4001'

/** A fake provider at `idpUrl`: password logins for alice (member) and bob (admin), delete, project list. */
async function fakeIdp (idpUrl: string, clock: VirtualClock) {
  const issuer = await makeP2pstackTokenIssuer(idpUrl, () => clock.wallClockMs())
  const deleted: string[] = []
  const handler: HttpHandler = async request => {
    const path = request.url.pathname
    if (path.startsWith('/identity/.well-known') || path === '/identity/jwks') return await issuer.provider.handler(request)
    if (path === '/identity/v3/auth/tokens' && request.method === 'POST') {
      const body = await readJson(request.body === null ? null : request.body) as any
      const user = body.auth.identity.password.user
      const who = user.name === 'alice' && user.password === 'pw' ? { id: ALICE, roles: ['member', 'reader'] } : user.name === 'bob' && user.password === 'pw' ? { id: BOB, roles: ['admin', 'member', 'reader'] } : null
      if (who === null) return jsonResponse(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }, { 'www-authenticate': `Keystone uri="${idpUrl}/identity"` })
      const jwt = await issuer.issue({ userId: who.id, userName: user.name, projectId: PROJECT, roles: who.roles })
      return jsonResponse(201, {
        token: {
          methods: ['password'], user: { id: who.id, name: user.name, domain: { id: 'default', name: 'Default' } }, project: { id: PROJECT, name: 'demo', domain: { id: 'default', name: 'Default' } },
          roles: who.roles.map(name => ({ id: `role-${name}`, name })), catalog: [{ type: 'identity', endpoints: [{ url: `${idpUrl}/identity` }] }]
        }
      }, { 'x-subject-token': jwt })
    }
    if (path === '/identity/v3/auth/tokens' && request.method === 'DELETE') {
      deleted.push(request.headers['x-subject-token'] ?? '')
      return emptyResponse(204)
    }
    if (path === '/identity/v3/projects') {
      return jsonResponse(200, { projects: [{ id: PROJECT, name: 'demo', links: { self: `${idpUrl}/identity/v3/projects/${PROJECT}` } }], links: { self: `${idpUrl}/identity/v3/projects${request.url.search}`, next: null, previous: null } })
    }
    return jsonResponse(404, { error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } })
  }
  return { issuer, handler, deleted }
}

async function setup () {
  const clock = new VirtualClock()
  const idp = await fakeIdp('http://idp.test', clock)
  let down = false
  const outbound: HttpHandler = async request => {
    if (down) throw new Error('connect ECONNREFUSED')
    return await idp.handler(request)
  }
  const revoked = new RevokedTokens()
  const verifier = new UserTokenVerifier({ clock, outbound, logger: silentLogger, issuer: idp.issuer.issuer, revocations: revoked })
  const handler = agentIdentityHandler({ agentUrl: AGENT, region: 'p2pstack', idpUrl: 'http://idp.test', idp: outbound, verifier, revoked, logger: silentLogger })
  const call = async (method: string, path: string, options: { headers?: Record<string, string>, json?: unknown } = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    const r: HttpResponse = await handler(httpRequest(method, `${AGENT}${path}`, { headers, body: options.json === undefined ? null : JSON.stringify(options.json) }))
    const text = await readText(r.body)
    return { status: r.status, headers: r.headers, text, json: () => JSON.parse(text) }
  }
  const login = async (name: string) => {
    const r = await call('POST', '/identity/v3/auth/tokens', { json: { auth: { identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password: 'pw' } } }, scope: { project: { name: 'demo', domain: { name: 'Default' } } } } } })
    assert.equal(r.status, 201, r.text)
    return { token: r.headers['x-subject-token'] as string, body: r.json() }
  }
  return { clock, idp, verifier, revoked, call, login, setDown: (value: boolean) => { down = value } }
}

describe('agentIdentityHandler', () => {
  it('serves the version documents with the agent\'s URL', async () => {
    const s = await setup()
    const root = await s.call('GET', '/identity')
    assert.equal(root.status, 300)
    assert.equal(root.json().versions.values[0].links[0].href, `${AGENT}/identity/v3/`)
    const v3 = await s.call('GET', '/identity/v3')
    assert.equal(v3.status, 200)
    assert.equal(v3.json().version.id, 'v3.14')
  })

  it('issues tokens through the provider, with the agent\'s one-region catalog', async () => {
    const s = await setup()
    const { token, body } = await s.login('alice')
    assert.equal((await s.verifier.verify(token)).userId, ALICE)
    const catalog = body.token.catalog
    assert.deepEqual(catalog.map((c: { type: string }) => c.type), ['identity', 'compute', 'image', 'network'])
    const endpoints = catalog.flatMap((c: { endpoints: any[] }) => c.endpoints)
    assert.equal(endpoints.length, 12)
    assert.ok(endpoints.every((e: { url: string, region: string, region_id: string }) => e.url.startsWith(`${AGENT}/`) && e.region === 'p2pstack' && e.region_id === 'p2pstack'))
    assert.deepEqual(catalog.find((c: { type: string }) => c.type === 'compute').endpoints.map((e: { interface: string }) => e.interface), ['public', 'internal', 'admin'])
    const nocatalog = await s.call('POST', '/identity/v3/auth/tokens?nocatalog', { json: { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'pw' } } } } } })
    assert.equal(nocatalog.json().token.catalog, undefined)
    const refused = await s.call('POST', '/identity/v3/auth/tokens', { json: { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'no' } } } } } })
    assert.equal(refused.status, 401)
    assert.equal(refused.headers['www-authenticate'], `Keystone uri="${AGENT}/identity"`)
  })

  it('validates tokens and answers the catalog locally, also while the provider is down', async () => {
    const s = await setup()
    const alice = await s.login('alice')
    const bob = await s.login('bob')
    s.setDown(true)
    const own = await s.call('GET', '/identity/v3/auth/tokens', { headers: { 'x-auth-token': alice.token, 'x-subject-token': alice.token } })
    assert.equal(own.status, 200, own.text)
    assert.equal(own.headers['x-subject-token'], alice.token)
    const t = own.json().token
    assert.equal(t.user.id, ALICE)
    assert.equal(t.project.id, PROJECT)
    assert.deepEqual(t.roles, [{ id: 'role-member', name: 'member' }, { id: 'role-reader', name: 'reader' }])
    assert.equal(t.catalog.length, 4)
    assert.match(t.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    assert.equal((await s.call('HEAD', '/identity/v3/auth/tokens', { headers: { 'x-auth-token': bob.token, 'x-subject-token': alice.token } })).status, 200, 'an admin may check any token')
    const forbidden = await s.call('GET', '/identity/v3/auth/tokens', { headers: { 'x-auth-token': alice.token, 'x-subject-token': bob.token } })
    assert.equal(forbidden.status, 403)
    const missing = await s.call('GET', '/identity/v3/auth/tokens', { headers: { 'x-auth-token': alice.token, 'x-subject-token': 'junk' } })
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json(), { error: { code: 404, title: 'Not Found', message: 'Could not find token: junk.' } })
    const unauthorized = await s.call('GET', '/identity/v3/auth/tokens', { headers: { 'x-auth-token': 'junk', 'x-subject-token': alice.token } })
    assert.equal(unauthorized.status, 401)
    assert.equal(unauthorized.json().error.message, 'The request you have made requires authentication.')
    const catalog = await s.call('GET', '/identity/v3/auth/catalog', { headers: { 'x-auth-token': alice.token } })
    assert.equal(catalog.status, 200)
    assert.equal(catalog.json().catalog.length, 4)
    assert.equal(catalog.json().links.self, `${AGENT}/identity/v3/auth/catalog`)
  })

  it('forwards other calls with the provider\'s URLs rewritten, and answers 503 when it is unreachable', async () => {
    const s = await setup()
    const alice = await s.login('alice')
    const projects = await s.call('GET', '/identity/v3/projects?name=demo', { headers: { 'x-auth-token': alice.token } })
    assert.equal(projects.status, 200)
    assert.equal(projects.json().projects[0].links.self, `${AGENT}/identity/v3/projects/${PROJECT}`)
    assert.equal(projects.json().links.self, `${AGENT}/identity/v3/projects?name=demo`)
    assert.equal((await s.call('GET', '/identity/v3/nothing-here', { headers: { 'x-auth-token': alice.token } })).status, 404)
    s.setDown(true)
    const down = await s.call('GET', '/identity/v3/projects', { headers: { 'x-auth-token': alice.token } })
    assert.equal(down.status, 503)
    assert.equal(down.json().error.code, 503)
    assert.equal(down.json().error.title, 'Service Unavailable')
    assert.equal((await s.call('POST', '/identity/v3/auth/tokens', { json: { auth: {} } })).status, 503)
  })

  it('revokes a deleted token at once', async () => {
    const s = await setup()
    const alice = await s.login('alice')
    const bob = await s.login('bob')
    const r = await s.call('DELETE', '/identity/v3/auth/tokens', { headers: { 'x-auth-token': bob.token, 'x-subject-token': alice.token } })
    assert.equal(r.status, 204)
    assert.deepEqual(s.idp.deleted, [alice.token])
    assert.equal((await s.call('GET', '/identity/v3/auth/catalog', { headers: { 'x-auth-token': alice.token } })).status, 401)
    assert.equal((await s.call('GET', '/identity/v3/auth/catalog', { headers: { 'x-auth-token': bob.token } })).status, 200)
  })

  describe('over real HTTP on 127.0.0.1', () => {
    const closers: Array<() => Promise<void>> = []
    after(async () => { for (const close of closers.reverse()) await close() })

    it('issues a token at the agent and validates it there', async () => {
      const clock = new VirtualClock()
      let idpHandler: HttpHandler = async () => jsonResponse(503, {})
      const idpServer = await startHttpServer({ host: '127.0.0.1', port: 0, handler: async r => await idpHandler(r), logger: silentLogger })
      closers.push(idpServer.close)
      const idp = await fakeIdp(idpServer.url, clock)
      idpHandler = idp.handler
      const client = createHttpClient()
      closers.push(client.close)
      let agentHandler: HttpHandler = async () => jsonResponse(503, {})
      const agentServer = await startHttpServer({ host: '127.0.0.1', port: 0, handler: async r => await agentHandler(r), logger: silentLogger })
      closers.push(agentServer.close)
      const verifier = new UserTokenVerifier({ clock, outbound: client, logger: silentLogger, issuer: idp.issuer.issuer })
      agentHandler = agentIdentityHandler({ agentUrl: agentServer.url, region: 'p2pstack', idpUrl: idpServer.url, idp: client, verifier, logger: silentLogger })

      const issued = await client(httpRequest('POST', `${agentServer.url}/identity/v3/auth/tokens`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'alice', domain: { name: 'Default' }, password: 'pw' } } } } })
      }))
      const body = await readJson(issued.body) as any
      assert.equal(issued.status, 201)
      assert.equal(body.token.catalog[0].endpoints[0].url, `${agentServer.url}/identity`)
      const token = issued.headers['x-subject-token'] as string
      const checked = await client(httpRequest('GET', `${agentServer.url}/identity/v3/auth/tokens`, { headers: { 'x-auth-token': token, 'x-subject-token': token } }))
      assert.equal(checked.status, 200)
      assert.equal((await readJson(checked.body) as any).token.user.id, ALICE)
    })
  })
})
