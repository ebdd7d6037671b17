import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sumAbsoluteLimits, sumHypervisorStatistics } from './totals-merge.ts'

describe('sumHypervisorStatistics', () => {
  it('adds every cloudlet\'s hosts up, field by field', () => {
    const a = { count: 2, vcpus: 16, vcpus_used: 2, running_vms: 2, memory_mb: 32768, free_ram_mb: 30000 }
    const b = { count: 2, vcpus: 8, vcpus_used: 0, running_vms: 0, memory_mb: 16384, free_ram_mb: 16000 }
    assert.deepEqual(sumHypervisorStatistics([a, b]).hypervisor_statistics, { count: 4, vcpus: 24, memory_mb: 49152, vcpus_used: 2, free_ram_mb: 46000, running_vms: 2 })
  })
})

describe('sumAbsoluteLimits', () => {
  it('sums the used counts and keeps the own maxima and everything else', () => {
    const own = { limits: { absolute: { maxTotalInstances: 10, totalInstancesUsed: 1, totalCoresUsed: 1, maxTotalCores: 20 }, rate: [] } }
    const other = { limits: { absolute: { maxTotalInstances: 10, totalInstancesUsed: 2, totalCoresUsed: 4, maxTotalCores: 20 }, rate: [] } }
    assert.deepEqual(sumAbsoluteLimits(own, [other, {}]), { limits: { absolute: { maxTotalInstances: 10, totalInstancesUsed: 3, totalCoresUsed: 5, maxTotalCores: 20 }, rate: [] } })
  })

  it('leaves an answer without absolute limits alone', () => {
    assert.deepEqual(sumAbsoluteLimits({ error: 1 }, []), { error: 1 })
  })
})
