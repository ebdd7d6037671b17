import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { createForwardSigner, FORWARD_HEADER, FORWARD_SIGNATURE_HEADER } from './forwarded-call.ts'

const KEY = new ClusterKey('a-cluster-key-of-at-least-32-characters')
const OTHER = new ClusterKey('another-cluster-key-of-32-characters!!')

function setup (): { clock: VirtualClock, a: ReturnType<typeof createForwardSigner>, b: ReturnType<typeof createForwardSigner> } {
  const clock = new VirtualClock()
  clock.advanceTo(1_000_000)
  return { clock, a: createForwardSigner(KEY, clock, { windowMs: 30_000, maxNonces: 2 }), b: createForwardSigner(KEY, clock, { windowMs: 30_000, maxNonces: 2 }) }
}

const directive = (mode: 'local' | 'placed') => ({ from: 'agent-1', to: 'agent-2', mode, ...(mode === 'placed' ? { reservationId: 'r-1' } : {}), publicBase: 'http://127.0.0.1:8000', method: 'POST', target: '/compute/v2.1/servers' })

describe('forwarded-call directives', () => {
  it('accepts a directive signed with the cluster key, for its addressee, method and path', () => {
    const { a, b } = setup()
    const checked = b.check('agent-2', 'POST', '/compute/v2.1/servers', a.headers(directive('placed')))
    assert.ok(checked?.ok === true)
    assert.equal(checked.directive.mode, 'placed')
    assert.equal(checked.directive.reservationId, 'r-1')
    assert.equal(checked.directive.publicBase, 'http://127.0.0.1:8000')
  })

  it('says nothing for a call without a directive, and refuses a forged, misaddressed, misapplied or stale one', () => {
    const { clock, a, b } = setup()
    assert.equal(b.check('agent-2', 'GET', '/x', {}), null)
    const forged = createForwardSigner(OTHER, clock, { windowMs: 30_000, maxNonces: 2 }).headers(directive('local'))
    assert.deepEqual(b.check('agent-2', 'POST', '/compute/v2.1/servers', forged), { ok: false, problem: 'bad signature' })
    const headers = a.headers(directive('local'))
    assert.deepEqual(b.check('agent-3', 'POST', '/compute/v2.1/servers', headers), { ok: false, problem: 'addressed to agent-2' })
    assert.deepEqual(b.check('agent-2', 'DELETE', '/compute/v2.1/servers', headers), { ok: false, problem: 'for another call' })
    assert.deepEqual(b.check('agent-2', 'POST', '/compute/v2.1/servers', { [FORWARD_HEADER]: 'bm90IGpzb24', [FORWARD_SIGNATURE_HEADER]: KEY.sign('bm90IGpzb24') }), { ok: false, problem: 'not JSON' })
    clock.advanceTo(clock.nowMs() + 30_001)
    assert.deepEqual(b.check('agent-2', 'POST', '/compute/v2.1/servers', headers), { ok: false, problem: 'outside the time window' })
  })

  it('refuses a replayed create, but not a replayed "serve locally" (the user token that travels with it allows as much)', () => {
    const { a, b } = setup()
    const placed = a.headers(directive('placed'))
    assert.ok(b.check('agent-2', 'POST', '/compute/v2.1/servers', placed)?.ok)
    assert.deepEqual(b.check('agent-2', 'POST', '/compute/v2.1/servers', placed), { ok: false, problem: 'replayed' })
    const local = a.headers(directive('local'))
    for (let i = 0; i < 5; i++) assert.ok(b.check('agent-2', 'POST', '/compute/v2.1/servers', local)?.ok)
  })
})
