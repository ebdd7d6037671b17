/**
 * ClusterComputeRange: the intersection of the own cloudlet's compute range with the ranges the
 * agents in the view say their cloudlets serve; newer metadata replaces older, agents not seen for
 * a while are forgotten, disjoint ranges fall back to the own one.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { silentLogger } from '../core/ports.ts'
import { mv } from '../openstack/microversion.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { PeerDescriptor } from '../protocol/cyclon/peer-descriptor.ts'
import { formatMicroversionRange } from '../proxy/microversion-range.ts'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { ClusterComputeRange } from './cluster-compute-range.ts'

function peer (id: string, compute: string | null, version = 1): PeerDescriptor {
  return {
    id: agentId(id),
    address: `http://${id}:4000`,
    age: 0,
    metadata: { version, cloudlet: id, region: 'RegionOne', availabilityZone: 'nova', labels: {}, software: 'p2pstack', ...(compute === null ? {} : { apis: { compute } }) }
  }
}

describe('ClusterComputeRange', () => {
  it('intersects the own range with every range it has seen in the view, and forgets the long unseen', () => {
    const clock = new VirtualClock()
    let view: PeerDescriptor[] = [peer('b', '2.1-2.60'), peer('c', null)]
    const range = new ClusterComputeRange({ min: mv('2.1'), max: mv('2.79') }, () => view, clock, silentLogger, 60_000)
    assert.equal(formatMicroversionRange(range.current()), '2.1-2.60')
    view = [peer('d', '2.5-2.79')]
    clock.advanceBy(1_000)
    assert.equal(formatMicroversionRange(range.current()), '2.5-2.60', 'b is remembered after leaving the view')
    assert.equal(range.knownAgents, 2)
    view = [peer('b', '2.1-2.70', 2)]
    clock.advanceBy(1_000)
    assert.equal(formatMicroversionRange(range.current()), '2.5-2.70', 'b upgraded: its newer metadata wins')
    view = [peer('b', '2.1-2.40', 1)]
    clock.advanceBy(1_000)
    assert.equal(formatMicroversionRange(range.current()), '2.5-2.70', 'older metadata does not go back')
    view = []
    clock.advanceBy(61_000)
    assert.equal(formatMicroversionRange(range.current()), '2.1-2.79', 'forgotten after a minute unseen')
  })

  it('falls back to the own range when the ranges do not overlap, and ignores nonsense', () => {
    const clock = new VirtualClock()
    const range = new ClusterComputeRange({ min: mv('2.50'), max: mv('2.79') }, () => [peer('b', '2.1-2.40'), peer('c', 'latest'), peer('d', '2.9-2.3')], clock, silentLogger)
    assert.equal(formatMicroversionRange(range.current()), '2.50-2.79')
    assert.equal(range.knownAgents, 1)
  })
})
