/**
 * The load reader and the token source against an emulated cloudlet in memory (its handler is
 * the HttpHandler), and against handlers that misbehave in the ways a real cloudlet can: an
 * expired token, a refused one, error statuses, bodies that are not JSON, a provider deleted
 * mid-read, no answer at all. Each gives a load or a CloudletLoadError, never a crash.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet, TEST_BASE_URL } from '../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../test/fixtures/test-cloudlet.ts'
import type { HttpHandler } from '../core/http.ts'
import { jsonResponse } from '../core/http.ts'
import { CloudletLoadError } from './cloudlet-load.ts'
import { CloudletLoadReader } from './cloudlet-load-reader.ts'
import { KeystoneAuthError, KeystonePasswordTokenSource, TOKEN_REFRESH_MARGIN_MS } from './keystone-token-source.ts'
import type { TokenSource } from './keystone-token-source.ts'

const CONFIG = {
  hosts: { count: 3, vcpus: 4, ramMb: 8192, diskGb: 100 },
  allocationRatios: { vcpu: 16, ramMb: 1.5, diskGb: 1 },
  reserved: { ramMb: 512, diskGb: 10 }
}
/** 3 × 4 × 16; 3 × (8192 − 512) × 1.5; 3 × (100 − 10). */
const CAPACITY = { vcpus: 192, memoryMb: 34_560, diskGb: 270 }

async function cloudlet (): Promise<{ c: TestCloudlet, tokens: KeystonePasswordTokenSource, placementUrl: string }> {
  const c = await makeTestCloudlet({ config: CONFIG })
  const tokens = new KeystonePasswordTokenSource(c.cloudlet.handler, c.clock, { authUrl: `${TEST_BASE_URL}/identity`, user: 'admin', password: 'secret', project: 'admin' })
  return { c, tokens, placementUrl: await tokens.endpoint('placement') }
}

/** A TokenSource that hands out `tokens` in turn, recording what was invalidated. */
function scriptedTokens (...tokens: string[]): TokenSource & { invalidated: string[] } {
  const invalidated: string[] = []
  let i = 0
  return { invalidated, token: async () => tokens[Math.min(i, tokens.length - 1)] as string, invalidate: t => { invalidated.push(t); i++ } }
}

async function rejectsWith (promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CloudletLoadError, `not a CloudletLoadError: ${String(error)}`)
    assert.match(error.message, message)
    return true
  })
}

describe('CloudletLoadReader', () => {
  it('reads capacity as the hosts, ratios and reserved amounts say, and what servers use', async () => {
    const { c, tokens, placementUrl } = await cloudlet()
    assert.equal(placementUrl, `${TEST_BASE_URL}/placement`)
    const reader = new CloudletLoadReader({ http: c.cloudlet.handler, tokens, placementUrl })
    const load = await reader.read()
    assert.deepEqual(load, {
      vcpus: { capacity: CAPACITY.vcpus, used: 0 },
      memoryMb: { capacity: CAPACITY.memoryMb, used: 0 },
      diskGb: { capacity: CAPACITY.diskGb, used: 0 }
    })
    const hosts = c.cloudlet.placement.state.providerList()
    c.cloudlet.placement.state.allocate('server-1', (hosts[0] as { id: string }).id, { VCPU: 2, MEMORY_MB: 1024, DISK_GB: 20 }, 'p', 'u')
    c.cloudlet.placement.state.allocate('server-2', (hosts[2] as { id: string }).id, { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 }, 'p', 'u')
    const after = await reader.read()
    assert.deepEqual([after.vcpus.used, after.memoryMb.used, after.diskGb.used], [3, 1536, 21])
  })

  it('renews a token Placement refuses with 401, once', async () => {
    const { c, tokens, placementUrl } = await cloudlet()
    const good = await tokens.token()
    const scripted = scriptedTokens('expired-token', good)
    const load = await new CloudletLoadReader({ http: c.cloudlet.handler, tokens: scripted, placementUrl }).read()
    assert.equal(load.vcpus.capacity, CAPACITY.vcpus)
    assert.deepEqual(scripted.invalidated, ['expired-token'])
    await rejectsWith(new CloudletLoadReader({ http: c.cloudlet.handler, tokens: scriptedTokens('bad'), placementUrl }).read(), /GET .*\/placement\/resource_providers answered 401/)
  })

  it('says so when the token is not an admin’s (403)', async () => {
    const { c, placementUrl } = await cloudlet()
    const member = await c.member('alice')
    await rejectsWith(new CloudletLoadReader({ http: c.cloudlet.handler, tokens: scriptedTokens(member.token), placementUrl }).read(), /answered 403: .*Policy does not allow placement:resource_providers:list/)
  })

  it('leaves out a provider deleted between the list and its reads', async () => {
    const { c, tokens, placementUrl } = await cloudlet()
    const ids = c.cloudlet.placement.state.providerList().map(p => p.id)
    const http: HttpHandler = async request => request.url.pathname.includes(ids[1] as string)
      ? jsonResponse(404, { errors: [{ status: 404, title: 'Not Found', detail: 'gone' }] })
      : await c.cloudlet.handler(request)
    const load = await new CloudletLoadReader({ http, tokens, placementUrl }).read()
    assert.equal(load.vcpus.capacity, CAPACITY.vcpus * 2 / 3)
  })

  it('gives a CloudletLoadError for error statuses, bodies that are not JSON or not Placement’s', async () => {
    const { c, tokens, placementUrl } = await cloudlet()
    const tamper = (status: number, body: string, where = 'usages'): HttpHandler => async request =>
      request.url.pathname.endsWith(where) ? { status, headers: {}, body } : await c.cloudlet.handler(request)
    await rejectsWith(new CloudletLoadReader({ http: tamper(503, 'busy'), tokens, placementUrl }).read(), /\/usages answered 503: busy/)
    await rejectsWith(new CloudletLoadReader({ http: tamper(200, '<html>'), tokens, placementUrl }).read(), /\/usages answered 200 with a body that is not JSON/)
    await rejectsWith(new CloudletLoadReader({ http: tamper(200, '{"usages": {"VCPU": "many"}}'), tokens, placementUrl }).read(), /usage of VCPU: not what Placement sends/)
    await rejectsWith(new CloudletLoadReader({ http: tamper(200, '[]', '/resource_providers'), tokens, placementUrl }).read(), /resource provider list: not what Placement sends/)
  })

  it('gives a CloudletLoadError when the cloudlet cannot be reached, answers too slowly, or gives no token', async () => {
    const { c, placementUrl } = await cloudlet()
    const unreachable: HttpHandler = async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:9') }
    await rejectsWith(new CloudletLoadReader({ http: unreachable, tokens: scriptedTokens('t'), placementUrl }).read(), /resource_providers failed: connect ECONNREFUSED/)
    const silent: HttpHandler = async () => await new Promise(() => {})
    await rejectsWith(new CloudletLoadReader({ http: silent, tokens: scriptedTokens('t'), placementUrl, timeoutMs: 30 }).read(), /did not answer within 30 ms/)
    const noToken: TokenSource = { token: async () => { throw new KeystoneAuthError('Keystone refused') }, invalidate: () => {} }
    await rejectsWith(new CloudletLoadReader({ http: c.cloudlet.handler, tokens: noToken, placementUrl }).read(), /no token for Placement at .*: Keystone refused/)
  })
})

