/**
 * Range headers on image downloads, as Glance (through webob) reads them.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BadRequest } from '../faults.ts'
import { servedRange } from './byte-range.ts'
import { WebobDetailFault } from './webob-fault.ts'

describe('servedRange', () => {
  it('serves whole data without a header, and clips a range at the end', () => {
    assert.equal(servedRange(undefined, 100), null)
    assert.deepEqual(servedRange('bytes=0-9', 100), { offset: 0, last: 9 })
    assert.deepEqual(servedRange('bytes=90-', 100), { offset: 90, last: 99 })
    assert.deepEqual(servedRange('bytes=-5', 100), { offset: 95, last: 99 })
    assert.deepEqual(servedRange('bytes=-500', 100), { offset: 0, last: 99 })
    assert.deepEqual(servedRange('bytes=50-1000', 100), { offset: 50, last: 99 })
  })

  it('refuses several ranges (400), unreadable ones and ones past the end (416)', () => {
    assert.throws(() => servedRange('bytes=0-1,4-5', 100), BadRequest)
    assert.throws(() => servedRange('bytes=5-1', 100), WebobDetailFault)
    assert.throws(() => servedRange('lines=1-2', 100), WebobDetailFault)
    assert.throws(() => servedRange('bytes=100-', 100), (e: unknown) => e instanceof WebobDetailFault && e.detail.endsWith('Start position MUST be in the inclusive range [0, 99].'))
  })
})
