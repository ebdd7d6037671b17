/**
 * Runs a named overlay scenario to the end and judges it by its checks. The one entry point
 * that test/sim and `p2pstack sim` share; the observer lets a caller show progress and time
 * the simulation apart from the measurements.
 */
import type { CheckResult } from '../acceptance/check-result.ts'
import { evaluateCheck } from '../acceptance/overlay-checks.ts'
import type { CycleMetrics } from '../overlay-metrics.ts'
import type { OverlaySimulationResult } from '../overlay-simulation-result.ts'
import { OverlaySimulation } from '../overlay-simulation.ts'
import type { OverlayScenario } from './overlay-scenarios.ts'

export interface ScenarioReport {
  readonly scenario: string
  readonly description: string
  readonly passed: boolean
  readonly checks: readonly CheckResult[]
  readonly result: OverlaySimulationResult
}

export interface ScenarioObserver {
  /** The simulation is set up (agents created, caches planted, the random graph measured). */
  readonly started?: () => void
  /** The cycle's events have run; its measurement comes next. */
  readonly simulated?: (cycle: number) => void
  /** The cycle has been measured (and the actions due at its end applied). */
  readonly measured?: (metrics: CycleMetrics) => void
}

export function runOverlayScenario (scenario: OverlayScenario, observer: ScenarioObserver = {}): ScenarioReport {
  const simulation = new OverlaySimulation(scenario.config)
  observer.started?.()
  while (simulation.cycle < scenario.config.cycles) {
    simulation.simulateCycle()
    observer.simulated?.(simulation.cycle)
    const metrics = simulation.measureCycle()
    observer.measured?.(metrics)
  }
  const result = simulation.result()
  const checks = scenario.checks.map(spec => evaluateCheck(spec, result))
  return { scenario: scenario.name, description: scenario.description, passed: checks.every(c => c.pass), checks, result }
}
