/**
 * The overlay as a graph, for measuring it: the directed graph of cache entries (agent →
 * the agents its cache points at) in compressed sparse rows, and its undirected, deduplicated
 * form, over which the Cyclon paper measures clustering and path length. Agents are indexes;
 * `live` marks the agents that are up — links from agents that are down are ignored, and links
 * to them are the dead links (so removing agents is a new `live` over the same links). Typed arrays throughout: at 100,000 agents the graph
 * has two million links and is rebuilt every cycle.
 */
import type { Random } from '../core/ports.ts'

/**
 * Scratch arrays kept from one measurement to the next, so that a run measuring 100,000 agents
 * every cycle does not allocate (and make the garbage collector reclaim) tens of megabytes of
 * typed arrays per cycle. Each name gets its own array, grown when asked for more; contents
 * are whatever the last user left.
 */
export class GraphScratch {
  readonly #arrays = new Map<string, Int32Array>()

  int32 (name: string, length: number): Int32Array {
    let array = this.#arrays.get(name)
    if (array === undefined || array.length < length) {
      array = new Int32Array(length)
      this.#arrays.set(name, array)
    }
    return array.length === length ? array : array.subarray(0, length)
  }
}

export interface DirectedGraph {
  readonly agentCount: number
  /** 1 for an agent that is up. */
  readonly live: Uint8Array
  /** The out-links of agent i are targets[offsets[i] … offsets[i+1]). */
  readonly offsets: Int32Array
  readonly targets: Int32Array
}

export interface UndirectedGraph {
  readonly agentCount: number
  readonly live: Uint8Array
  /** The neighbours of agent i (both directions, live agents only, each once, sorted) are neighbours[offsets[i] … offsets[i+1]). */
  readonly offsets: Int32Array
  readonly neighbours: Int32Array
}

/**
 * Builds a DirectedGraph from each live agent's out-links (`linksOf(i)` writes target indexes
 * into `into` from `at`, at most `maxLinksPerAgent` of them, and returns how many). With
 * `scratch`, the graph's arrays are the scratch's and valid until its next use.
 */
export function directedGraph (agentCount: number, live: Uint8Array, linksOf: (index: number, into: Int32Array, at: number) => number, maxLinksPerAgent: number, scratch?: GraphScratch): DirectedGraph {
  const offsets = scratch === undefined ? new Int32Array(agentCount + 1) : scratch.int32('graph-offsets', agentCount + 1)
  const capacity = Math.max(16, agentCount * maxLinksPerAgent)
  const targets = scratch === undefined ? new Int32Array(capacity) : scratch.int32('graph-targets', capacity)
  let at = 0
  for (let i = 0; i < agentCount; i++) {
    offsets[i] = at
    if (live[i] !== 1) continue
    const count = linksOf(i, targets, at)
    if (count > maxLinksPerAgent) throw new RangeError(`agent ${i} has ${count} links, more than ${maxLinksPerAgent}`)
    at += count
  }
  offsets[agentCount] = at
  return { agentCount, live, offsets, targets: targets.subarray(0, at) }
}

