/**
 * A cloudlet's load from Placement's bodies: capacity is Σ int((total − reserved) ×
 * allocation_ratio) over providers, used is Σ usages, for VCPU, MEMORY_MB and DISK_GB; bad
 * bodies are CloudletLoadErrors that name the provider and the field.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CloudletLoadError, cloudletLoadFromPlacement, inventoryCapacity, providerUuids } from './cloudlet-load.ts'

const inv = (total: number, reserved = 0, ratio = 1) => ({ total, reserved, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio: ratio })

/** A compute host as Nova reports it: 8 vCPUs at 4.0, 16 GiB with 512 MB reserved, 200 GB. */
const host = (uuid: string, usages: Record<string, number> = { VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 }) => ({
  uuid,
  inventories: { resource_provider_generation: 3, inventories: { VCPU: inv(8, 0, 4), MEMORY_MB: inv(16_384, 512, 1), DISK_GB: inv(200, 0, 1) } },
  usages: { resource_provider_generation: 3, usages }
})

describe('cloudletLoadFromPlacement', () => {
  it('sums capacity with allocation ratios and reserved amounts, and usages, over providers', () => {
    const load = cloudletLoadFromPlacement([
      host('a', { VCPU: 3, MEMORY_MB: 1536, DISK_GB: 3 }),
      host('b', { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 })
    ])
    assert.deepEqual(load, {
      vcpus: { capacity: 64, used: 4 },
      memoryMb: { capacity: 31_744, used: 2048 },
      diskGb: { capacity: 400, used: 4 }
    })
  })

  it('truncates each provider’s capacity as Placement does, before summing', () => {
    assert.equal(inventoryCapacity({ total: 3, reserved: 0, allocation_ratio: 1.5 }), 4)
    assert.equal(inventoryCapacity({ total: 10, reserved: 1, allocation_ratio: 0.7 }), 6)
    assert.equal(inventoryCapacity({ total: 1, reserved: 2, allocation_ratio: 1 }), 0)
    const p = (uuid: string) => ({ uuid, inventories: { inventories: { VCPU: inv(3, 0, 1.5) } }, usages: { usages: {} } })
    assert.equal(cloudletLoadFromPlacement([p('a'), p('b')]).vcpus.capacity, 8)
  })

  it('counts only VCPU, MEMORY_MB and DISK_GB, and providers without them add nothing', () => {
    const nested = { uuid: 'pf', inventories: { inventories: { SRIOV_NET_VF: inv(8), CUSTOM_GPU: inv(2) } }, usages: { usages: { SRIOV_NET_VF: 3 } } }
    const load = cloudletLoadFromPlacement([host('a'), nested])
    assert.equal(load.vcpus.capacity, 32)
    assert.equal(load.vcpus.used, 0)
  })

  it('gives a zero load for a cloudlet with no providers', () => {
    assert.deepEqual(cloudletLoadFromPlacement([]), { vcpus: { capacity: 0, used: 0 }, memoryMb: { capacity: 0, used: 0 }, diskGb: { capacity: 0, used: 0 } })
  })

  it('takes Placement’s defaults for a missing reserved or allocation_ratio', () => {
    const load = cloudletLoadFromPlacement([{ uuid: 'a', inventories: { inventories: { MEMORY_MB: { total: 1024 } } }, usages: { usages: { MEMORY_MB: 10 } } }])
    assert.deepEqual(load.memoryMb, { capacity: 1024, used: 10 })
  })

  it('refuses bodies that are not Placement’s, naming the provider and the field', () => {
    const cases: Array<[unknown, unknown, RegExp]> = [
      [null, { usages: {} }, /^resource provider p1: inventories: not what Placement sends/],
      [{ inventories: [] }, { usages: {} }, /inventories: not what Placement sends \(at inventories\)/],
      [{ inventories: { VCPU: { total: -1 } } }, { usages: {} }, /inventory of VCPU: not what Placement sends \(at total\)/],
      [{ inventories: { VCPU: { total: 8, allocation_ratio: 0 } } }, { usages: {} }, /inventory of VCPU: .*\(at allocation_ratio\)/],
      [{ inventories: { VCPU: { total: 8, allocation_ratio: 'x' } } }, { usages: {} }, /\(at allocation_ratio\)/],
      [{ inventories: {} }, 'usages', /resource provider p1: usages: not what Placement sends/],
      [{ inventories: {} }, { usages: { VCPU: 1.5 } }, /usage of VCPU: not what Placement sends/]
    ]
    for (const [inventories, usages, message] of cases) {
      assert.throws(() => cloudletLoadFromPlacement([{ uuid: 'p1', inventories, usages }]), (error: unknown) => {
        assert.ok(error instanceof CloudletLoadError)
        assert.equal(error.code, 'P2P_ERR_CLOUDLET_LOAD')
        assert.match(error.message, message)
        return true
      })
    }
  })
})

describe('providerUuids', () => {
  it('reads the uuids of a resource provider list, and refuses anything else', () => {
    assert.deepEqual(providerUuids({ resource_providers: [{ uuid: 'a', name: 'h1' }, { uuid: 'b', name: 'h2' }] }), ['a', 'b'])
    assert.throws(() => providerUuids({ providers: [] }), /resource provider list: not what Placement sends \(at resource_providers\)/)
    assert.throws(() => providerUuids({ resource_providers: [{ name: 'h1' }] }), CloudletLoadError)
  })
})
