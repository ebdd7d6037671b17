/**
 * The measurements of an overlay, per cycle and for the random-graph yardstick: the figures
 * the Cyclon paper plots (in-degree spread, clustering, path length, connectivity, dead links)
 * and the cost (shuffle requests received, bytes sent). Computed from a DirectedGraph snapshot
 * of the caches plus the per-cycle traffic counters; pure functions of their inputs.
 */
import type { Random } from '../core/ports.ts'
import type { DirectedGraph, GraphScratch } from './overlay-graph.ts'
import { averagePathLength, clusteringCoefficient, deadLinkCount, inDegreeStats, largestComponentSize, sampleLiveAgents, undirectedGraph } from './overlay-graph.ts'

/** One cycle's measurements, taken at its end. Structural figures are null in cycles where they were not measured. */
export interface CycleMetrics {
  readonly cycle: number
  readonly timeMs: number
  readonly liveAgents: number
  /** In-degree of the live agents, counting links from live caches. */
  readonly inDegreeMean: number
  readonly inDegreeStd: number
  readonly inDegreeMax: number
  readonly agentsWithoutInLinks: number
  readonly cacheSizeMean: number
  /** Live agents whose cache holds exactly cacheSize entries. */
  readonly fullCacheFraction: number
  /** Live agents that hold no link: an empty cache and no shuffle of their own in flight. */
  readonly emptyCaches: number
  /** Shuffles awaiting a reply at the snapshot: each holds one entry (its Q) out of its cache. */
  readonly shufflesInFlight: number
  /** Live agents whose cache, plus the entries out with their own shuffles in flight, holds fewer than cacheSize. */
  readonly cachesShortOfFull: number
  /**
   * The mean over live agents of the links each holds: its cache entries plus those out with its
   * own shuffles in flight (each shuffle holds its Q out of the cache until the reply), at most
   * cacheSize. Without failures it is the mean in-degree an atomic snapshot would see.
   */
  readonly linksHeldMean: number
  readonly deadLinks: number
  /** Dead links over all entries of live caches. */
  readonly deadLinkFraction: number
  readonly largestComponentSize: number
  /** Largest component over live agents. */
  readonly largestComponentFraction: number
  readonly clusteringCoefficient: number | null
  readonly averagePathLength: number | null
  /** Shuffle requests each live agent received during the cycle. */
  readonly requestsReceivedMean: number
  readonly requestsReceivedStd: number
  readonly requestsReceivedMax: number
  /** Bytes each live agent sent during the cycle (all message kinds). */
  readonly bytesSentMean: number
  readonly bytesSentMax: number
  readonly messagesSentMean: number
}

/** The random graph's figures, for comparison. */
export interface GraphBaseline {
  readonly agents: number
  readonly outDegree: number
  readonly inDegreeMean: number
  readonly inDegreeStd: number
  readonly clusteringCoefficient: number
  readonly averagePathLength: number
  readonly largestComponentFraction: number
}

export interface StructureSampling {
  readonly clusteringSample: number
  readonly pathSources: number
}

/** Clustering and path length of a graph, from samples drawn from `random`. */
export function measureStructure (graph: DirectedGraph, sampling: StructureSampling, random: Random): { clusteringCoefficient: number, averagePathLength: number } {
  const undirected = undirectedGraph(graph)
  return {
    clusteringCoefficient: clusteringCoefficient(undirected, sampleLiveAgents(graph.live, sampling.clusteringSample, random.fork('clustering'))),
    averagePathLength: averagePathLength(undirected, sampleLiveAgents(graph.live, sampling.pathSources, random.fork('paths')))
  }
}

export function measureBaseline (graph: DirectedGraph, outDegree: number, sampling: StructureSampling, random: Random): GraphBaseline {
  const degrees = inDegreeStats(graph)
  const structure = measureStructure(graph, sampling, random)
  return {
    agents: graph.agentCount,
    outDegree,
    inDegreeMean: degrees.mean,
    inDegreeStd: degrees.std,
    clusteringCoefficient: structure.clusteringCoefficient,
    averagePathLength: structure.averagePathLength,
    largestComponentFraction: largestComponentSize(graph) / graph.agentCount
  }
}

/** What the simulation knows about one cycle besides the graph. */
export interface CycleCounters {
  readonly cycle: number
  readonly timeMs: number
  readonly cacheSize: number
  readonly shufflesInFlight: number
  readonly cachesShortOfFull: number
  readonly linksHeld: number
  readonly emptyCaches: number
  readonly requestsReceived: Int32Array
  readonly bytesSent: Float64Array
  readonly messagesSent: Int32Array
}

export function measureCycle (graph: DirectedGraph, counters: CycleCounters, structure: { clusteringCoefficient: number, averagePathLength: number } | null, scratch?: GraphScratch): CycleMetrics {
  const { live, offsets, agentCount } = graph
  const degrees = inDegreeStats(graph, scratch)
  let liveAgents = 0
  let entries = 0
  let full = 0
  for (let i = 0; i < agentCount; i++) {
    if (live[i] !== 1) continue
    liveAgents++
    const size = (offsets[i + 1] as number) - (offsets[i] as number)
    entries += size
    if (size === counters.cacheSize) full++
  }
  const dead = deadLinkCount(graph)
  const largest = largestComponentSize(graph, scratch)
  const requests = spread(counters.requestsReceived, live)
  const bytes = spread(counters.bytesSent, live)
  const messages = spread(counters.messagesSent, live)
  return {
    cycle: counters.cycle,
    timeMs: counters.timeMs,
    liveAgents,
    inDegreeMean: degrees.mean,
    inDegreeStd: degrees.std,
    inDegreeMax: degrees.max,
    agentsWithoutInLinks: degrees.withoutInLinks,
    cacheSizeMean: liveAgents === 0 ? 0 : entries / liveAgents,
    fullCacheFraction: liveAgents === 0 ? 0 : full / liveAgents,
    emptyCaches: counters.emptyCaches,
    shufflesInFlight: counters.shufflesInFlight,
    cachesShortOfFull: counters.cachesShortOfFull,
    linksHeldMean: liveAgents === 0 ? 0 : counters.linksHeld / liveAgents,
    deadLinks: dead,
    deadLinkFraction: entries === 0 ? 0 : dead / entries,
    largestComponentSize: largest,
    largestComponentFraction: liveAgents === 0 ? 0 : largest / liveAgents,
    clusteringCoefficient: structure?.clusteringCoefficient ?? null,
    averagePathLength: structure?.averagePathLength ?? null,
    requestsReceivedMean: requests.mean,
    requestsReceivedStd: requests.std,
    requestsReceivedMax: requests.max,
    bytesSentMean: bytes.mean,
    bytesSentMax: bytes.max,
    messagesSentMean: messages.mean
  }
}

/** Mean, standard deviation and maximum of `values` over the live agents. */
function spread (values: Int32Array | Float64Array, live: Uint8Array): { mean: number, std: number, max: number } {
  let count = 0
  let sum = 0
  let max = 0
  for (let i = 0; i < values.length; i++) {
    if (live[i] !== 1) continue
    const v = values[i] as number
    count++
    sum += v
    if (v > max) max = v
  }
  if (count === 0) return { mean: 0, std: 0, max: 0 }
  const mean = sum / count
  let squares = 0
  for (let i = 0; i < values.length; i++) {
    if (live[i] !== 1) continue
    const d = (values[i] as number) - mean
    squares += d * d
  }
  return { mean, std: Math.sqrt(squares / count), max }
}
