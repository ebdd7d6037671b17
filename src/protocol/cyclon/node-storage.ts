/**
 * NodeStorage: where CyclonNodes keep their caches and pending shuffles — one buffer of numbers
 * (peer handles and ages as 32-bit integers, then the pending records as doubles, seen through
 * an Int32Array and a Float64Array) and one array of references (each entry's
 * id, address and metadata, and each pending shuffle's peer's), with a fixed region of each per
 * node. A real agent's node has a storage of its own, of one region; the simulator makes one
 * storage for all of its agents (region i for agent i, reused when the agent restarts).
 *
 * Why: at 100,000 nodes, per-node arrays and per-entry objects were hundreds of megabytes of
 * small objects that the garbage collector copied at start-up and marked again and again,
 * scattered so that every message missed the CPU cache many times. Here each node's state is
 * two contiguous runs of memory, and the numbers live outside the JavaScript heap. Nothing in
 * it is ever reallocated.
 */
import type { CyclonConfig } from './cyclon-config.ts'

/** Numbers at the head of a pending shuffle's record (id, deadline, peer, entries sent), before the handles sent. */
export const PENDING_RECORD_HEADER = 4
/** References per described peer: id, address, metadata. */
export const REFS_PER_PEER = 3

export class NodeStorage {
  readonly numbers: Float64Array
  /** The same memory as `numbers`, as 32-bit integers: a node's region starts at 2 × its start in `numbers`. */
  readonly ints: Int32Array
  readonly refs: unknown[]
  /** Numbers (doubles) per node: the cache's handles and ages (2c integers, the room of c doubles), then maxPendingShuffles records. */
  readonly numbersPerNode: number
  /** References per node: the cache's peers (3c), then the pending shuffles' peers (3 each). */
  readonly refsPerNode: number
  readonly nodes: number

  constructor (config: CyclonConfig, nodes: number) {
    this.nodes = nodes
    this.numbersPerNode = numbersNeeded(config)
    this.refsPerNode = refsNeeded(config)
    this.numbers = new Float64Array(nodes * this.numbersPerNode)
    this.ints = new Int32Array(this.numbers.buffer)
    this.refs = new Array<unknown>(nodes * this.refsPerNode).fill(undefined)
  }

  /** Whether a node of `config` fits in these regions. */
  fits (config: CyclonConfig): boolean {
    return numbersNeeded(config) <= this.numbersPerNode && refsNeeded(config) <= this.refsPerNode
  }
}

/**
 * The bytes a full cache of `cacheSize` entries takes in a NodeStorage: per entry a handle and
 * an age (4 bytes each) and three references (8 bytes each); the ids, addresses and metadata
 * referred to are the peers' own, shared by every cache that holds them.
 */
export function cacheBytes (cacheSize: number): number {
  return cacheSize * (2 * 4 + REFS_PER_PEER * 8)
}

/** Numbers in one pending shuffle's record: the header, then up to ℓ − 1 handles sent. */
export function pendingRecordLength (config: CyclonConfig): number {
  return PENDING_RECORD_HEADER + Math.max(1, config.shuffleLength - 1)
}

function numbersNeeded (config: CyclonConfig): number {
  return config.cacheSize + config.maxPendingShuffles * pendingRecordLength(config)
}

function refsNeeded (config: CyclonConfig): number {
  return REFS_PER_PEER * (config.cacheSize + config.maxPendingShuffles)
}
