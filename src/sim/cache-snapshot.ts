/**
 * A snapshot of every live agent's cache, taken at the end of a cycle: the overlay as a
 * DirectedGraph, the invariants checked on each agent on the way, and what the graph alone
 * cannot tell — the entries out with shuffles in flight, and so which caches are full or empty
 * once those are counted. The simulation measures its cycles from it. The nodes share the
 * simulation's PeerTable (SimAgents.peers), where agent i is handle i, so a cache's handles are
 * the graph's links as they are: nothing is allocated or looked up per entry.
 */
import { assert } from '../core/assert.ts'
import type { CyclonNode } from '../protocol/cyclon/cyclon-node.ts'
import { assertCacheInvariants, assertPendingBound } from './invariants/cache-invariants.ts'
import type { DirectedGraph, GraphScratch } from './overlay-graph.ts'
import { directedGraph } from './overlay-graph.ts'

export interface CacheSnapshot {
  readonly graph: DirectedGraph
  /** The most a cache can hold here: cacheSize, or everyone else when there are fewer agents. */
  readonly fullSize: number
  readonly shufflesInFlight: number
  /** Agents holding fewer than fullSize links (cache entries plus entries out with their own shuffles). */
  readonly cachesShortOfFull: number
  /** Links held, summed over the agents, each agent's counted up to fullSize. */
  readonly linksHeld: number
  /** Agents holding no link at all. */
  readonly emptyCaches: number
}

export interface SnapshotLimits {
  readonly cacheSize: number
  readonly maxPendingShuffles: number
}

/**
 * `nodeOf(i)` is agent i's node when it is up, undefined otherwise; every node's PeerTable has
 * agent j as handle j. `mark` is scratch space of one slot per agent; `live` receives which
 * agents are up and becomes the graph's. With `scratch`, the graph's arrays are the scratch's,
 * valid until its next use (a run keeps one graph at a time).
 */
export function snapshotCaches (agentCount: number, nodeOf: (index: number) => CyclonNode | undefined, limits: SnapshotLimits, mark: Int32Array, live: Uint8Array = new Uint8Array(agentCount), scratch?: GraphScratch): CacheSnapshot {
  const fullSize = Math.min(limits.cacheSize, agentCount - 1)
  for (let i = 0; i < agentCount; i++) live[i] = nodeOf(i) === undefined ? 0 : 1
  let shufflesInFlight = 0
  let cachesShortOfFull = 0
  let linksHeld = 0
  let emptyCaches = 0
  mark.fill(0)
  const graph = directedGraph(agentCount, live, (i, into, at) => {
    const node = nodeOf(i) as CyclonNode
    const stats = node.stats
    const ownInFlight = stats.shufflesStarted - stats.shufflesCompleted - stats.shufflesTimedOut
    assertPendingBound(i, ownInFlight, limits.maxPendingShuffles)
    // Messages are built only on failure (this runs for every agent every cycle).
    if (node.cacheSize > limits.cacheSize) assert(false, `agent ${i}: cache holds ${node.cacheSize} entries, more than cacheSize ${limits.cacheSize}`)
    const count = node.copyNeighbourHandles(into, at)
    shufflesInFlight += ownInFlight
    const held = Math.min(fullSize, count + ownInFlight)
    linksHeld += held
    if (held < fullSize) cachesShortOfFull++
    if (held === 0) emptyCaches++
    for (let k = at; k < at + count; k++) {
      const target = into[k] as number
      if (!(target >= 0 && target < agentCount)) assert(false, `agent ${i}: cache holds an unknown agent (handle ${target})`)
    }
    assertCacheInvariants(i, into, at, at + count, limits.cacheSize, mark, i + 1)
    return count
  }, limits.cacheSize, scratch)
  return { graph, fullSize, shufflesInFlight, cachesShortOfFull, linksHeld, emptyCaches }
}
