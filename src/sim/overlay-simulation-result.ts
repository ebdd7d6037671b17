/**
 * What an overlay simulation returns: its configuration, the random graph it was measured
 * against, the measurements of every cycle, the removal analysis (O6) and totals. Plain data,
 * deterministic: the same seed gives the same JSON, bit for bit.
 */
import type { NetworkCounters } from './sim-network.ts'
import type { CycleMetrics, GraphBaseline } from './overlay-metrics.ts'
import type { OverlaySimulationConfig } from './overlay-simulation-config.ts'

/** After the run, removing a fraction of the agents without repair (O6). */
export interface RemovalRow {
  readonly fraction: number
  readonly survivors: number
  /** Survivors in the largest component, over survivors. */
  readonly connectedFraction: number
  readonly randomGraphConnectedFraction: number
}

export interface CyclonTotals {
  shufflesStarted: number
  shufflesCompleted: number
  shufflesTimedOut: number
  shufflesSkipped: number
  staleReplies: number
  joinRequestsSent: number
  joinWalksAccepted: number
}

export interface OverlaySimulationResult {
  readonly config: OverlaySimulationConfig
  /** The agents' mean descriptor size on the wire (bytes), for O8. */
  readonly descriptorBytesMean: number
  readonly randomGraph: GraphBaseline
  readonly cycles: readonly CycleMetrics[]
  readonly removal: readonly RemovalRow[]
  readonly events: number
  readonly network: NetworkCounters
  readonly cyclon: CyclonTotals
}
