/**
 * The footprint node's parameters: how widely a change is pushed at once, how often a node
 * reconciles with one random peer, and the bounds on messages and state.
 */

export interface FootprintConfig {
  /** Peers a new change is pushed to, by its writer and by each peer that learns it. */
  readonly fanout: number
  /** Hops a pushed change may travel (the writer's push has this many left). */
  readonly maxHops: number
  /** Every this often, a push-pull reconciliation with one random peer of the view. */
  readonly antiEntropyPeriodMs: number
  /** Entries (or watermarks) in one delta; a larger delta goes in several messages. */
  readonly maxEntriesPerMessage: number
  /** Writers in one digest message; more go as further ranges. */
  readonly maxWritersPerDigest: number
  /** Delta messages sent in answer to one digest; the rest waits for the next exchange. */
  readonly maxDeltaMessagesPerDigest: number
  /** Entries held at most (tombstones included); beyond it new (project, agent) keys are refused. */
  readonly maxEntries: number
}

export const DEFAULT_FOOTPRINT_CONFIG: FootprintConfig = {
  fanout: 3,
  maxHops: 10,
  antiEntropyPeriodMs: 5_000,
  maxEntriesPerMessage: 256,
  maxWritersPerDigest: 256,
  maxDeltaMessagesPerDigest: 8,
  maxEntries: 1_000_000
}

/** Checks a configuration; returns the problems (empty when it is sound). */
export function footprintConfigProblems (config: FootprintConfig): string[] {
  const problems: string[] = []
  const count = (value: number, name: string, min: number): void => {
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be an integer ≥ ${min}`)
  }
  count(config.fanout, 'fanout', 0)
  count(config.maxHops, 'maxHops', 0)
  if (!(config.antiEntropyPeriodMs > 0) || !Number.isFinite(config.antiEntropyPeriodMs)) problems.push('antiEntropyPeriodMs must be positive')
  count(config.maxEntriesPerMessage, 'maxEntriesPerMessage', 1)
  count(config.maxWritersPerDigest, 'maxWritersPerDigest', 1)
  count(config.maxDeltaMessagesPerDigest, 'maxDeltaMessagesPerDigest', 1)
  count(config.maxEntries, 'maxEntries', 1)
  return problems
}
