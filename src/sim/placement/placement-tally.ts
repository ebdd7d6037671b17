/**
 * What a placement simulation counts as it runs — outcomes, attempts and decision latencies,
 * messages and bytes by kind, which agents the walks and load queries reached, the highest load
 * over time — and the PlacementRunResult it makes of them at the end. Kept apart from the event
 * loop so that the loop reads as the model and this as the measurement.
 */
import type { PlacementOutcome, PlacementStats } from '../../protocol/placement/placement-node.ts'
import { PLACEMENT_MESSAGE_KINDS } from '../../protocol/placement/messages.ts'
import type { CloudletLoads } from './cloudlet-loads.ts'
import { finalLoads } from './load-summary.ts'
import type { PlacementRunResult } from './placement-run-result.ts'
import { chiSquarePerDof, percentiles } from './placement-run-result.ts'

/** What the simulation knows at the end that the tally does not count itself. */
export interface RunEnd {
  readonly seed: string
  /** place() calls made. */
  readonly issued: number
  readonly nodes: ReadonlyArray<{ readonly stats: PlacementStats } | undefined>
  readonly loads: CloudletLoads
  readonly churn: boolean
  readonly events: number
  readonly nowMs: number
  /** When counting began (the first placement). */
  readonly startMs: number
  readonly shufflePeriodMs: number
}

export class PlacementTally {
  placed = 0
  noValidHost = 0
  failedCreates = 0
  requirementViolations = 0
  /** SampleFound messages delivered, by candidate; LoadQuery messages delivered, by agent asked. */
  readonly samplesFound: Int32Array
  readonly loadQueries: Int32Array
  readonly #agents: number
  #attempts = 0
  readonly #decisionMs: number[] = []
  readonly #byKind = new Map<string, number>()
  #placementBytes = 0
  #cyclonMessages = 0
  readonly #series: Array<readonly [number, number]> = []

  constructor (agents: number) {
    this.#agents = agents
    this.samplesFound = new Int32Array(agents)
    this.loadQueries = new Int32Array(agents)
  }

  /** A placement message of `bytes` on the wire was sent. */
  placementMessageSent (kind: string, bytes: number): void {
    this.#byKind.set(kind, (this.#byKind.get(kind) ?? 0) + 1)
    this.#placementBytes += bytes
  }

  cyclonMessageSent (): void {
    this.#cyclonMessages++
  }

  /** A placement was decided (placed or not). */
  decided (outcome: PlacementOutcome): void {
    this.#decisionMs.push(outcome.decisionMs)
    this.#attempts += outcome.attempts
    if (outcome.kind === 'placed') this.placed++
    else this.noValidHost++
  }

  /** The highest load at `sinceStartMs` after the first placement. */
  sample (sinceStartMs: number, maxServers: number): void {
    this.#series.push([sinceStartMs, maxServers])
  }

  result (end: RunEnd): PlacementRunResult {
    const n = this.#agents
    const stats: Record<string, number> = {}
    for (const node of end.nodes) {
      if (node === undefined) continue
      for (const [key, value] of Object.entries(node.stats)) if (typeof value === 'number') stats[key] = (stats[key] ?? 0) + value
    }
    const placementStats: Record<string, number> = {}
    for (const key of Object.keys(stats).sort()) placementStats[key] = stats[key] as number
    const byKind: Record<string, number> = {}
    let placementMessages = 0
    for (const kind of PLACEMENT_MESSAGE_KINDS) {
      const count = this.#byKind.get(kind) ?? 0
      byKind[kind] = count
      placementMessages += count
    }
    const issued = Math.max(1, end.issued)
    const cycles = Math.max(1e-9, (end.nowMs - end.startMs) / end.shufflePeriodMs)
    let samplesFound = 0
    let loadQueries = 0
    for (let i = 0; i < n; i++) {
      samplesFound += this.samplesFound[i] as number
      loadQueries += this.loadQueries[i] as number
    }
    const decided = this.placed + this.noValidHost
    return {
      seed: end.seed,
      placements: end.issued,
      placed: this.placed,
      noValidHost: this.noValidHost,
      undecided: end.issued - decided,
      failedCreates: this.failedCreates,
      requirementViolations: this.requirementViolations,
      attemptsMean: decided === 0 ? Number.NaN : this.#attempts / decided,
      decisionMs: percentiles(this.#decisionMs.slice()),
      traffic: {
        messagesPerPlacement: placementMessages / issued,
        bytesPerPlacement: this.#placementBytes / issued,
        byKind,
        cyclonMessagesPerAgentPerCycle: this.#cyclonMessages / n / cycles
      },
      sampler: {
        samplesFound,
        samplesChiSquarePerDof: chiSquarePerDof(this.samplesFound),
        loadQueries,
        loadQueriesChiSquarePerDof: chiSquarePerDof(this.loadQueries)
      },
      final: finalLoads(end.loads),
      churn: end.churn ? end.loads.timeAveraged() : null,
      series: this.#series,
      placementStats,
      events: end.events,
      endMs: end.nowMs,
      counts: { samplesFound: this.samplesFound, loadQueries: this.loadQueries }
    }
  }
}