/** The undirected form: u–v when u points at v or v at u, both live, u ≠ v; each pair once. */
export function undirectedGraph (graph: DirectedGraph): UndirectedGraph {
  const { agentCount, live, offsets, targets } = graph
  const degree = new Int32Array(agentCount + 1)
  for (let u = 0; u < agentCount; u++) {
    if (live[u] !== 1) continue
    for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
      const v = targets[k] as number
      if (live[v] !== 1 || v === u) continue
      degree[u] = (degree[u] as number) + 1
      degree[v] = (degree[v] as number) + 1
    }
  }
  const start = new Int32Array(agentCount + 1)
  for (let i = 0; i < agentCount; i++) start[i + 1] = (start[i] as number) + (degree[i] as number)
  const fill = start.slice(0, agentCount)
  const raw = new Int32Array(start[agentCount] as number)
  for (let u = 0; u < agentCount; u++) {
    if (live[u] !== 1) continue
    for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
      const v = targets[k] as number
      if (live[v] !== 1 || v === u) continue
      const atU = fill[u] as number
      const atV = fill[v] as number
      raw[atU] = v
      raw[atV] = u
      fill[u] = atU + 1
      fill[v] = atV + 1
    }
  }
  // Sort each list and drop repeats (a pair that points both ways appears twice), compacting in place.
  const compactOffsets = new Int32Array(agentCount + 1)
  let out = 0
  for (let i = 0; i < agentCount; i++) {
    compactOffsets[i] = out
    const from = start[i] as number
    const to = start[i + 1] as number
    if (to - from > 1) raw.subarray(from, to).sort()
    let previous = -1
    for (let k = from; k < to; k++) {
      const v = raw[k] as number
      if (v !== previous) raw[out++] = v
      previous = v
    }
  }
  compactOffsets[agentCount] = out
  return { agentCount, live, offsets: compactOffsets, neighbours: raw.subarray(0, out) }
}

export interface InDegreeStats {
  readonly mean: number
  readonly std: number
  readonly max: number
  /** Live agents that no live cache points at. */
  readonly withoutInLinks: number
}

/** In-degrees of the live agents, counting links from live agents only. */
export function inDegreeStats (graph: DirectedGraph, scratch?: GraphScratch): InDegreeStats {
  const { agentCount, live, offsets, targets } = graph
  const inDegree = scratch === undefined ? new Int32Array(agentCount) : scratch.int32('in-degree', agentCount).fill(0)
  for (let u = 0; u < agentCount; u++) {
    if (live[u] !== 1) continue
    for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
      const v = targets[k] as number
      inDegree[v] = (inDegree[v] as number) + 1
    }
  }
  let count = 0
  let sum = 0
  let max = 0
  let withoutInLinks = 0
  for (let i = 0; i < agentCount; i++) {
    if (live[i] !== 1) continue
    const d = inDegree[i] as number
    count++
    sum += d
    if (d > max) max = d
    if (d === 0) withoutInLinks++
  }
  const mean = count === 0 ? 0 : sum / count
  let squares = 0
  for (let i = 0; i < agentCount; i++) {
    if (live[i] !== 1) continue
    const delta = (inDegree[i] as number) - mean
    squares += delta * delta
  }
  return { mean, std: count === 0 ? 0 : Math.sqrt(squares / count), max, withoutInLinks }
}

/** Links from live agents to agents that are not live. */
export function deadLinkCount (graph: DirectedGraph): number {
  const { agentCount, live, offsets, targets } = graph
  let dead = 0
  for (let u = 0; u < agentCount; u++) {
    if (live[u] !== 1) continue
    for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) if (live[targets[k] as number] !== 1) dead++
  }
  return dead
}

/** The size of the largest connected component of the live agents (links taken as undirected). */
export function largestComponentSize (graph: DirectedGraph, scratch?: GraphScratch): number {
  const { agentCount, live, offsets, targets } = graph
  const parent = scratch === undefined ? new Int32Array(agentCount) : scratch.int32('component-parent', agentCount)
  const size = (scratch === undefined ? new Int32Array(agentCount) : scratch.int32('component-size', agentCount)).fill(1)
  for (let i = 0; i < agentCount; i++) parent[i] = i
  const find = (x: number): number => {
    let r = x
    while (parent[r] !== r) {
      parent[r] = parent[parent[r] as number] as number
      r = parent[r] as number
    }
    return r
  }
  for (let u = 0; u < agentCount; u++) {
    if (live[u] !== 1) continue
    for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
      const v = targets[k] as number
      if (live[v] !== 1) continue
      let a = find(u)
      let b = find(v)
      if (a === b) continue
      if ((size[a] as number) < (size[b] as number)) [a, b] = [b, a]
      parent[b] = a
      size[a] = (size[a] as number) + (size[b] as number)
    }
  }
  let largest = 0
  for (let i = 0; i < agentCount; i++) {
    if (live[i] === 1 && parent[i] === i && (size[i] as number) > largest) largest = size[i] as number
  }
  return largest
}

