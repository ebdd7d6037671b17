/**
 * A cloudlet's load from what its Placement service answers: the pure half of
 * cloudlet-load-reader.ts, JSON in and CloudletLoad out, so it is tested without HTTP.
 *
 * For each resource provider, Placement's capacity of a class is
 * int((total − reserved) × allocation_ratio) (placement/objects/inventory.py,
 * Inventory.capacity, which allocation candidates report as `capacity`); the cloudlet's
 * capacity is the sum over its providers, and its use the sum of their usages. Only VCPU,
 * MEMORY_MB and DISK_GB count (the classes flavors claim); other classes and providers with
 * none of them (nested or sharing providers of other things) add nothing.
 *
 * The bodies are those of GET /resource_providers/{uuid}/inventories and
 * GET /resource_providers/{uuid}/usages at any microversion (their shape has not changed since
 * 1.0). Anything else is a CloudletLoadError that names the provider and the field, never a
 * crash and never a silently wrong load.
 */
import { z } from 'zod'
import type { CloudletLoad } from '../protocol/placement/cloudlet-load.ts'
import type { ResourceClass } from '../protocol/placement/placement-request.ts'

/** Placement's class names for the classes placement compares. */
export const PLACEMENT_CLASSES: Readonly<Record<string, ResourceClass>> = { VCPU: 'vcpus', MEMORY_MB: 'memoryMb', DISK_GB: 'diskGb' }

/** What the reader fetched for one resource provider: the two bodies, parsed from JSON. */
export interface ProviderReport {
  readonly uuid: string
  readonly inventories: unknown
  readonly usages: unknown
}

/** The cloudlet's Placement answered something that is not a load. */
export class CloudletLoadError extends Error {
  readonly code = 'P2P_ERR_CLOUDLET_LOAD'
}

const count = z.number().int().nonnegative()

const inventorySchema = z.looseObject({
  total: count,
  reserved: count.default(0),
  allocation_ratio: z.number().positive().finite().default(1)
})

const inventoriesBodySchema = z.looseObject({
  inventories: z.record(z.string(), z.unknown())
})

const usagesBodySchema = z.looseObject({
  usages: z.record(z.string(), z.unknown())
})

/** Placement's Inventory.capacity. Never below 0 (Placement refuses such inventories from 1.26). */
export function inventoryCapacity (inventory: { total: number, reserved: number, allocation_ratio: number }): number {
  return Math.max(0, Math.trunc((inventory.total - inventory.reserved) * inventory.allocation_ratio))
}

export function cloudletLoadFromPlacement (providers: readonly ProviderReport[]): CloudletLoad {
  const capacity: Record<ResourceClass, number> = { vcpus: 0, memoryMb: 0, diskGb: 0 }
  const used: Record<ResourceClass, number> = { vcpus: 0, memoryMb: 0, diskGb: 0 }
  for (const provider of providers) {
    const inventories = parse(inventoriesBodySchema, provider.inventories, `resource provider ${provider.uuid}: inventories`)
    for (const [placementClass, ours] of Object.entries(PLACEMENT_CLASSES)) {
      const raw = inventories.inventories[placementClass]
      if (raw === undefined) continue
      const inventory = parse(inventorySchema, raw, `resource provider ${provider.uuid}: inventory of ${placementClass}`)
      capacity[ours] += inventoryCapacity(inventory)
    }
    const usages = parse(usagesBodySchema, provider.usages, `resource provider ${provider.uuid}: usages`)
    for (const [placementClass, ours] of Object.entries(PLACEMENT_CLASSES)) {
      const raw = usages.usages[placementClass]
      if (raw === undefined) continue
      used[ours] += parse(count, raw, `resource provider ${provider.uuid}: usage of ${placementClass}`)
    }
  }
  return {
    vcpus: { capacity: capacity.vcpus, used: used.vcpus },
    memoryMb: { capacity: capacity.memoryMb, used: used.memoryMb },
    diskGb: { capacity: capacity.diskGb, used: used.diskGb }
  }
}

/** The provider uuids of a GET /resource_providers body. */
export function providerUuids (body: unknown): string[] {
  const list = parse(z.looseObject({ resource_providers: z.array(z.looseObject({ uuid: z.string().min(1) })) }), body, 'resource provider list')
  return list.resource_providers.map(p => p.uuid)
}

function parse<T> (schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : ` (at ${issue.path.join('.')})`
  throw new CloudletLoadError(`${what}: not what Placement sends${where}: ${issue?.message ?? 'invalid'}`)
}
