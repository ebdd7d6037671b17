/**
 * Placement's routes, relative to the placement endpoint ({base}/placement). The emulated
 * Placement is read-only through the API: the emulated Nova keeps its inventories and
 * allocations, as nova-compute and nova-scheduler do.
 */
import type { RouteSpec } from '../route-table.ts'

const g = (path: string, name: string, authenticated = true): RouteSpec => ({ method: 'GET', path, name, kind: 'local', authenticated })

export const PLACEMENT_ROUTES: readonly RouteSpec[] = [
  g('/', 'versions', false),
  g('/resource_providers', 'resource_providers:list'),
  g('/resource_providers/{uuid}', 'resource_providers:show'),
  g('/resource_providers/{uuid}/inventories', 'inventories:list'),
  g('/resource_providers/{uuid}/inventories/{resource_class}', 'inventories:show'),
  g('/resource_providers/{uuid}/usages', 'usages:provider'),
  g('/resource_providers/{uuid}/allocations', 'allocations:provider'),
  g('/resource_providers/{uuid}/aggregates', 'aggregates:list'),
  g('/resource_providers/{uuid}/traits', 'traits:provider'),
  g('/allocations/{consumer_uuid}', 'allocations:consumer'),
  g('/usages', 'usages:project'),
  g('/resource_classes', 'resource_classes:list'),
  g('/resource_classes/{name}', 'resource_classes:show'),
  g('/traits', 'traits:list')
]

/** Placement 8.0 (Zed). */
export const PLACEMENT_MIN_VERSION = '1.0'
export const PLACEMENT_MAX_VERSION = '1.39'
