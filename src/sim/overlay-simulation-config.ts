/**
 * What an overlay simulation runs: how many agents for how many cycles, Cyclon's parameters,
 * how the overlay starts, the simulated network's faults, what happens to agents along the way
 * (crashes, restarts, departures) and how closely to measure. Plain data, so a run's summary
 * can carry it and replay it. A cycle is one `cyclon.shufflePeriodMs` of virtual time.
 */
import type { CyclonConfig } from '../protocol/cyclon/cyclon-config.ts'
import { cyclonConfigProblems } from '../protocol/cyclon/cyclon-config.ts'
import type { LatencyModel } from './latency.ts'
import { latencyModelProblems } from './latency.ts'

/**
 * How the caches start (agent 0 is the introducer throughout):
 * - 'random': every cache holds c distinct agents chosen uniformly (the Cyclon paper's random start);
 * - 'star': every other agent's cache holds only the introducer, whose own cache is empty — the
 *   state right after everyone has been told of the introducer and nothing else;
 * - 'join': the introducer starts alone and the others join one by one through it, evenly over
 *   `joinCycles`, with the real join protocol (random walks).
 */
export type InitialTopology = 'random' | 'star' | 'join'

export type SimAction =
  /** At the end of `atCycle`, `fraction` of the agents that are up crash, chosen at random. */
  | { readonly kind: 'crash', readonly atCycle: number, readonly fraction: number }
  /** At the end of `atCycle`, every crashed agent restarts with an empty cache and joins again. */
  | { readonly kind: 'restart', readonly atCycle: number }
  /** At the end of `atCycle`, `fraction` of the agents that are up leave gracefully. */
  | { readonly kind: 'leave', readonly atCycle: number, readonly fraction: number }

/** From the end of cycle `fromCycle` to the end of `toCycle`, agents split into `groups` blocks of consecutive indexes cannot reach each other. */
export interface PartitionSpec {
  readonly fromCycle: number
  readonly toCycle: number
  readonly groups: number
}

export interface SimNetworkSpec {
  readonly latency: LatencyModel
  readonly lossProbability: number
  readonly partitions: readonly PartitionSpec[]
}

export interface MetricsConfig {
  /** Agents sampled for the clustering coefficient (all of them when there are fewer). */
  readonly clusteringSample: number
  /** BFS sources for the average path length. */
  readonly pathSources: number
  /** Clustering and path length are measured every this many cycles (and at the last); the rest every cycle. */
  readonly structureEveryCycles: number
  /** After the last cycle: remove these fractions of the agents at random, without repair, and measure who stays connected (O6). */
  readonly removalFractions: readonly number[]
}

export interface OverlaySimulationConfig {
  readonly seed: string
  readonly agents: number
  readonly cycles: number
  readonly cyclon: CyclonConfig
  readonly topology: InitialTopology
  /** For 'join': the cycles over which the agents join. */
  readonly joinCycles: number
  /** Each agent's contacts for (re)joining: the introducer and this many other agents chosen at random. */
  readonly seedContacts: number
  /**
   * Whether crashes and departures spare the introducer (agent 0). In p2pstack the introducer is
   * a service of the services node (DESIGN.md), not one of the cloudlets' agents, so "kill X % of
   * the agents" does not kill it; false makes it an agent like any other.
   */
  readonly spareIntroducer: boolean
  readonly network: SimNetworkSpec
  readonly actions: readonly SimAction[]
  readonly metrics: MetricsConfig
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = {
  clusteringSample: 1_000,
  pathSources: 100,
  structureEveryCycles: 1,
  removalFractions: []
}

/** The problems with a configuration (empty when it can run). */
export function overlaySimulationConfigProblems (config: OverlaySimulationConfig): string[] {
  const problems = [...cyclonConfigProblems(config.cyclon), ...latencyModelProblems(config.network.latency)]
  if (!Number.isInteger(config.agents) || config.agents < 2) problems.push('agents must be an integer ≥ 2')
  if (!Number.isInteger(config.cycles) || config.cycles < 1) problems.push('cycles must be a positive integer')
  if (config.topology === 'join' && (!Number.isInteger(config.joinCycles) || config.joinCycles < 1)) problems.push('joinCycles must be a positive integer')
  if (!Number.isInteger(config.seedContacts) || config.seedContacts < 0) problems.push('seedContacts must be a non-negative integer')
  if (!(config.network.lossProbability >= 0 && config.network.lossProbability <= 1)) problems.push('lossProbability must be in [0, 1]')
  for (const p of config.network.partitions) {
    if (!(p.toCycle > p.fromCycle && p.fromCycle >= 0 && Number.isInteger(p.groups) && p.groups >= 2)) problems.push('a partition needs 0 ≤ fromCycle < toCycle and groups ≥ 2')
  }
  for (const a of config.actions) {
    if (!Number.isInteger(a.atCycle) || a.atCycle < 0) problems.push(`${a.kind}: atCycle must be a non-negative integer`)
    if (a.kind !== 'restart' && !(a.fraction >= 0 && a.fraction <= 1)) problems.push(`${a.kind}: fraction must be in [0, 1]`)
  }
  const m = config.metrics
  if (!(Number.isInteger(m.clusteringSample) && m.clusteringSample >= 1)) problems.push('clusteringSample must be a positive integer')
  if (!(Number.isInteger(m.pathSources) && m.pathSources >= 1)) problems.push('pathSources must be a positive integer')
  if (!(Number.isInteger(m.structureEveryCycles) && m.structureEveryCycles >= 1)) problems.push('structureEveryCycles must be a positive integer')
  if (m.removalFractions.some(f => !(f >= 0 && f < 1))) problems.push('removalFractions must be in [0, 1)')
  return problems
}
