/** Placement's wire bodies. Links are paths under the placement endpoint, as Placement renders them. */
import type { Microversion } from '../microversion.ts'
import { isAtLeast } from '../microversion.ts'
import type { Inventory, ResourceProviderRow } from './model.ts'

export function resourceProviderView (rp: ResourceProviderRow, prefix: string, version: Microversion): Record<string, unknown> {
  const self = `${prefix}/resource_providers/${rp.id}`
  const links = [
    { rel: 'self', href: self },
    { rel: 'inventories', href: `${self}/inventories` },
    { rel: 'usages', href: `${self}/usages` }
  ]
  if (isAtLeast(version, '1.1')) links.push({ rel: 'aggregates', href: `${self}/aggregates` })
  if (isAtLeast(version, '1.6')) links.push({ rel: 'traits', href: `${self}/traits` })
  if (isAtLeast(version, '1.11')) links.push({ rel: 'allocations', href: `${self}/allocations` })
  const view: Record<string, unknown> = { uuid: rp.id, name: rp.name, generation: rp.generation, links }
  if (isAtLeast(version, '1.14')) {
    view.root_provider_uuid = rp.id
    view.parent_provider_uuid = null
  }
  return view
}

export function inventoryView (inventory: Inventory): Record<string, number> {
  return {
    total: inventory.total,
    reserved: inventory.reserved,
    min_unit: inventory.minUnit,
    max_unit: inventory.maxUnit,
    step_size: inventory.stepSize,
    allocation_ratio: inventory.allocationRatio
  }
}