describe('KeystonePasswordTokenSource', () => {
  it('asks Keystone once for concurrent callers and keeps the token until near its expiry', async () => {
    const c = await makeTestCloudlet({ config: { tokenTtlMs: 3_600_000 } })
    let asked = 0
    const http: HttpHandler = async request => {
      if (request.url.pathname.endsWith('/auth/tokens')) asked++
      return await c.cloudlet.handler(request)
    }
    const tokens = new KeystonePasswordTokenSource(http, c.clock, { authUrl: `${TEST_BASE_URL}/identity/v3/`, user: 'admin', password: 'secret', project: 'admin' })
    const [a, b] = await Promise.all([tokens.token(), tokens.token()])
    assert.equal(a, b)
    assert.equal(asked, 1)
    c.clock.advanceBy(3_600_000 - TOKEN_REFRESH_MARGIN_MS - 1)
    assert.equal(await tokens.token(), a)
    c.clock.advanceBy(1)
    const renewed = await tokens.token()
    assert.notEqual(renewed, a)
    assert.equal(asked, 2)
    tokens.invalidate('some other token')
    assert.equal(await tokens.token(), renewed)
    tokens.invalidate(renewed)
    assert.notEqual(await tokens.token(), renewed)
    assert.equal(asked, 3)
  })

  it('finds endpoints in the token’s catalog', async () => {
    const c = await makeTestCloudlet()
    const tokens = new KeystonePasswordTokenSource(c.cloudlet.handler, c.clock, { authUrl: `${TEST_BASE_URL}/identity`, user: 'admin', password: 'secret', project: 'admin' })
    assert.equal(await tokens.endpoint('compute'), `${TEST_BASE_URL}/compute/v2.1`)
    assert.equal(await tokens.endpoint('placement', { region: 'RegionOne' }), `${TEST_BASE_URL}/placement`)
    await assert.rejects(tokens.endpoint('placement', { region: 'Mars' }), /has no public placement endpoint in Mars/)
  })

  it('rejects with KeystoneAuthError for wrong credentials or an unreachable Keystone', async () => {
    const c = await makeTestCloudlet()
    const wrong = new KeystonePasswordTokenSource(c.cloudlet.handler, c.clock, { authUrl: `${TEST_BASE_URL}/identity`, user: 'admin', password: 'nope', project: 'admin' })
    await assert.rejects(wrong.token(), (e: unknown) => e instanceof KeystoneAuthError && e.code === 'P2P_ERR_KEYSTONE_AUTH' && /refused a token for admin in project admin: 401/.test(e.message))
    const down = new KeystonePasswordTokenSource(async () => { throw new Error('ECONNREFUSED') }, c.clock, { authUrl: 'http://127.0.0.1:9/identity', user: 'a', password: 'b', project: 'c' })
    await assert.rejects(down.token(), /cannot get a token from http:\/\/127\.0\.0\.1:9\/identity\/v3\/auth\/tokens: ECONNREFUSED/)
    const garbage = new KeystonePasswordTokenSource(async () => ({ status: 201, headers: { 'x-subject-token': 't' }, body: '{"token": {}}' }), c.clock, { authUrl: 'http://x/identity', user: 'a', password: 'b', project: 'c' })
    await assert.rejects(garbage.token(), /answered a token body that is not Keystone's/)
  })
})
