/**
 * The replay cache on a virtual clock: a nonce is refused while it is remembered, remembered
 * for twice the timestamp window, and the cache refuses new nonces rather than forget live ones
 * when it is full.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { NonceCache } from './peer-nonce-cache.ts'

describe('NonceCache', () => {
  it('refuses a nonce it has seen, until twice the window has passed', () => {
    const clock = new VirtualClock()
    const cache = new NonceCache(clock, { windowMs: 1_000, maxEntries: 10 })
    assert.equal(cache.check('a'), 'fresh')
    clock.advanceBy(1_999)
    assert.equal(cache.check('a'), 'replayed')
    clock.advanceBy(1)
    assert.equal(cache.check('a'), 'fresh')
  })

  it('refuses new nonces when full of live ones, and makes room as they expire', () => {
    const clock = new VirtualClock()
    const cache = new NonceCache(clock, { windowMs: 1_000, maxEntries: 3 })
    for (const nonce of ['a', 'b', 'c']) {
      assert.equal(cache.check(nonce), 'fresh')
      clock.advanceBy(100)
    }
    assert.equal(cache.check('d'), 'full')
    assert.equal(cache.check('a'), 'replayed', 'a full cache still knows its nonces')
    clock.advanceBy(1_750)
    assert.equal(cache.check('d'), 'fresh', 'a expired and made room')
    assert.equal(cache.size, 3)
  })
})
