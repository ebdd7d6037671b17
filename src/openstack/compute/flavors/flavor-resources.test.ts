/**
 * A flavor's claim on Placement, against the cases of Nova's resources_from_flavor_and_bfv
 * (nova/scheduler/utils.py): root + ephemeral + swap rounded up to GB, boot from volume, and
 * `resources[$S]:$RC` extra specs overriding and adding up across groups. Also the reading of a
 * flavor body as Nova renders it at 2.1 (swap "") and at 2.75 (swap 0, extra_specs inline).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { flavorPlacementResources, flavorSizesFromView, FlavorViewError, swapGb } from './flavor-resources.ts'

const base = { vcpus: 2, ramMb: 2048, rootGb: 20, ephemeralGb: 0, swapMb: 0, extraSpecs: {} }

describe('flavorPlacementResources', () => {
  it('claims vcpus, ram, and root + ephemeral + swap (rounded up to GB) as DISK_GB', () => {
    assert.deepEqual(flavorPlacementResources(base), { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 20 })
    assert.deepEqual(flavorPlacementResources({ ...base, ephemeralGb: 5, swapMb: 1025 }), { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 27 })
    assert.deepEqual(flavorPlacementResources({ ...base, swapMb: 512 }), { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 21 })
  })

  it('leaves the root disk out for a server booted from volume', () => {
    assert.deepEqual(flavorPlacementResources({ ...base, ephemeralGb: 1, swapMb: 1024 }, { bootFromVolume: true }), { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 2 })
  })

  it('lets resources:$RC extra specs replace the flavor’s own amounts, 0 included', () => {
    assert.deepEqual(flavorPlacementResources({ ...base, extraSpecs: { 'resources:VCPU': '1', 'resources:DISK_GB': '0' } }), { VCPU: 1, MEMORY_MB: 2048, DISK_GB: 0 })
  })

  it('adds up one class across request groups, and ignores what Nova ignores', () => {
    const specs = { 'resources1:VCPU': '1', 'resources_compute:VCPU': '2', 'resources:MEMORY_MB': 'lots', 'resources:disk_gb': '5', 'trait:HW_CPU_X86_AVX': 'required', 'hw:cpu_policy': 'shared' }
    assert.deepEqual(flavorPlacementResources({ ...base, extraSpecs: specs }), { VCPU: 3, MEMORY_MB: 2048, DISK_GB: 20 })
  })

  it('claims no VCPU when the extra specs ask for PCPU', () => {
    assert.equal(flavorPlacementResources({ ...base, extraSpecs: { 'resources:PCPU': '2' } }).VCPU, 0)
  })

  it('rounds swap up to whole GB', () => {
    assert.deepEqual([0, 1, 1024, 1025, 2048].map(swapGb), [0, 1, 1, 2, 2])
  })
})

describe('flavorSizesFromView', () => {
  it('reads a 2.1 flavor (swap "") and takes extra specs given beside it', () => {
    const view = { flavor: { id: '1', name: 'm1.tiny', ram: 512, disk: 1, swap: '', 'OS-FLV-EXT-DATA:ephemeral': 0, vcpus: 1 } }
    assert.deepEqual(flavorSizesFromView(view, { 'resources:VCPU': '2' }), { vcpus: 1, ramMb: 512, rootGb: 1, ephemeralGb: 0, swapMb: 0, extraSpecs: { 'resources:VCPU': '2' } })
  })

  it('reads a 2.75 flavor with swap and inline extra_specs', () => {
    const view = { id: '9', ram: 1024, disk: 10, swap: 512, 'OS-FLV-EXT-DATA:ephemeral': 2, vcpus: 2, extra_specs: { a: 'b' } }
    assert.deepEqual(flavorSizesFromView(view), { vcpus: 2, ramMb: 1024, rootGb: 10, ephemeralGb: 2, swapMb: 512, extraSpecs: { a: 'b' } })
  })

  it('says which field is wrong in a flavor that is not Nova’s', () => {
    assert.throws(() => flavorSizesFromView({ id: '1', ram: '512', disk: 1, vcpus: 1 }), (e: unknown) => e instanceof FlavorViewError && e.code === 'P2P_ERR_FLAVOR_VIEW_INVALID' && /ram must be a nonnegative integer/.test(e.message))
    assert.throws(() => flavorSizesFromView({ id: '1', ram: 1, disk: 1 }), /vcpus must be a nonnegative integer, got nothing/)
    assert.throws(() => flavorSizesFromView(null), FlavorViewError)
    assert.throws(() => flavorSizesFromView({ id: '1', ram: 1, disk: 1, vcpus: 1, extra_specs: { a: 1 } }), /extra_specs must map names to strings/)
  })
})
