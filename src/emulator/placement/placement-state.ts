/**
 * The emulated Placement's data: one resource provider per compute host with its VCPU,
 * MEMORY_MB and DISK_GB inventory, and the allocations of servers. It is what the emulated
 * Nova schedules with (the same numbers `openstack resource provider usage show` prints), and
 * it never lets an allocation exceed capacity.
 */
import { uuid } from '../../core/ids.ts'
import type { Random, Store } from '../../core/ports.ts'
import type { HostCapacity } from '../cloudlet-config.ts'
import { capacityOf, RESOURCE_CLASSES } from '../../openstack/placement/model.ts'
import type { AllocationRow, Inventory, ResourceClass, ResourceProviderRow, Resources } from '../../openstack/placement/model.ts'
import { Table } from '../table.ts'

export interface PlacementSettings {
  /** Names the providers: `<cloudletName>-host-<n>`. */
  readonly cloudletName: string
  readonly hosts: HostCapacity
  readonly allocationRatios: { readonly vcpu: number, readonly ramMb: number, readonly diskGb: number }
  readonly reserved: { readonly ramMb: number, readonly diskGb: number }
}

const ZERO: Resources = { VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 }

export class PlacementState {
  readonly providers: Table<ResourceProviderRow>
  readonly allocations: Table<AllocationRow>
  readonly #usage = new Map<string, Record<ResourceClass, number>>()

  constructor (store: Store) {
    this.providers = new Table(store, 'placement.resource_provider')
    this.allocations = new Table(store, 'placement.allocation')
    for (const a of this.allocations.values()) this.#add(a.providerId, a.resources, 1)
  }

  /**
   * Makes the providers match the configured hosts, as nova-compute reports them at start:
   * missing hosts get a provider, existing ones get the configured inventory (generation bumped
   * when it changes). Providers of hosts no longer configured are kept (their servers still exist).
   */
  reconcile (settings: PlacementSettings, random: Random): void {
    const byName = new Map([...this.providers.values()].map(p => [p.name, p]))
    for (let n = 1; n <= settings.hosts.count; n++) {
      const name = `${settings.cloudletName}-host-${n}`
      const inventories = inventoriesFor(settings)
      const existing = byName.get(name)
      if (existing === undefined) {
        this.providers.put({ id: uuid(random), name, generation: 1, inventories, traits: ['COMPUTE_NODE'] })
      } else if (JSON.stringify(existing.inventories) !== JSON.stringify(inventories)) {
        this.providers.put({ ...existing, inventories, generation: existing.generation + 1 })
      }
    }
  }

  /** Providers in name order: host-1, host-2, … */
  providerList (): ResourceProviderRow[] {
    return [...this.providers.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
  }

  usageOf (providerId: string): Resources {
    return this.#usage.get(providerId) ?? ZERO
  }

  /** What is left of each class on a provider. */
  freeOf (provider: ResourceProviderRow): Resources {
    const used = this.usageOf(provider.id)
    return {
      VCPU: capacityOf(provider.inventories.VCPU) - used.VCPU,
      MEMORY_MB: capacityOf(provider.inventories.MEMORY_MB) - used.MEMORY_MB,
      DISK_GB: capacityOf(provider.inventories.DISK_GB) - used.DISK_GB
    }
  }

  /** True if `resources` fit on the provider now (capacity and max_unit). */
  fits (provider: ResourceProviderRow, resources: Resources): boolean {
    const free = this.freeOf(provider)
    return RESOURCE_CLASSES.every(rc => resources[rc] <= free[rc] && resources[rc] <= provider.inventories[rc].maxUnit)
  }

  /** Allocates for a consumer on a provider; false (and nothing changed) if it does not fit. */
  allocate (consumerId: string, providerId: string, resources: Resources, projectId: string, userId: string): boolean {
    const provider = this.providers.get(providerId)
    if (provider === undefined || this.allocations.has(consumerId) || !this.fits(provider, resources)) return false
    this.allocations.put({ id: consumerId, providerId, resources, projectId, userId, generation: 1 })
    this.#add(providerId, resources, 1)
    this.providers.put({ ...provider, generation: provider.generation + 1 })
    return true
  }

  /** Frees a consumer's allocation; freeing an absent one is not an error. */
  free (consumerId: string): void {
    const allocation = this.allocations.get(consumerId)
    if (allocation === undefined) return
    this.allocations.delete(consumerId)
    this.#add(allocation.providerId, allocation.resources, -1)
    const provider = this.providers.get(allocation.providerId)
    if (provider !== undefined) this.providers.put({ ...provider, generation: provider.generation + 1 })
  }

  #add (providerId: string, resources: Resources, sign: 1 | -1): void {
    const used = { ...(this.#usage.get(providerId) ?? ZERO) }
    for (const rc of RESOURCE_CLASSES) used[rc] += sign * resources[rc]
    this.#usage.set(providerId, used)
  }
}

function inventoriesFor (settings: PlacementSettings): Record<ResourceClass, Inventory> {
  const inv = (total: number, reserved: number, allocationRatio: number): Inventory =>
    ({ total, reserved, minUnit: 1, maxUnit: total, stepSize: 1, allocationRatio })
  return {
    VCPU: inv(settings.hosts.vcpus, 0, settings.allocationRatios.vcpu),
    MEMORY_MB: inv(settings.hosts.ramMb, settings.reserved.ramMb, settings.allocationRatios.ramMb),
    DISK_GB: inv(settings.hosts.diskGb, settings.reserved.diskGb, settings.allocationRatios.diskGb)
  }
}
