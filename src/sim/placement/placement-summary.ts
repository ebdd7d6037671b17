/**
 * Many trials of one policy, or of the ideal reference, summarised: the mean of each measure
 * with its standard error (so a reader sees how sure the mean is), the worst and best trial,
 * the load distribution pooled over the trials, and the costs. The acceptance checks and the
 * reports read these summaries only; they are plain, deterministic data.
 */
import type { IdealResult } from './ideal-reference.ts'
import type { PlacementRunResult } from './placement-run-result.ts'
import { chiSquarePerDof } from './placement-run-result.ts'

/** A measure over trials: mean, standard error of the mean (sample sd / √k), extremes. */
export interface Stat {
  readonly count: number
  readonly mean: number
  readonly se: number
  readonly min: number
  readonly max: number
}

export interface ChurnSummary {
  /** Time-averaged maximum load, per trial. */
  readonly maxMean: Stat
  /** The 99th percentile of the maximum over the pooled time of all trials. */
  readonly maxP99: number
  /** The same per trial. */
  readonly maxP99PerTrial: Stat
  readonly meanServers: Stat
  /** Fraction of the pooled time at each maximum, by maximum. */
  readonly timeAtMax: readonly number[]
}

export interface TrialFigures {
  readonly seed: string
  readonly maxServers: number
  readonly gap: number
  readonly utilizationGapPoints: number
  readonly churnMaxMean: number | null
  readonly churnMaxP99: number | null
}

export interface ArmSummary {
  readonly name: string
  /** The policy in words: rule, load source, sampler. */
  readonly policy: string
  readonly trials: number
  readonly placements: number
  readonly placed: number
  readonly noValidHost: number
  /** Not decided when their run ended (churn). */
  readonly undecided: number
  readonly failedCreates: number
  readonly requirementViolations: number
  readonly attemptsMean: number
  /** Most servers on one cloudlet at the end. */
  readonly maxServers: Stat
  /** maxServers − mean servers per cloudlet, at the end. */
  readonly gap: Stat
  /** 100 × (highest − mean utilization): the compared figure's spread, in points. */
  readonly utilizationGapPoints: Stat
  readonly churn: ChurnSummary | null
  /** Virtual ms from place() to decided(): the mean over trials of each trial's p50 and p99, and the worst. */
  readonly decisionMs: { readonly p50: number, readonly p99: number, readonly max: number }
  readonly messagesPerPlacement: Stat
  readonly bytesPerPlacement: number
  readonly messagesPerPlacementByKind: Readonly<Record<string, number>>
  readonly cyclonMessagesPerAgentPerCycle: number
  /** Chi-square per degree of freedom of the walks' samples and of the agents asked, pooled over trials (≈ 1 when uniform). */
  readonly samplesChiSquarePerDof: number | null
  readonly loadQueriesChiSquarePerDof: number | null
  /** Cloudlets holding k servers at the end, summed over trials, by k. */
  readonly levelCounts: readonly number[]
  /** Trial 0's highest load over time: [seconds since the first placement, servers]. */
  readonly series: ReadonlyArray<readonly [number, number]>
  readonly perTrial: readonly TrialFigures[]
  /** Every PlacementNode's counters, summed over agents and trials. */
  readonly placementStats: Readonly<Record<string, number>>
  readonly events: number
}

export interface IdealSummary {
  readonly d: number
  readonly trials: number
  readonly refused: number
  readonly maxServers: Stat
  readonly gap: Stat
  readonly utilizationGapPoints: Stat
  readonly churn: ChurnSummary | null
  readonly levelCounts: readonly number[]
  readonly perTrialGap: readonly number[]
}

export function stat (values: readonly number[]): Stat {
  const count = values.length
  if (count === 0) return { count, mean: Number.NaN, se: Number.NaN, min: Number.NaN, max: Number.NaN }
  let sum = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const v of values) {
    sum += v
    if (v < min) min = v
    if (v > max) max = v
  }
  const mean = sum / count
  let squares = 0
  for (const v of values) squares += (v - mean) * (v - mean)
  const se = count > 1 ? Math.sqrt(squares / (count - 1) / count) : Number.NaN
  return { count, mean, se, min, max }
}

function mean (values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length
}

function addInto (into: number[], values: readonly number[]): void {
  for (let k = 0; k < values.length; k++) into[k] = (into[k] ?? 0) + (values[k] as number)
}

function churnSummary (runs: ReadonlyArray<{ readonly churn: { readonly maxMean: number, readonly maxP99: number, readonly meanServers: number, readonly timeAtMax: readonly number[] } | null }>): ChurnSummary | null {
  const churns = runs.map(r => r.churn).filter(c => c !== null)
  if (churns.length === 0) return null
  const pooled: number[] = []
  for (const c of churns) addInto(pooled, c.timeAtMax)
  const timeAtMax = pooled.map(t => t / churns.length)
  let cumulative = 0
  let maxP99 = Number.NaN
  for (let k = 0; k < timeAtMax.length; k++) {
    cumulative += timeAtMax[k] as number
    if (cumulative >= 0.99 - 1e-12) {
      maxP99 = k
      break
    }
  }
  return {
    maxMean: stat(churns.map(c => c.maxMean)),
    maxP99,
    maxP99PerTrial: stat(churns.map(c => c.maxP99)),
    meanServers: stat(churns.map(c => c.meanServers)),
    timeAtMax
  }
}

