/**
 * The simulated cloudlets' Placement services: each cloudlet's capacity per resource class and
 * what its servers use, as the CloudletLoad a PlacementNode reads through its `load` port. It
 * also keeps the measures the criteria need cheaply as servers come and go: servers per
 * cloudlet, the highest count (kept in O(1) per change from a count of cloudlets per level),
 * and the time spent at each highest count within a measuring window (time-averaged maximum,
 * and its percentiles, for churn).
 */
import type { CloudletLoad } from '../../protocol/placement/cloudlet-load.ts'
import { utilizationAfter, ZERO_AMOUNTS } from '../../protocol/placement/cloudlet-load.ts'
import type { ResourceAmounts } from '../../protocol/placement/placement-request.ts'

export class CloudletLoads {
  readonly count: number
  /** Servers on each cloudlet. */
  readonly servers: Int32Array
  readonly #capacities: readonly ResourceAmounts[]
  readonly #vcpus: Float64Array
  readonly #memoryMb: Float64Array
  readonly #diskGb: Float64Array
  /** Cloudlets holding exactly k servers, by k. */
  #atLevel: Int32Array
  #maxServers = 0
  #totalServers = 0
  /** Time spent at each highest count within the window, by count. */
  #timeAtMax: Float64Array
  #windowFromMs = Number.POSITIVE_INFINITY
  #windowToMs = Number.POSITIVE_INFINITY
  #observedToMs = 0
  #timeInWindowMs = 0
  #serverTimeInWindow = 0

  /** Cloudlet i has capacity `capacities[i % capacities.length]`. */
  constructor (count: number, capacities: readonly ResourceAmounts[]) {
    this.count = count
    this.#capacities = capacities
    this.servers = new Int32Array(count)
    this.#vcpus = new Float64Array(count)
    this.#memoryMb = new Float64Array(count)
    this.#diskGb = new Float64Array(count)
    this.#atLevel = new Int32Array(64)
    this.#atLevel[0] = count
    this.#timeAtMax = new Float64Array(64)
  }

  capacity (index: number): ResourceAmounts {
    return this.#capacities[index % this.#capacities.length] as ResourceAmounts
  }

  /** The cloudlet's load as its Placement reports it (no reservations): a fresh object each call. */
  load (index: number): CloudletLoad {
    const capacity = this.capacity(index)
    return {
      vcpus: { capacity: capacity.vcpus, used: this.#vcpus[index] as number },
      memoryMb: { capacity: capacity.memoryMb, used: this.#memoryMb[index] as number },
      diskGb: { capacity: capacity.diskGb, used: this.#diskGb[index] as number }
    }
  }

  /** The compared figure as it stands: the highest utilization over the classes. */
  utilization (index: number): number {
    return utilizationAfter(this.load(index), ZERO_AMOUNTS, ZERO_AMOUNTS)
  }

  get maxServers (): number {
    return this.#maxServers
  }

  get totalServers (): number {
    return this.#totalServers
  }

  /** A server lands on cloudlet `index` at `nowMs`. */
  add (index: number, resources: ResourceAmounts, nowMs: number): void {
    this.observe(nowMs)
    this.#vcpus[index] = (this.#vcpus[index] as number) + resources.vcpus
    this.#memoryMb[index] = (this.#memoryMb[index] as number) + resources.memoryMb
    this.#diskGb[index] = (this.#diskGb[index] as number) + resources.diskGb
    const level = (this.servers[index] as number) + 1
    this.servers[index] = level
    if (level >= this.#atLevel.length) this.#atLevel = grow(this.#atLevel)
    this.#atLevel[level - 1] = (this.#atLevel[level - 1] as number) - 1
    this.#atLevel[level] = (this.#atLevel[level] as number) + 1
    if (level > this.#maxServers) this.#maxServers = level
    this.#totalServers++
  }

  /** A server on cloudlet `index` is deleted at `nowMs`. */
  remove (index: number, resources: ResourceAmounts, nowMs: number): void {
    this.observe(nowMs)
    this.#vcpus[index] = (this.#vcpus[index] as number) - resources.vcpus
    this.#memoryMb[index] = (this.#memoryMb[index] as number) - resources.memoryMb
    this.#diskGb[index] = (this.#diskGb[index] as number) - resources.diskGb
    const level = this.servers[index] as number
    this.servers[index] = level - 1
    this.#atLevel[level] = (this.#atLevel[level] as number) - 1
    this.#atLevel[level - 1] = (this.#atLevel[level - 1] as number) + 1
    while (this.#maxServers > 0 && this.#atLevel[this.#maxServers] === 0) this.#maxServers--
    this.#totalServers--
  }

  /** From now on, time is counted from `fromMs` to `toMs` (time-averaged measures). */
  setWindow (fromMs: number, toMs: number): void {
    this.#windowFromMs = fromMs
    this.#windowToMs = toMs
  }

  /** Counts the time since the last change, at the highest count that held through it, up to `nowMs`. */
  observe (nowMs: number): void {
    const from = Math.max(this.#observedToMs, this.#windowFromMs)
    const to = Math.min(nowMs, this.#windowToMs)
    if (to > from) {
      const max = this.#maxServers
      if (max >= this.#timeAtMax.length) this.#timeAtMax = grow(this.#timeAtMax)
      this.#timeAtMax[max] = (this.#timeAtMax[max] as number) + (to - from)
      this.#timeInWindowMs += to - from
      this.#serverTimeInWindow += this.#totalServers * (to - from)
    }
    if (nowMs > this.#observedToMs) this.#observedToMs = nowMs
  }

  /** The highest count averaged over the window's time, its 99th percentile over that time, and the mean servers per cloudlet. */
  timeAveraged (): { readonly maxMean: number, readonly maxP99: number, readonly meanServers: number, readonly timeAtMax: readonly number[] } {
    const total = this.#timeInWindowMs
    let area = 0
    let p99 = 0
    let cumulative = 0
    let found = false
    const timeAtMax: number[] = []
    for (let k = 0; k < this.#timeAtMax.length; k++) {
      const t = this.#timeAtMax[k] as number
      area += k * t
      cumulative += t
      if (!found && total > 0 && cumulative >= 0.99 * total) {
        p99 = k
        found = true
      }
      if (t > 0) {
        while (timeAtMax.length < k) timeAtMax.push(0)
        timeAtMax.push(total > 0 ? t / total : 0)
      }
    }
    return { maxMean: total > 0 ? area / total : Number.NaN, maxP99: total > 0 ? p99 : Number.NaN, meanServers: total > 0 ? this.#serverTimeInWindow / total / this.count : Number.NaN, timeAtMax }
  }

  /** Cloudlets holding exactly k servers, for k = 0 … the highest. */
  levelCounts (): number[] {
    return Array.from(this.#atLevel.subarray(0, this.#maxServers + 1))
  }
}

function grow<T extends Int32Array | Float64Array> (from: T): T {
  const to = new (from.constructor as new (length: number) => T)(from.length * 2)
  to.set(from)
  return to
}
