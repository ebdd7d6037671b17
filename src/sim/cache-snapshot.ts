/**
 * A snapshot of every live agent's cache, taken at the end of a cycle: the overlay as a
 * DirectedGraph, the invariants checked on each agent on the way, and what the graph alone
 * cannot tell — the entries out with shuffles in flight, and so which caches are full or empty
 * once those are counted. The simulation measures its cycles from it.
 */
import { assert } from '../core/assert.ts'
import type { CyclonNode } from '../protocol/cyclon/cyclon-node.ts'
import { assertCacheInvariants, assertPendingBound } from './invariants/cache-invariants.ts'
import type { DirectedGraph } from './overlay-graph.ts'
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
 * `nodeOf(i)` is agent i's node when it is up, undefined otherwise; `indexOf` maps an id to its
 * agent. `mark` is scratch space of one slot per agent.
 */
export function snapshotCaches (agentCount: number, nodeOf: (index: number) => CyclonNode | undefined, indexOf: (id: string) => number | undefined, limits: SnapshotLimits, mark: Int32Array): CacheSnapshot {
  const fullSize = Math.min(limits.cacheSize, agentCount - 1)
  const live = new Uint8Array(agentCount)
  for (let i = 0; i < agentCount; i++) if (nodeOf(i) !== undefined) live[i] = 1
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
    const ids = node.neighbourIds()
    shufflesInFlight += ownInFlight
    const held = Math.min(fullSize, ids.length + ownInFlight)
    linksHeld += held
    if (held < fullSize) cachesShortOfFull++
    if (held === 0) emptyCaches++
    for (let k = 0; k < ids.length; k++) {
      const target = indexOf(ids[k] as string)
      assert(target !== undefined, `agent ${i}: cache holds an unknown agent ${ids[k]}`)
      into[at + k] = target
    }
    assertCacheInvariants(i, into, at, at + ids.length, limits.cacheSize, mark, i + 1)
    return ids.length
  }, agentCount * limits.cacheSize)
  return { graph, fullSize, shufflesInFlight, cachesShortOfFull, linksHeld, emptyCaches }
}
