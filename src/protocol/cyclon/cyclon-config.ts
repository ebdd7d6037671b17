/**
 * Cyclon's parameters, named as in the paper (cacheSize is c, shuffleLength is ℓ), and the
 * defaults for two scales (the reasons are in README.md): small clusters of tens of cloudlets
 * (c=8, ℓ=4) and large ones of thousands (c=20, ℓ=8). Time is in the Clock's milliseconds.
 */

export interface CyclonConfig {
  /** c: the most entries a cache holds. */
  readonly cacheSize: number
  /** ℓ: the most entries exchanged in one shuffle, the sender's own fresh entry included. */
  readonly shuffleLength: number
  /** How often an agent starts a shuffle (one cycle). */
  readonly shufflePeriodMs: number
  /** How long an agent waits for a ShuffleReply before it gives the peer up. */
  readonly replyTimeoutMs: number
  /** Hops of each join walk: about the overlay's average path length. */
  readonly joinWalkLength: number
  /** How long an agent with an empty cache waits before asking its contacts again. */
  readonly rejoinBackoffMs: number
  /** Bound on shuffles awaiting a reply (a slow network must not grow the table). */
  readonly maxPendingShuffles: number
}

/** For tens of cloudlets: with c/n large, a larger c would cost in-degree balance. */
export const SMALL_CLUSTER_CYCLON_CONFIG: CyclonConfig = {
  cacheSize: 8,
  shuffleLength: 4,
  shufflePeriodMs: 10_000,
  replyTimeoutMs: 3_000,
  joinWalkLength: 3,
  rejoinBackoffMs: 5_000,
  maxPendingShuffles: 4
}

/** For hundreds to hundreds of thousands of agents. */
export const LARGE_CLUSTER_CYCLON_CONFIG: CyclonConfig = {
  cacheSize: 20,
  shuffleLength: 8,
  shufflePeriodMs: 10_000,
  replyTimeoutMs: 3_000,
  joinWalkLength: 5,
  rejoinBackoffMs: 5_000,
  maxPendingShuffles: 4
}

export const DEFAULT_CYCLON_CONFIG = SMALL_CLUSTER_CYCLON_CONFIG

/** Checks a configuration; returns the problems (empty when it is sound). */
export function cyclonConfigProblems (config: CyclonConfig): string[] {
  const problems: string[] = []
  if (!Number.isInteger(config.cacheSize) || config.cacheSize < 1) problems.push('cacheSize must be a positive integer')
  if (!Number.isInteger(config.shuffleLength) || config.shuffleLength < 1) problems.push('shuffleLength must be a positive integer')
  if (config.shuffleLength > config.cacheSize) problems.push('shuffleLength must not exceed cacheSize')
  if (!(config.shufflePeriodMs > 0)) problems.push('shufflePeriodMs must be positive')
  if (!(config.replyTimeoutMs > 0) || config.replyTimeoutMs >= config.shufflePeriodMs) problems.push('replyTimeoutMs must be positive and shorter than shufflePeriodMs')
  if (!Number.isInteger(config.joinWalkLength) || config.joinWalkLength < 0) problems.push('joinWalkLength must be a non-negative integer')
  if (!(config.rejoinBackoffMs > 0)) problems.push('rejoinBackoffMs must be positive')
  if (!Number.isInteger(config.maxPendingShuffles) || config.maxPendingShuffles < 1) problems.push('maxPendingShuffles must be a positive integer')
  return problems
}
