/**
 * Slices of a subnet's allocation pools for the cloudlets that hold copies of the subnet (issue 7
 * §4): addresses must never collide across cloudlets, and each cloudlet's Neutron allocates
 * from its own pools only. The subnet's home keeps the whole pool until another cloudlet needs
 * the subnet; then it carves a slice from the top of its free addresses (the home's own
 * allocations stay where they are, at the bottom), gives the slice to that cloudlet and keeps
 * the rest. Pure: the caller supplies the pools and the addresses in use.
 */
import { formatIp, parseIp } from '../openstack/network/ip.ts'
import type { IpVersion } from '../openstack/network/ip.ts'

export interface PoolRange {
  readonly start: string
  readonly end: string
}

export interface CarvedSlice {
  /** The pools of the cloudlet that gets the slice. */
  readonly slice: PoolRange[]
  /** The home's pools without the slice. */
  readonly remaining: PoolRange[]
}

interface Range { first: bigint, last: bigint }

/** How many addresses a new slice gets: half of what is free, at most max(64, a sixteenth of the pools); 0 when fewer than 2 are free. */
export function sliceSize (poolSize: bigint, free: bigint): bigint {
  if (free < 2n) return 0n
  const cap = poolSize / 16n > 64n ? poolSize / 16n : 64n
  const half = free / 2n
  return half < cap ? half : cap
}

/**
 * Carves a slice from the highest free addresses of `pools`; `used` are the addresses allocated
 * in the home (they stay in its pools). Null when the pools cannot be read or too few are free.
 */
export function carveSlice (pools: readonly PoolRange[], used: readonly string[]): CarvedSlice | null {
  let version: IpVersion | null = null
  const ranges: Range[] = []
  for (const pool of pools) {
    const first = parseIp(pool.start)
    const last = parseIp(pool.end)
    if (first === null || last === null || first.version !== last.version || first.value > last.value) return null
    if (version !== null && version !== first.version) return null
    version = first.version
    ranges.push({ first: first.value, last: last.value })
  }
  if (version === null) return null
  ranges.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
  const taken = new Set<bigint>()
  for (const text of used) {
    const ip = parseIp(text)
    if (ip !== null && ip.version === version) taken.add(ip.value)
  }
  const poolSize = ranges.reduce((n, r) => n + r.last - r.first + 1n, 0n)
  let takenInPools = 0n
  for (const value of taken) if (ranges.some(r => value >= r.first && value <= r.last)) takenInPools++
  const size = sliceSize(poolSize, poolSize - takenInPools)
  if (size === 0n) return null
  // From the top down: the free runs between the addresses in use, until the slice is full.
  const slice: Range[] = []
  let count = 0n
  const take = (first: bigint, last: bigint): void => {
    if (first > last || count >= size) return
    const length = last - first + 1n
    const wanted = size - count < length ? size - count : length
    slice.push({ first: last - wanted + 1n, last })
    count += wanted
  }
  const usedDescending = [...taken].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
  for (let i = ranges.length - 1; i >= 0 && count < size; i--) {
    const range = ranges[i] as Range
    let cursor = range.last
    for (const value of usedDescending) {
      if (value > cursor || value < range.first) continue
      take(value + 1n, cursor)
      cursor = value - 1n
    }
    take(range.first, cursor)
  }
  slice.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
  const v = version
  const text = (r: Range): PoolRange => ({ start: formatIp({ version: v, value: r.first }), end: formatIp({ version: v, value: r.last }) })
  return { slice: slice.map(text), remaining: subtract(ranges, slice).map(text) }
}

/** `ranges` without the addresses of `cut` (both sorted ascending, `cut` within `ranges`). */
function subtract (ranges: readonly Range[], cut: readonly Range[]): Range[] {
  const out: Range[] = []
  for (const range of ranges) {
    let start = range.first
    for (const c of cut) {
      if (c.last < start || c.first > range.last) continue
      if (c.first > start) out.push({ first: start, last: c.first - 1n })
      start = c.last + 1n
    }
    if (start <= range.last) out.push({ first: start, last: range.last })
  }
  return out
}
