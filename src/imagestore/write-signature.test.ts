/**
 * Signed writes to the image store: a signature made with the cluster key passes once, within
 * the window, for the method and path it was made for; anything else is refused with a reason.
 * Uses the real ClusterKey and NonceCache, which satisfy the ports.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Clock } from '../core/ports.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { NonceCache } from '../runtime/peer-nonce-cache.ts'
import { SeededRandom } from '../sim/seeded-random.ts'
import { WRITE_AUTH_HEADER, WRITE_SIGNATURE_HEADER, createWriteSigner, createWriteVerifier } from './write-signature.ts'

const SECRET = 'a-cluster-secret-of-at-least-32-characters'
const WINDOW_MS = 60_000

class TestClock implements Clock {
  wall = 1_700_000_000_000
  mono = 0
  nowMs (): number { return this.mono }
  wallClockMs (): number { return this.wall }
}

function setup (secret = SECRET): { clock: TestClock, sign: ReturnType<typeof createWriteSigner>, verify: ReturnType<typeof createWriteVerifier> } {
  const clock = new TestClock()
  const key = new ClusterKey(secret)
  return {
    clock,
    sign: createWriteSigner(new ClusterKey(SECRET), clock, new SeededRandom(1)),
    verify: createWriteVerifier(key, clock, new NonceCache(clock, { windowMs: WINDOW_MS, maxEntries: 2 }), { windowMs: WINDOW_MS })
  }
}

describe('image store write signatures', () => {
  it('accepts a call signed for its method and path, names the agent, and only once', () => {
    const { sign, verify } = setup()
    const headers = sign.headers('agent-1', 'PUT', '/v1/blobs')
    assert.match(headers[WRITE_AUTH_HEADER] as string, /^agent-1;\d+;[A-Za-z0-9_-]{22}$/)
    assert.match(headers[WRITE_SIGNATURE_HEADER] as string, /^sha256=[0-9a-f]{64}$/)
    assert.deepEqual(verify.check('PUT', '/v1/blobs', headers), { ok: true, agent: 'agent-1' })
    const again = verify.check('PUT', '/v1/blobs', headers)
    assert.equal(again.ok, false)
    assert.equal(!again.ok && again.status, 403)
    assert.match(!again.ok ? again.problem : '', /replayed/)
  })

  it('refuses a call without the header (401), a malformed header (401), and a signature for another call or key (403)', () => {
    const { sign, verify } = setup()
    const none = verify.check('PUT', '/v1/blobs', {})
    assert.deepEqual(none.ok === false && [none.status, /must be signed/.test(none.problem)], [401, true])
    for (const value of ['agent-1', 'agent-1;x;nonce-nonce-nonce-nonce', 'agent 1;1;nonce-nonce-nonce-nonce', ';1;nonce-nonce-nonce-nonce', 'a;1;short', 'a;1;b;c']) {
      const r = verify.check('PUT', '/v1/blobs', { [WRITE_AUTH_HEADER]: value, [WRITE_SIGNATURE_HEADER]: 'sha256=00' })
      assert.equal(r.ok === false && r.status, 401, value)
    }
    const del = sign.headers('agent-1', 'DELETE', `/v1/blobs/${'a'.repeat(64)}`)
    for (const [method, target] of [['DELETE', `/v1/blobs/${'b'.repeat(64)}`], ['PUT', `/v1/blobs/${'a'.repeat(64)}`]] as const) {
      const r = verify.check(method, target, del)
      assert.equal(r.ok === false && r.status, 403, `${method} ${target}`)
    }
    const put = sign.headers('agent-1', 'PUT', '/v1/blobs')
    const forgedAgent = { ...put, [WRITE_AUTH_HEADER]: (put[WRITE_AUTH_HEADER] as string).replace('agent-1', 'agent-2') }
    assert.equal(verify.check('PUT', '/v1/blobs', forgedAgent).ok, false)
    const other = setup('another-cluster-secret-of-32-characters!')
    assert.equal(other.verify.check('PUT', '/v1/blobs', put).ok, false)
    assert.equal(verify.check('PUT', '/v1/blobs', { ...put, [WRITE_SIGNATURE_HEADER]: undefined }).ok, false)
  })

  it('refuses a signature outside the time window either way', () => {
    const { clock, sign, verify } = setup()
    const old = sign.headers('agent-1', 'PUT', '/v1/blobs')
    clock.wall += WINDOW_MS + 1
    const late = verify.check('PUT', '/v1/blobs', old)
    assert.match(late.ok === false ? late.problem : '', /time window/)
    const future = sign.headers('agent-1', 'PUT', '/v1/blobs')
    clock.wall -= 2 * (WINDOW_MS + 1)
    assert.equal(verify.check('PUT', '/v1/blobs', future).ok, false)
  })

  it('answers 503 when the nonce cache is full of unexpired nonces, rather than forget one', () => {
    const { sign, verify } = setup()
    assert.equal(verify.check('PUT', '/v1/blobs', sign.headers('a', 'PUT', '/v1/blobs')).ok, true)
    assert.equal(verify.check('PUT', '/v1/blobs', sign.headers('a', 'PUT', '/v1/blobs')).ok, true)
    const full = verify.check('PUT', '/v1/blobs', sign.headers('a', 'PUT', '/v1/blobs'))
    assert.equal(full.ok === false && full.status, 503)
  })

  it('will not sign for an agent id that cannot travel in the header', () => {
    const { sign } = setup()
    assert.throws(() => sign.headers('agent;1', 'PUT', '/v1/blobs'), /agent id/)
    assert.throws(() => sign.headers('', 'PUT', '/v1/blobs'), /agent id/)
  })
})
