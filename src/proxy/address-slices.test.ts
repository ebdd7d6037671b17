import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { carveSlice, sliceSize } from './address-slices.ts'

describe('carveSlice', () => {
  it('takes the top free addresses of a /24 pool and leaves the rest to the home', () => {
    const carved = carveSlice([{ start: '10.0.0.2', end: '10.0.0.254' }], ['10.0.0.2', '10.0.0.3'])
    assert.deepEqual(carved, {
      slice: [{ start: '10.0.0.191', end: '10.0.0.254' }],
      remaining: [{ start: '10.0.0.2', end: '10.0.0.190' }]
    })
  })

  it('skips addresses in use and never gives them away', () => {
    const carved = carveSlice([{ start: '10.0.0.2', end: '10.0.0.9' }], ['10.0.0.8', '10.0.0.2'])
    // 8 in the pool, 2 used: 3 of the 6 free, from the top, around the used .8.
    assert.deepEqual(carved?.slice, [{ start: '10.0.0.6', end: '10.0.0.7' }, { start: '10.0.0.9', end: '10.0.0.9' }])
    assert.deepEqual(carved?.remaining, [{ start: '10.0.0.2', end: '10.0.0.5' }, { start: '10.0.0.8', end: '10.0.0.8' }])
  })

  it('slices again from what the home kept, so slices never overlap', () => {
    const first = carveSlice([{ start: '10.0.0.2', end: '10.0.0.254' }], []) ?? assert.fail('no slice')
    const second = carveSlice(first.remaining, []) ?? assert.fail('no second slice')
    assert.deepEqual(second.slice, [{ start: '10.0.0.127', end: '10.0.0.190' }])
    assert.deepEqual(second.remaining, [{ start: '10.0.0.2', end: '10.0.0.126' }])
  })

  it('spans several pools and IPv6', () => {
    const carved = carveSlice([{ start: '10.0.0.10', end: '10.0.0.11' }, { start: '10.0.0.2', end: '10.0.0.3' }], [])
    assert.deepEqual(carved?.slice, [{ start: '10.0.0.10', end: '10.0.0.11' }])
    const v6 = carveSlice([{ start: 'fd00::2', end: 'fd00::ffff:ffff:ffff:ffff' }], [])
    assert.equal(v6?.slice[0]?.end, 'fd00::ffff:ffff:ffff:ffff')
    assert.equal(v6?.remaining[0]?.start, 'fd00::2')
  })

  it('refuses when fewer than two addresses are free, or the pools are not addresses', () => {
    assert.equal(carveSlice([{ start: '10.0.0.2', end: '10.0.0.3' }], ['10.0.0.2']), null)
    assert.equal(carveSlice([{ start: 'x', end: '10.0.0.3' }], []), null)
    assert.equal(carveSlice([], []), null)
  })

  it('sizes a slice at half of what is free, capped', () => {
    assert.equal(sliceSize(253n, 253n), 64n)
    assert.equal(sliceSize(65534n, 65534n), 4095n)
    assert.equal(sliceSize(10n, 3n), 1n)
  })
})
