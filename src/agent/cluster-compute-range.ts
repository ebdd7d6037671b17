/**
 * The compute microversion range this agent advertises and accepts: the intersection of its own
 * cloudlet's range with the ranges the other agents' cloudlets serve, as their overlay metadata
 * says (`apis.compute`, '2.1-2.79'). Every descriptor that passes through this agent's Cyclon
 * view is remembered (by agent, the newest metadata version wins), so within a few shuffles an
 * agent knows the ranges of all agents in a cluster of tens; an agent not seen for
 * `forgetAfterMs` is forgotten (it left, or its cloudlet was upgraded and it says so anew). An
 * empty intersection (cloudlets with disjoint ranges) falls back to the own range, and is logged.
 */
import type { Clock, Logger } from '../core/ports.ts'
import type { MicroversionRange } from '../openstack/microversion.ts'
import type { PeerDescriptor } from '../protocol/cyclon/peer-descriptor.ts'
import { intersectMicroversionRanges, parseMicroversionRange } from '../proxy/microversion-range.ts'

interface Known {
  readonly metadataVersion: number
  readonly range: MicroversionRange
  seenAtMs: number
}

export class ClusterComputeRange {
  readonly #own: MicroversionRange
  readonly #view: () => readonly PeerDescriptor[]
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #forgetAfterMs: number
  readonly #known = new Map<string, Known>()
  #warnedDisjoint = false
  #cached: { range: MicroversionRange, atMs: number } | null = null

  constructor (own: MicroversionRange, view: () => readonly PeerDescriptor[], clock: Clock, logger: Logger, forgetAfterMs = 3_600_000) {
    this.#own = own
    this.#view = view
    this.#clock = clock
    this.#logger = logger
    this.#forgetAfterMs = forgetAfterMs
  }

  get own (): MicroversionRange {
    return this.#own
  }

  /** How many other agents' ranges are known now. */
  get knownAgents (): number {
    return this.#known.size
  }

  /** The range every known cloudlet honours (the own one included); worked out at most once a second. */
  current (): MicroversionRange {
    const now = this.#clock.nowMs()
    if (this.#cached !== null && now - this.#cached.atMs < 1_000) return this.#cached.range
    const range = this.#compute(now)
    this.#cached = { range, atMs: now }
    return range
  }

  #compute (now: number): MicroversionRange {
    for (const peer of this.#view()) {
      const text = peer.metadata.apis?.compute
      if (text === undefined) continue
      const known = this.#known.get(peer.id)
      if (known !== undefined && known.metadataVersion >= peer.metadata.version) {
        known.seenAtMs = now
        continue
      }
      const range = parseMicroversionRange(text)
      if (range !== null) this.#known.set(peer.id, { metadataVersion: peer.metadata.version, range, seenAtMs: now })
    }
    const ranges = [this.#own]
    for (const [id, known] of this.#known) {
      if (now - known.seenAtMs > this.#forgetAfterMs) this.#known.delete(id)
      else ranges.push(known.range)
    }
    const range = intersectMicroversionRanges(ranges)
    if (range !== null) return range
    if (!this.#warnedDisjoint) {
      this.#warnedDisjoint = true
      this.#logger.warn({ agents: this.#known.size }, 'the cloudlets serve compute microversion ranges that do not overlap; advertising this cloudlet\'s own')
    }
    return this.#own
  }
}
