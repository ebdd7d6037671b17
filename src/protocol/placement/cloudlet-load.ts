/**
 * A cloudlet's load, as its Placement service reports it, and the figure placement compares.
 *
 * Capacity per resource class is Placement's own: (total − reserved) × allocation_ratio, summed
 * over the cloudlet's resource providers; used is the sum of their usages. A candidate's load
 * also counts the capacity it has reserved for placements in flight (not yet in Placement).
 *
 * The figure compared is the highest utilization over VCPU, MEMORY_MB and DISK_GB after the
 * flavor is placed: max over classes of (used + reserved + requested) / capacity. It is 0..1
 * for a fit, and it compares cloudlets of unequal sizes fairly (a big cloudlet with 10 servers
 * is less loaded than a small one with 10). A class whose capacity is 0 fits only a request of 0
 * of it, and then does not count.
 */
import type { ResourceAmounts, ResourceClass } from './placement-request.ts'
import { RESOURCE_CLASSES } from './placement-request.ts'

export interface ResourceUsage {
  /** (total − reserved) × allocation_ratio, summed over the cloudlet's resource providers. */
  readonly capacity: number
  /** Allocated, as Placement reports in its usages. */
  readonly used: number
}

export type CloudletLoad = Readonly<Record<ResourceClass, ResourceUsage>>

export const ZERO_AMOUNTS: ResourceAmounts = { vcpus: 0, memoryMb: 0, diskGb: 0 }

export function addAmounts (a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  return { vcpus: a.vcpus + b.vcpus, memoryMb: a.memoryMb + b.memoryMb, diskGb: a.diskGb + b.diskGb }
}

export function subtractAmounts (a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  return { vcpus: a.vcpus - b.vcpus, memoryMb: a.memoryMb - b.memoryMb, diskGb: a.diskGb - b.diskGb }
}

/** Whether `requested` fits beside what is used and reserved. */
export function fits (load: CloudletLoad, reserved: ResourceAmounts, requested: ResourceAmounts): boolean {
  return RESOURCE_CLASSES.every(k => requested[k] === 0 || load[k].used + reserved[k] + requested[k] <= load[k].capacity)
}

/** The compared figure: the highest utilization over the classes after placing `requested`. */
export function utilizationAfter (load: CloudletLoad, reserved: ResourceAmounts, requested: ResourceAmounts): number {
  let highest = 0
  for (const k of RESOURCE_CLASSES) {
    const { capacity, used } = load[k]
    if (capacity <= 0) continue
    highest = Math.max(highest, (used + reserved[k] + requested[k]) / capacity)
  }
  return highest
}
