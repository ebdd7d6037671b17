/**
 * What a placement simulation runs: agents with the real CyclonNode and PlacementNode, their
 * cloudlets' capacities, the requests and how they arrive (the workload), the placement policy,
 * and the simulated network. Plain data, so a run's summary can carry it and a scenario name
 * plus a seed replay it. Time is in virtual milliseconds.
 */
import type { CyclonConfig } from '../../protocol/cyclon/cyclon-config.ts'
import { cyclonConfigProblems } from '../../protocol/cyclon/cyclon-config.ts'
import type { PlacementConfig } from '../../protocol/placement/placement-config.ts'
import type { LocationRequirements, ResourceAmounts } from '../../protocol/placement/placement-request.ts'
import type { LatencyModel } from '../latency.ts'
import { latencyModelProblems } from '../latency.ts'

/** One kind of request in the mix, drawn with probability weight / (sum of weights). */
export interface RequestTemplate {
  readonly name: string
  readonly weight: number
  readonly resources: ResourceAmounts
  readonly requirements: LocationRequirements
}

/** Who asks for placements, and when. */
export type Workload =
  /**
   * `placements` one after the other: each starts when the previous one's create has landed
   * (or it was refused). The requester is a uniformly random agent each time, or always `single`.
   */
  | { readonly kind: 'sequential', readonly placements: number, readonly single?: number }
  /**
   * Every agent places `placementsPerAgent`: all at the same instant (a burst), or, with
   * `oneAtATime`, each agent one after another while all agents place at the same time.
   */
  | { readonly kind: 'concurrent', readonly placementsPerAgent: number, readonly oneAtATime?: boolean }
  /**
   * Servers arrive as a Poisson process (`arrivalsPerSecond`, each through a uniformly random
   * agent) and live an exponential time (mean `lifetimeMeanMs`); then they are deleted and their
   * cloudlet's used load goes down. The loads are measured from `settleMs` after the start for
   * `measureMs`.
   */
  | { readonly kind: 'churn', readonly arrivalsPerSecond: number, readonly lifetimeMeanMs: number, readonly settleMs: number, readonly measureMs: number }

export interface PlacementSimulationConfig {
  readonly seed: string
  readonly agents: number
  readonly cyclon: CyclonConfig
  readonly placement: PlacementConfig
  /** Cycles of Cyclon (from random caches) before the first placement, so the overlay has converged. */
  readonly warmupCycles: number
  /** Of those, the last cycles in which the PlacementNodes already run (filling their sample pools, refreshing their boards). */
  readonly placementWarmupCycles: number
  readonly latency: LatencyModel
  readonly lossProbability: number
  /** Each cloudlet's capacity per class: agent i's is `capacities[i % capacities.length]`. */
  readonly capacities: readonly ResourceAmounts[]
  readonly requests: readonly RequestTemplate[]
  readonly workload: Workload
  /** How often the highest load is recorded for the chart of load over time. */
  readonly seriesEveryMs: number
  /** Probability that a placed create fails on its cloudlet (the requester then calls complete()). */
  readonly createFailureProbability: number
}

/** The unit request of the balls-into-bins criteria: one vCPU, nothing else. */
export const UNIT_REQUEST: RequestTemplate = { name: 'unit', weight: 1, resources: { vcpus: 1, memoryMb: 0, diskGb: 0 }, requirements: {} }

/** Capacity so large that no unit placement ever fills a cloudlet: utilization then orders cloudlets by servers. */
export const LARGE_EQUAL_CAPACITY: ResourceAmounts = { vcpus: 1_000_000, memoryMb: 1_000_000_000, diskGb: 1_000_000_000 }

/** The moment the first placement may start: the end of the warm-up. */
export function placementStartMs (config: PlacementSimulationConfig): number {
  return config.warmupCycles * config.cyclon.shufflePeriodMs
}

/** The problems with a configuration (empty when it can run). */
export function placementSimulationConfigProblems (config: PlacementSimulationConfig): string[] {
  const problems = [...cyclonConfigProblems(config.cyclon), ...latencyModelProblems(config.latency)]
  if (!Number.isInteger(config.agents) || config.agents < 2) problems.push('agents must be an integer ≥ 2')
  if (!Number.isInteger(config.warmupCycles) || config.warmupCycles < 0) problems.push('warmupCycles must be a non-negative integer')
  if (!Number.isInteger(config.placementWarmupCycles) || config.placementWarmupCycles < 0) problems.push('placementWarmupCycles must be a non-negative integer')
  if (!(config.lossProbability >= 0 && config.lossProbability <= 1)) problems.push('lossProbability must be in [0, 1]')
  if (!(config.createFailureProbability >= 0 && config.createFailureProbability <= 1)) problems.push('createFailureProbability must be in [0, 1]')
  if (!(config.seriesEveryMs > 0)) problems.push('seriesEveryMs must be positive')
  if (config.capacities.length === 0) problems.push('capacities must not be empty')
  if (config.requests.length === 0 || !config.requests.every(r => r.weight > 0)) problems.push('requests must be a non-empty list with positive weights')
  const policy = config.placement.policy
  if (policy.kind === 'choices' && !(Number.isInteger(policy.d) && policy.d >= 1)) problems.push('choices d must be a positive integer')
  const w = config.workload
  switch (w.kind) {
    case 'sequential':
      if (!Number.isInteger(w.placements) || w.placements < 1) problems.push('placements must be a positive integer')
      if (w.single !== undefined && !(Number.isInteger(w.single) && w.single >= 0 && w.single < config.agents)) problems.push('single must be an agent index')
      break
    case 'concurrent':
      if (!Number.isInteger(w.placementsPerAgent) || w.placementsPerAgent < 1) problems.push('placementsPerAgent must be a positive integer')
      break
    case 'churn':
      if (!(w.arrivalsPerSecond > 0 && w.lifetimeMeanMs > 0 && w.settleMs >= 0 && w.measureMs > 0)) problems.push('churn needs arrivalsPerSecond > 0, lifetimeMeanMs > 0, settleMs ≥ 0, measureMs > 0')
      break
  }
  return problems
}
