/**
 * Sorting the merged lists of several cloudlets by several keys, each ascending or descending,
 * with the values ordered as the services' databases order them (openstack/column-order.ts);
 * the caller appends the id so the order is total and deterministic.
 */
import { compareColumnValues } from '../openstack/column-order.ts'

export interface SortKey<T> {
  readonly value: (item: T) => unknown
  readonly descending: boolean
}

export function comparatorOf<T> (keys: ReadonlyArray<SortKey<T>>): (a: T, b: T) => number {
  return (a, b) => {
    for (const { value, descending } of keys) {
      const c = compareColumnValues(value(a), value(b))
      if (c !== 0) return descending ? -c : c
    }
    return 0
  }
}

/**
 * The items of several lists, each id once (the first list that has it wins), in no particular
 * order: the same object held by two cloudlets is one object to the user.
 */
export function uniqueById<T extends Readonly<Record<string, unknown>>> (lists: ReadonlyArray<readonly T[]>, idKey = 'id'): T[] {
  const seen = new Set<unknown>()
  const out: T[] = []
  for (const list of lists) {
    for (const item of list) {
      const id = item[idKey]
      if (seen.has(id)) continue
      seen.add(id)
      out.push(item)
    }
  }
  return out
}

/**
 * The index where the page after `marker` starts in `sorted`: right after the marker when it is
 * in the list, else after the place it would sort into (a marker the filters now exclude).
 */
export function startAfter<T> (sorted: readonly T[], marker: T, isMarker: (item: T) => boolean, compare: (a: T, b: T) => number): number {
  const index = sorted.findIndex(isMarker)
  if (index !== -1) return index + 1
  const after = sorted.findIndex(item => compare(item, marker) > 0)
  return after === -1 ? sorted.length : after
}
