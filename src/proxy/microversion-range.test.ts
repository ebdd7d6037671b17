import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatMicroversion, mv } from '../openstack/microversion.ts'
import type { MicroversionRange } from '../openstack/microversion.ts'
import { advertisedComputeRange, computeVersionRange, intersectMicroversionRanges } from './microversion-range.ts'

const text = (r: MicroversionRange | null): string | null => r === null ? null : `${formatMicroversion(r.min)}-${formatMicroversion(r.max)}`

describe('intersectMicroversionRanges', () => {
  it('takes the largest minimum and the smallest maximum, comparing numerically', () => {
    assert.equal(text(intersectMicroversionRanges([{ min: mv('2.1'), max: mv('2.96') }, { min: mv('2.1'), max: mv('2.100') }, { min: mv('2.3'), max: mv('2.79') }])), '2.3-2.79')
  })
  it('is null for no cloudlet or disjoint ranges', () => {
    assert.equal(intersectMicroversionRanges([]), null)
    assert.equal(intersectMicroversionRanges([{ min: mv('2.1'), max: mv('2.10') }, { min: mv('2.11'), max: mv('2.20') }]), null)
  })
})

describe('advertisedComputeRange', () => {
  it('reads GET /v2.1 documents and root version entries, skipping v2.0', () => {
    const v21 = (min: string, max: string): unknown => ({ version: { id: 'v2.1', status: 'CURRENT', min_version: min, version: max } })
    assert.equal(text(computeVersionRange({ id: 'v2.0', version: '', min_version: '' })), null)
    assert.equal(text(advertisedComputeRange([v21('2.1', '2.96'), { id: 'v2.1', min_version: '2.1', version: '2.90' }, { id: 'v2.0', version: '', min_version: '' }, 'junk'])), '2.1-2.90')
  })
})
