import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatMicroversion, mv } from '../openstack/microversion.ts'
import type { MicroversionRange } from '../openstack/microversion.ts'
import { advertisedComputeRange, computeVersionRange, formatMicroversionRange, intersectMicroversionRanges, parseMicroversionRange, withComputeRange } from './microversion-range.ts'

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

describe('the range as text, and version documents rewritten to it', () => {
  it('formats and parses 2.1-2.79, refusing what is not a range', () => {
    const range = parseMicroversionRange('2.1-2.79')
    assert.ok(range !== null)
    assert.equal(formatMicroversionRange(range), '2.1-2.79')
    for (const bad of ['2.1', '2.9-2.3', 'a-b', '2.1-2.2-2.3', '']) assert.equal(parseMicroversionRange(bad), null, bad)
  })

  it('sets min_version and version of the v2.1 entry in both documents, leaving v2.0 and the rest', () => {
    const range = { min: mv('2.1'), max: mv('2.60') }
    const one = JSON.parse(withComputeRange(JSON.stringify({ version: { id: 'v2.1', status: 'CURRENT', version: '2.79', min_version: '2.1', links: [] } }), range))
    assert.deepEqual([one.version.min_version, one.version.version, one.version.status], ['2.1', '2.60', 'CURRENT'])
    const root = JSON.parse(withComputeRange(JSON.stringify({ versions: [{ id: 'v2.0', version: '', min_version: '' }, { id: 'v2.1', version: '2.79', min_version: '2.1' }] }), range))
    assert.deepEqual(root.versions.map((v: { version: string }) => v.version), ['', '2.60'])
    assert.equal(withComputeRange('not json', range), 'not json')
  })
})
