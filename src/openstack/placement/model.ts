/**
 * Placement's model: resource providers (one per compute host here), their inventories of
 * standard resource classes, and allocations of consumers (servers) against them.
 */

export type ResourceClass = 'VCPU' | 'MEMORY_MB' | 'DISK_GB'

export const RESOURCE_CLASSES: readonly ResourceClass[] = ['VCPU', 'MEMORY_MB', 'DISK_GB']

export type Resources = Readonly<Record<ResourceClass, number>>

export interface Inventory {
  readonly total: number
  readonly reserved: number
  readonly minUnit: number
  readonly maxUnit: number
  readonly stepSize: number
  readonly allocationRatio: number
}

export interface ResourceProviderRow {
  readonly id: string
  readonly name: string
  readonly generation: number
  readonly inventories: Readonly<Record<ResourceClass, Inventory>>
  readonly traits: readonly string[]
}

export interface AllocationRow {
  /** The consumer (server) id. */
  readonly id: string
  readonly providerId: string
  readonly resources: Resources
  readonly projectId: string
  readonly userId: string
  readonly generation: number
}

/** Placement's capacity of one class: (total - reserved) × allocation_ratio, rounded down. */
export function capacityOf (inventory: Inventory): number {
  return Math.floor((inventory.total - inventory.reserved) * inventory.allocationRatio)
}