export function describePolicy (run: { readonly policy: { readonly kind: string, readonly d?: number }, readonly loadSource: string, readonly sampler: string, readonly loadRefreshMs: number }): string {
  const rule = run.policy.kind === 'choices' ? `choices d=${run.policy.d ?? '?'}` : run.policy.kind
  const usesBoard = run.loadSource === 'board' || run.policy.kind === 'least-loaded'
  const load = usesBoard ? `board refreshed every ${run.loadRefreshMs / 1000} s` : 'fresh load'
  const sampling = run.policy.kind === 'choices' || run.policy.kind === 'random' ? `, ${run.sampler} sampler` : ''
  return `${rule}, ${load}${sampling}`
}

export function summarizeArm (name: string, policy: string, runs: readonly PlacementRunResult[]): ArmSummary {
  const levelCounts: number[] = []
  for (const r of runs) addInto(levelCounts, r.final.levelCounts)
  const placementStats: Record<string, number> = {}
  for (const r of runs) for (const [k, v] of Object.entries(r.placementStats)) placementStats[k] = (placementStats[k] ?? 0) + v
  const byKind: Record<string, number> = {}
  const placements = runs.reduce((s, r) => s + r.placements, 0)
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.traffic.byKind)) byKind[k] = (byKind[k] ?? 0) + v
  }
  for (const k of Object.keys(byKind)) byKind[k] = (byKind[k] as number) / Math.max(1, placements)
  const pooledSamples = pooledCounts(runs.map(r => r.counts.samplesFound))
  const pooledQueries = pooledCounts(runs.map(r => r.counts.loadQueries))
  return {
    name,
    policy,
    trials: runs.length,
    placements,
    placed: runs.reduce((s, r) => s + r.placed, 0),
    noValidHost: runs.reduce((s, r) => s + r.noValidHost, 0),
    undecided: runs.reduce((s, r) => s + r.undecided, 0),
    failedCreates: runs.reduce((s, r) => s + r.failedCreates, 0),
    requirementViolations: runs.reduce((s, r) => s + r.requirementViolations, 0),
    attemptsMean: mean(runs.map(r => r.attemptsMean)),
    maxServers: stat(runs.map(r => r.final.maxServers)),
    gap: stat(runs.map(r => r.final.gap)),
    utilizationGapPoints: stat(runs.map(r => 100 * (r.final.maxUtilization - r.final.meanUtilization))),
    churn: churnSummary(runs),
    decisionMs: { p50: mean(runs.map(r => r.decisionMs.p50)), p99: mean(runs.map(r => r.decisionMs.p99)), max: Math.max(...runs.map(r => r.decisionMs.max)) },
    messagesPerPlacement: stat(runs.map(r => r.traffic.messagesPerPlacement)),
    bytesPerPlacement: mean(runs.map(r => r.traffic.bytesPerPlacement)),
    messagesPerPlacementByKind: byKind,
    cyclonMessagesPerAgentPerCycle: mean(runs.map(r => r.traffic.cyclonMessagesPerAgentPerCycle)),
    samplesChiSquarePerDof: pooledSamples === null ? null : chiSquarePerDof(pooledSamples),
    loadQueriesChiSquarePerDof: pooledQueries === null ? null : chiSquarePerDof(pooledQueries),
    levelCounts,
    series: runs[0]?.series.map(([ms, servers]) => [ms / 1000, servers] as const) ?? [],
    perTrial: runs.map(r => ({
      seed: r.seed,
      maxServers: r.final.maxServers,
      gap: r.final.gap,
      utilizationGapPoints: 100 * (r.final.maxUtilization - r.final.meanUtilization),
      churnMaxMean: r.churn?.maxMean ?? null,
      churnMaxP99: r.churn?.maxP99 ?? null
    })),
    placementStats,
    events: runs.reduce((s, r) => s + r.events, 0)
  }
}

function pooledCounts (counts: readonly Int32Array[]): Int32Array | null {
  const first = counts[0]
  if (first === undefined || counts.some(c => c.length !== first.length)) return null
  const sum = new Int32Array(first.length)
  for (const c of counts) for (let i = 0; i < c.length; i++) sum[i] = (sum[i] as number) + (c[i] as number)
  return sum
}

export function summarizeIdeal (d: number, runs: readonly IdealResult[]): IdealSummary {
  const levelCounts: number[] = []
  for (const r of runs) addInto(levelCounts, r.final.levelCounts)
  return {
    d,
    trials: runs.length,
    refused: runs.reduce((s, r) => s + r.refused, 0),
    maxServers: stat(runs.map(r => r.final.maxServers)),
    gap: stat(runs.map(r => r.final.gap)),
    utilizationGapPoints: stat(runs.map(r => 100 * (r.final.maxUtilization - r.final.meanUtilization))),
    churn: churnSummary(runs),
    levelCounts,
    perTrialGap: runs.map(r => r.final.gap)
  }
}
