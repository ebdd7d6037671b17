/**
 * PendingShuffles: the shuffles a CyclonNode has started and awaits replies to — for each, its
 * id, its deadline, Q (the peer it went to, out of the cache until the reply) and the handles
 * of the entries sent, whose slots the reply may take. At most `capacity` of them
 * (maxPendingShuffles), kept in the order they were started.
 *
 * The records live in the node's region of its NodeStorage, next to its cache: a record object,
 * a Map entry and arrays per shuffle were, at 100,000 nodes shuffling every cycle, a steady
 * stream of garbage and of cache misses. Record i is numbers[base + i·stride …]: shuffle id,
 * deadline, Q's handle, how many entries were sent, then their handles; Q's id, address and
 * metadata are refs[refBase + 3i …].
 */
import { PENDING_RECORD_HEADER, REFS_PER_PEER } from './node-storage.ts'
import type { AgentId, PeerMetadata } from './peer-descriptor.ts'

const SHUFFLE_ID = 0
const DEADLINE = 1
const PEER = 2
const SENT_COUNT = 3
const SENT = PENDING_RECORD_HEADER

export class PendingShuffles {
  #count = 0
  readonly #numbers: Float64Array
  readonly #base: number
  readonly #refs: unknown[]
  readonly #refBase: number
  readonly #capacity: number
  readonly #stride: number

  /**
   * Records in `numbers[base … base + capacity·stride)` and `refs[refBase … refBase + 3·capacity)`,
   * regions the caller owns (a node's region of its NodeStorage).
   */
  constructor (numbers: Float64Array, base: number, refs: unknown[], refBase: number, capacity: number, stride: number) {
    this.#numbers = numbers
    this.#base = base
    this.#refs = refs
    this.#refBase = refBase
    this.#capacity = capacity
    this.#stride = stride
  }

  /** Shuffles awaiting a reply. */
  get count (): number {
    return this.#count
  }

  get full (): boolean {
    return this.#count >= this.#capacity
  }

  /** Records a shuffle just started (the caller checked `full`); returns its index, for addSent(). */
  open (shuffleId: number, deadlineMs: number, peer: number, id: AgentId, address: string, metadata: PeerMetadata): number {
    const i = this.#count++
    const at = this.#base + i * this.#stride
    const numbers = this.#numbers
    numbers[at + SHUFFLE_ID] = shuffleId
    numbers[at + DEADLINE] = deadlineMs
    numbers[at + PEER] = peer
    numbers[at + SENT_COUNT] = 0
    const ref = this.#refBase + i * REFS_PER_PEER
    this.#refs[ref] = id
    this.#refs[ref + 1] = address
    this.#refs[ref + 2] = metadata
    return i
  }

  /** Notes that shuffle `index` sent the entry of peer `handle`. */
  addSent (index: number, handle: number): void {
    const at = this.#base + index * this.#stride
    const count = this.#numbers[at + SENT_COUNT] as number
    this.#numbers[at + SENT + count] = handle
    this.#numbers[at + SENT_COUNT] = count + 1
  }

  /** The index of the shuffle with id `shuffleId`, or −1. */
  indexOf (shuffleId: number): number {
    for (let i = 0; i < this.#count; i++) if (this.#numbers[this.#base + i * this.#stride + SHUFFLE_ID] === shuffleId) return i
    return -1
  }

  deadlineMs (index: number): number {
    return this.#numbers[this.#base + index * this.#stride + DEADLINE] as number
  }

  /** Q, the peer shuffle `index` went to: its handle, id, address and metadata. */
  peer (index: number): number {
    return (this.#numbers[this.#base + index * this.#stride + PEER] as number) | 0
  }

  peerId (index: number): AgentId {
    return this.#refs[this.#refBase + index * REFS_PER_PEER] as AgentId
  }

  peerAddress (index: number): string {
    return this.#refs[this.#refBase + index * REFS_PER_PEER + 1] as string
  }

  peerMetadata (index: number): PeerMetadata {
    return this.#refs[this.#refBase + index * REFS_PER_PEER + 2] as PeerMetadata
  }

  /** The handles of the entries shuffle `index` sent are sentHandles()[sentStart(index) … + sentCount(index)). */
  sentCount (index: number): number {
    return this.#numbers[this.#base + index * this.#stride + SENT_COUNT] as number
  }

  sentStart (index: number): number {
    return this.#base + index * this.#stride + SENT
  }

  sentHandles (): Float64Array {
    return this.#numbers
  }

  /** The earliest deadline, or +Infinity when none is pending. */
  earliestDeadlineMs (): number {
    let earliest = Number.POSITIVE_INFINITY
    for (let i = 0; i < this.#count; i++) {
      const deadline = this.#numbers[this.#base + i * this.#stride + DEADLINE] as number
      if (deadline < earliest) earliest = deadline
    }
    return earliest
  }

  /** Forgets shuffle `index`; the later ones move down one place, keeping their order. */
  removeAt (index: number): void {
    const last = --this.#count
    const stride = this.#stride
    const from = this.#base + (index + 1) * stride
    this.#numbers.copyWithin(from - stride, from, this.#base + (last + 1) * stride)
    const refs = this.#refs
    for (let r = this.#refBase + index * REFS_PER_PEER; r < this.#refBase + last * REFS_PER_PEER; r++) refs[r] = refs[r + REFS_PER_PEER]
    for (let r = 0; r < REFS_PER_PEER; r++) refs[this.#refBase + last * REFS_PER_PEER + r] = undefined
  }

  clear (): void {
    this.#refs.fill(undefined, this.#refBase, this.#refBase + this.#count * REFS_PER_PEER)
    this.#count = 0
  }

  /** The node's PeerTable was rebuilt: every handle held (peers, entries sent) goes through `map`. */
  remap (map: (handle: number) => number): void {
    const numbers = this.#numbers
    for (let i = 0; i < this.#count; i++) {
      const at = this.#base + i * this.#stride
      numbers[at + PEER] = map(numbers[at + PEER] as number)
      const count = numbers[at + SENT_COUNT] as number
      for (let k = 0; k < count; k++) numbers[at + SENT + k] = map(numbers[at + SENT + k] as number)
    }
  }
}
