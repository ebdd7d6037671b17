/**
 * The overlay as a graph, for measuring it: the directed graph of cache entries (agent →
 * the agents its cache points at) in compressed sparse rows, and its undirected, deduplicated
 * form, over which the Cyclon paper measures clustering and path length. Agents are indexes;
 * `live` marks the agents that are up — links from agents that are down are ignored, and links
 * to them are the dead links (so removing agents is a new `live` over the same links). Typed arrays throughout: at 100,000 agents the graph
 * has two million links and is rebuilt every cycle.
 */
import type { Random } from '../core/ports.ts'

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

/** Builds a DirectedGraph from each live agent's out-links (`linksOf(i)` gives target indexes). */
export function directedGraph (agentCount: number, live: Uint8Array, linksOf: (index: number, into: Int32Array, at: number) => number, linkCountHint: number): DirectedGraph {
  const offsets = new Int32Array(agentCount + 1)
  let targets = new Int32Array(Math.max(16, linkCountHint))
  let at = 0
  for (let i = 0; i < agentCount; i++) {
    offsets[i] = at
    if (live[i] !== 1) continue
    if (targets.length - at < 1024) {
      const bigger = new Int32Array(targets.length * 2 + 1024)
      bigger.set(targets)
      targets = bigger
    }
    at += linksOf(i, targets, at)
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
export function inDegreeStats (graph: DirectedGraph): InDegreeStats {
  const { agentCount, live, offsets, targets } = graph
  const inDegree = new Int32Array(agentCount)
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
export function largestComponentSize (graph: DirectedGraph): number {
  const { agentCount, live, offsets, targets } = graph
  const parent = new Int32Array(agentCount)
  const size = new Int32Array(agentCount).fill(1)
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

/** The mean shortest-path length from `sources` to every live agent they reach (BFS, hops). */
export function averagePathLength (graph: UndirectedGraph, sources: Int32Array): number {
  const { agentCount, offsets, neighbours } = graph
  const distance = new Int32Array(agentCount)
  const queue = new Int32Array(agentCount)
  let sum = 0
  let pairs = 0
  for (let s = 0; s < sources.length; s++) {
    distance.fill(-1)
    const source = sources[s] as number
    distance[source] = 0
    let head = 0
    let tail = 0
    queue[tail++] = source
    while (head < tail) {
      const u = queue[head++] as number
      const du = (distance[u] as number) + 1
      for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
        const v = neighbours[k] as number
        if (distance[v] !== -1) continue
        distance[v] = du
        sum += du
        pairs++
        queue[tail++] = v
      }
    }
  }
  return pairs === 0 ? 0 : sum / pairs
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
