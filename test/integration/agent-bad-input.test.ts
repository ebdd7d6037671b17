/**
 * Bad input at the agent's OpenStack APIs, over real HTTP on loopback (2 agents over 2 emulated
 * cloudlets): each gets the answer the OpenStack service would give, in its envelope, and the
 * agent goes on serving. A forged forward directive is refused, never trusted.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_IMAGE, startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { FORWARD_HEADER, FORWARD_SIGNATURE_HEADER } from '../../src/agent/forwarded-call.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { loginAt } from '../fixtures/agent-login.ts'

describe('bad input at the agent', { timeout: 120_000 }, () => {
  let cluster: RunningLocalCluster
  let base: string
  let token: string

  const call = async (method: string, path: string, options: { token?: string | null, body?: string, headers?: Record<string, string> } = {}): Promise<{ status: number, text: string, json: () => any }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
    const t = options.token === undefined ? token : options.token
    if (t !== null) headers['x-auth-token'] = t
    const response = await fetch(`${base}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) })
    const text = await response.text()
    return { status: response.status, text, json: () => JSON.parse(text) }
  }

  before(async () => {
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 2, dataDir: null, adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 50, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 } })
    await cluster.converged(30_000)
    base = cluster.entryUrl
    token = (await loginAt(base)).token
  })

  after(async () => { await cluster?.stop() })

  it('answers 401 in keystonemiddleware\'s body without a token, with a garbage one, and with a tampered one', async () => {
    for (const t of [null, 'garbage', `${token.slice(0, -4)}AAAA`]) {
      const r = await call('GET', '/compute/v2.1/servers', { token: t })
      assert.equal(r.status, 401)
      assert.deepEqual(r.json(), { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } })
    }
  })

  it('passes Nova\'s own 400 for a create body that is not JSON or not a valid create', async () => {
    const notJson = await call('POST', '/compute/v2.1/servers', { body: '{"server": ' })
    assert.equal(notJson.status, 400)
    assert.ok(notJson.json().badRequest.message.length > 0)
    const invalid = await call('POST', '/compute/v2.1/servers', { body: JSON.stringify({ server: { name: 'x' } }) })
    assert.equal(invalid.status, 400)
    assert.match(invalid.json().badRequest.message, /flavorRef/)
  })

  it('answers Nova\'s 404 for a server no cloudlet has, and Nova\'s 400s for a bad limit and an unknown marker', async () => {
    const id = '00000000-0000-4000-8000-000000000000'
    const missing = await call('GET', `/compute/v2.1/servers/${id}`)
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json(), { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } })
    const limit = await call('GET', '/compute/v2.1/servers?limit=abc')
    assert.equal(limit.status, 400)
    assert.ok('badRequest' in limit.json())
    const marker = await call('GET', `/compute/v2.1/servers?marker=${id}`)
    assert.equal(marker.status, 400)
    assert.deepEqual(marker.json(), { badRequest: { code: 400, message: `marker [${id}] not found` } })
  })

  it('refuses a forged forward directive with Nova\'s 403, and creates nothing', async () => {
    const before = (await call('GET', '/compute/v2.1/servers')).json().servers.length
    const forged = await call('POST', '/compute/v2.1/servers', {
      body: JSON.stringify({ server: { name: 'forged', flavorRef: '1', imageRef: DEFAULT_IMAGE.id } }),
      headers: { [FORWARD_HEADER]: Buffer.from('{"v":1}').toString('base64url'), [FORWARD_SIGNATURE_HEADER]: `sha256=${'0'.repeat(64)}` }
    })
    assert.equal(forged.status, 403, forged.text)
    assert.match(forged.json().forbidden.message, /forward directive that was refused \(bad signature\)/)
    assert.equal((await call('GET', '/compute/v2.1/servers')).json().servers.length, before)
  })

  it('answers 404 for a path outside the services, and still serves after all of it', async () => {
    assert.equal((await call('GET', '/nothing-here')).status, 404)
    assert.equal((await call('GET', '/compute/v2.1/servers')).status, 200)
  })
})
