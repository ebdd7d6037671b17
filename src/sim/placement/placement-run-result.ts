/**
 * What one placement simulation returns: how the placements went (outcomes, attempts, the
 * virtual decision latency), what they cost (messages and bytes per placement, by kind), how
 * uniform the candidates were, and the loads they left (or, under churn, lived through). Plain
 * data, deterministic: the same seed gives the same JSON, bit for bit.
 */
import type { ChurnLoads, FinalLoads } from './load-summary.ts'

export interface Percentiles {
  readonly count: number
  readonly mean: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

export interface PlacementTraffic {
  /** Placement messages sent from the first placement on, over placements started. */
  readonly messagesPerPlacement: number
  readonly bytesPerPlacement: number
  /** Placement messages sent from the first placement on, by kind. */
  readonly byKind: Readonly<Record<string, number>>
  /** Cyclon messages sent per agent per cycle over the same time (the overlay kept running). */
  readonly cyclonMessagesPerAgentPerCycle: number
}

/**
 * How evenly candidates came from the agents: Pearson's chi-square of the counts over the
 * agents, divided by its degrees of freedom (n − 1): about 1 for uniform draws, far above for a
 * biased sampler. Null when fewer than 5 draws per agent were seen (too few to say).
 */
export interface SamplerUniformity {
  /** SampleFound messages (a walk's end reporting itself), by candidate. */
  readonly samplesFound: number
  readonly samplesChiSquarePerDof: number | null
  /** LoadQuery messages for placements and boards, by the agent asked. */
  readonly loadQueries: number
  readonly loadQueriesChiSquarePerDof: number | null
}

export interface PlacementRunResult {
  readonly seed: string
  readonly placements: number
  readonly placed: number
  readonly noValidHost: number
  /** Started but not decided when the run ended (churn stops at a time, not after the last decision). */
  readonly undecided: number
  /** Placed, but the create failed on the cloudlet (the requester completed the placement). */
  readonly failedCreates: number
  /** Servers placed on a cloudlet that does not meet their requirements (must be 0). */
  readonly requirementViolations: number
  readonly attemptsMean: number
  /** From place() to decided(), virtual milliseconds, over every decided placement. */
  readonly decisionMs: Percentiles
  readonly traffic: PlacementTraffic
  readonly sampler: SamplerUniformity
  /** At the end of the run. */
  readonly final: FinalLoads
  /** Under churn: over the measuring window. */
  readonly churn: ChurnLoads | null
  /** [ms since the first placement, most servers on one cloudlet], every seriesEveryMs. */
  readonly series: ReadonlyArray<readonly [number, number]>
  /** Every PlacementNode's counters, summed over the agents. */
  readonly placementStats: Readonly<Record<string, number>>
  readonly events: number
  /** Virtual time at the end of the run. */
  readonly endMs: number
  /** The raw counts behind `sampler`, by agent index, for pooling over trials (not for summaries). */
  readonly counts: { readonly samplesFound: Int32Array, readonly loadQueries: Int32Array }
}

/** Percentiles of `values` (sorted in place): the nearest-rank method. */
export function percentiles (values: number[]): Percentiles {
  const count = values.length
  if (count === 0) return { count, mean: Number.NaN, p50: Number.NaN, p99: Number.NaN, max: Number.NaN }
  values.sort((a, b) => a - b)
  const rank = (q: number): number => values[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))] as number
  let sum = 0
  for (const v of values) sum += v
  return { count, mean: sum / count, p50: rank(0.5), p99: rank(0.99), max: values[count - 1] as number }
}

/** Pearson's chi-square of `counts` against a uniform spread, over its degrees of freedom; null under 5 per cell. */
export function chiSquarePerDof (counts: Int32Array): number | null {
  const n = counts.length
  let total = 0
  for (let i = 0; i < n; i++) total += counts[i] as number
  const expected = total / n
  if (n < 2 || expected < 5) return null
  let chi = 0
  for (let i = 0; i < n; i++) {
    const d = (counts[i] as number) - expected
    chi += d * d / expected
  }
  return chi / (n - 1)
}
