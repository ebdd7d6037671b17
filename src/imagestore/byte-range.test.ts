/** The Range header of a blob read: one range served, everything else whole or 416. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { contentRange, parseRange } from './byte-range.ts'

describe('parseRange', () => {
  it('serves the whole blob without a Range header', () => {
    assert.deepEqual(parseRange(undefined, 100), { kind: 'whole' })
  })

  it('reads first-last, first- and -suffix ranges, clamped to the blob', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'range', range: { start: 0, end: 9 } })
    assert.deepEqual(parseRange('bytes=90-200', 100), { kind: 'range', range: { start: 90, end: 99 } })
    assert.deepEqual(parseRange('bytes=50-', 100), { kind: 'range', range: { start: 50, end: 99 } })
    assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'range', range: { start: 90, end: 99 } })
    assert.deepEqual(parseRange('bytes=-1000', 100), { kind: 'range', range: { start: 0, end: 99 } })
    assert.deepEqual(parseRange('Bytes = 5 - 5', 100), { kind: 'range', range: { start: 5, end: 5 } })
    assert.deepEqual(parseRange('bytes=5-99999999999999999999999', 100), { kind: 'range', range: { start: 5, end: 99 } })
  })

  it('says unsatisfiable for a range past the end, an empty suffix, or any range of an empty blob', () => {
    assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' })
    assert.deepEqual(parseRange('bytes=100-200', 100), { kind: 'unsatisfiable' })
    assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' })
    assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' })
    assert.deepEqual(parseRange('bytes=99999999999999999999-', 100), { kind: 'unsatisfiable' })
  })

  it('ignores what is not one well-formed byte range (the whole blob is served)', () => {
    for (const header of ['bytes=0-1,5-6', 'bytes=5-1', 'items=0-1', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=1-2-3', '']) {
      assert.deepEqual(parseRange(header, 100), { kind: 'whole' }, header)
    }
  })
})

describe('contentRange', () => {
  it('spells a partial answer and a 416 as RFC 9110 does', () => {
    assert.equal(contentRange({ start: 0, end: 9 }, 100), 'bytes 0-9/100')
    assert.equal(contentRange(null, 100), 'bytes */100')
  })
})