/**
 * The mean clustering coefficient over `sample` (agent indexes): for each, the links among its
 * neighbours over the k(k−1)/2 possible (0 when it has fewer than two neighbours).
 */
export function clusteringCoefficient (graph: UndirectedGraph, sample: Int32Array): number {
  if (sample.length === 0) return 0
  const { agentCount, offsets, neighbours } = graph
  const mark = new Int32Array(agentCount).fill(-1)
  let total = 0
  for (let s = 0; s < sample.length; s++) {
    const v = sample[s] as number
    const from = offsets[v] as number
    const to = offsets[v + 1] as number
    const k = to - from
    if (k < 2) continue
    for (let j = from; j < to; j++) mark[neighbours[j] as number] = s
    let links = 0
    for (let j = from; j < to; j++) {
      const a = neighbours[j] as number
      for (let m = offsets[a] as number; m < (offsets[a + 1] as number); m++) if (mark[neighbours[m] as number] === s) links++
    }
    // Every link among the neighbours was seen from both of its ends.
    total += (links / 2) / (k * (k - 1) / 2)
  }
  return total / sample.length
}

/**
 * The mean shortest-path length from `sources` to every live agent they reach (hops). One
 * breadth-first search per source, but run 32 sources at a time as bits of a word per agent:
 * level by level, an agent passes to each neighbour the sources that reached it last level and
 * have not reached that neighbour yet. A 100,000-agent overlay is swept a handful of times per
 * 32 sources instead of once per source; the sum and the count of pairs are the same integers.
 */
export function averagePathLength (graph: UndirectedGraph, sources: Int32Array): number {
  const { agentCount, offsets, neighbours } = graph
  const seen = new Int32Array(agentCount)
  let frontier = new Int32Array(agentCount)
  let next = new Int32Array(agentCount)
  let sum = 0
  let pairs = 0
  for (let batch = 0; batch < sources.length; batch += 32) {
    seen.fill(0)
    frontier.fill(0)
    const count = Math.min(32, sources.length - batch)
    for (let s = 0; s < count; s++) {
      const source = sources[batch + s] as number
      seen[source] = (seen[source] as number) | (1 << s)
      frontier[source] = (frontier[source] as number) | (1 << s)
    }
    for (let distance = 1; ; distance++) {
      next.fill(0)
      for (let u = 0; u < agentCount; u++) {
        const reached = frontier[u] as number
        if (reached === 0) continue
        for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
          const v = neighbours[k] as number
          const fresh = reached & ~(seen[v] as number)
          if (fresh !== 0) next[v] = (next[v] as number) | fresh
        }
      }
      let reachedNow = 0
      for (let v = 0; v < agentCount; v++) {
        const fresh = next[v] as number
        if (fresh === 0) continue
        seen[v] = (seen[v] as number) | fresh
        reachedNow += bitCount(fresh)
      }
      if (reachedNow === 0) break
      sum += reachedNow * distance
      pairs += reachedNow
      const swap = frontier
      frontier = next
      next = swap
    }
  }
  return pairs === 0 ? 0 : sum / pairs
}

/** The number of bits set in a 32-bit word. */
function bitCount (word: number): number {
  let x = word - ((word >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  x = (x + (x >>> 4)) & 0x0f0f0f0f
  return Math.imul(x, 0x01010101) >>> 24
}

/** `count` distinct live agents chosen at random (all of them, in index order, when there are no more). */
export function sampleLiveAgents (live: Uint8Array, count: number, random: Random): Int32Array {
  const all: number[] = []
  for (let i = 0; i < live.length; i++) if (live[i] === 1) all.push(i)
  if (count >= all.length) return Int32Array.from(all)
  for (let i = 0; i < count; i++) {
    const j = i + random.int(all.length - i)
    const t = all[i] as number
    all[i] = all[j] as number
    all[j] = t
  }
  return Int32Array.from(all.slice(0, count))
}
