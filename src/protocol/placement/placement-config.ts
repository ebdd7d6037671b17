/**
 * Placement's parameters and policies. `policy` picks the rule (issue 4 §3); `loadSource` says
 * whether loads are asked fresh at decision time or read from a board refreshed every
 * `loadRefreshMs` (stale, for comparison); `sampler` says where candidates come from.
 */

export type PlacementPolicy =
  /** Power of d choices: d uniform candidates, the least loaded wins (d = 2 is P2C). */
  | { readonly kind: 'choices', readonly d: number }
  /** One uniform candidate. */
  | { readonly kind: 'random' }
  /** The next agent of those this agent knows, in id order. */
  | { readonly kind: 'round-robin' }
  /** The least loaded of every agent this agent knows, by the board (stale load). */
  | { readonly kind: 'least-loaded' }

export type LoadSource = 'fresh' | 'board'

/** 'walk': random walks over the Cyclon caches (the default); 'view': this agent's own cache only. */
export type SamplerKind = 'walk' | 'view'

export interface PlacementConfig {
  readonly policy: PlacementPolicy
  readonly loadSource: LoadSource
  readonly sampler: SamplerKind
  /** Hops of a sampling walk: enough to mix on the overlay (about twice its path length). */
  readonly walkLength: number
  /** Further hops a filtered walk may take looking for an agent that meets the filter. */
  readonly walkExtraHops: number
  /** Unfiltered samples kept ready, each used once, so a placement need not wait for walks. */
  readonly samplePoolSize: number
  /** A pooled sample older than this is discarded (the agent may have gone). */
  readonly sampleMaxAgeMs: number
  /** How long to wait for walks, load reports and reservation replies. */
  readonly queryTimeoutMs: number
  /** Attempts with fresh candidates before answering "No valid host was found". */
  readonly maxAttempts: number
  /** How long a reservation holds without a Release (a create that never completes). */
  readonly reservationTtlMs: number
  /** Board refresh period, for loadSource 'board' and policy 'least-loaded'. */
  readonly loadRefreshMs: number
  /** Bound on placements in flight at this agent; beyond it place() answers at once. */
  readonly maxPendingPlacements: number
}

export const DEFAULT_PLACEMENT_CONFIG: PlacementConfig = {
  policy: { kind: 'choices', d: 2 },
  loadSource: 'fresh',
  sampler: 'walk',
  walkLength: 6,
  walkExtraHops: 30,
  samplePoolSize: 8,
  sampleMaxAgeMs: 30_000,
  queryTimeoutMs: 1_000,
  maxAttempts: 3,
  reservationTtlMs: 120_000,
  loadRefreshMs: 10_000,
  maxPendingPlacements: 256
}

/** Checks a configuration; returns the problems (empty when it is sound). */
export function placementConfigProblems (config: PlacementConfig): string[] {
  const problems: string[] = []
  const count = (value: number, name: string, min: number): void => {
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be an integer ≥ ${min}`)
  }
  const positive = (value: number, name: string): void => {
    if (!(value > 0) || !Number.isFinite(value)) problems.push(`${name} must be positive`)
  }
  if (config.policy.kind === 'choices') count(config.policy.d, 'policy.d', 1)
  count(config.walkLength, 'walkLength', 0)
  count(config.walkExtraHops, 'walkExtraHops', 0)
  count(config.samplePoolSize, 'samplePoolSize', 0)
  positive(config.sampleMaxAgeMs, 'sampleMaxAgeMs')
  positive(config.queryTimeoutMs, 'queryTimeoutMs')
  count(config.maxAttempts, 'maxAttempts', 1)
  positive(config.reservationTtlMs, 'reservationTtlMs')
  count(config.loadRefreshMs, 'loadRefreshMs', 1)
  count(config.maxPendingPlacements, 'maxPendingPlacements', 1)
  return problems
}
