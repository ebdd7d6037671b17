/**
 * CloudletLoads keeps what the criteria read as servers come and go: the load a PlacementNode
 * sees, the highest count (also when the top cloudlet loses servers), and the time spent at each
 * highest count within the measuring window.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CloudletLoads } from './cloudlet-loads.ts'

const unit = { vcpus: 1, memoryMb: 0, diskGb: 0 }

describe('CloudletLoads', () => {
  it('reports Placement\'s load per class, and the utilization of the fullest class', () => {
    const loads = new CloudletLoads(2, [{ vcpus: 10, memoryMb: 1000, diskGb: 100 }, { vcpus: 20, memoryMb: 1000, diskGb: 100 }])
    loads.add(1, { vcpus: 2, memoryMb: 500, diskGb: 10 }, 0)
    assert.deepEqual(loads.load(1), { vcpus: { capacity: 20, used: 2 }, memoryMb: { capacity: 1000, used: 500 }, diskGb: { capacity: 100, used: 10 } })
    assert.equal(loads.utilization(1), 0.5)
    assert.equal(loads.utilization(0), 0)
  })

  it('keeps the highest server count as servers land and leave', () => {
    const loads = new CloudletLoads(3, [{ vcpus: 100, memoryMb: 0, diskGb: 0 }])
    for (let k = 0; k < 70; k++) loads.add(k % 2, unit, 0)
    assert.equal(loads.maxServers, 35)
    loads.remove(0, unit, 0)
    assert.equal(loads.maxServers, 35)
    loads.remove(1, unit, 0)
    assert.equal(loads.maxServers, 34)
    assert.equal(loads.totalServers, 68)
    assert.deepEqual(loads.levelCounts().slice(0, 1), [1])
    assert.equal(loads.levelCounts()[34], 2)
  })

  it('averages the highest count over the window\'s time only, with its 99th percentile', () => {
    const loads = new CloudletLoads(2, [{ vcpus: 100, memoryMb: 0, diskGb: 0 }])
    loads.setWindow(100, 1100)
    loads.add(0, unit, 50)
    loads.add(0, unit, 600)
    loads.observe(1500)
    const t = loads.timeAveraged()
    assert.equal(t.maxMean, 1.5)
    assert.equal(t.maxP99, 2)
    assert.deepEqual(t.timeAtMax, [0, 0.5, 0.5])
    assert.equal(t.meanServers, 0.75)
  })
})
