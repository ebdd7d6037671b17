/**
 * Runs a named placement scenario: every trial, every arm (policy) with the trial's seed — so
 * the arms face the same overlay and the same requests — and the ideal reference for each d on
 * the same trial's workload stream; then summarises and judges. The one entry point that
 * test/sim and `p2pstack sim` share. A simulation that breaks an invariant is reported with its
 * arm, trial and seed.
 */
import type { CheckResult } from '../acceptance/check-result.ts'
import { SeededRandom } from '../seeded-random.ts'
import { SimAgents } from '../sim-agents.ts'
import type { IdealResult } from './ideal-reference.ts'
import { idealReference } from './ideal-reference.ts'
import { evaluatePlacementCheck } from './placement-checks.ts'
import type { PlacementRunResult } from './placement-run-result.ts'
import type { PlacementScenario } from './placement-scenarios.ts'
import { armConfig, placementReplayCommand, trialSeed } from './placement-scenarios.ts'
import type { PlacementSimulationConfig } from './placement-simulation-config.ts'
import { PlacementSimulation } from './placement-simulation.ts'
import type { ArmSummary, IdealSummary } from './placement-summary.ts'
import { describePolicy, summarizeArm, summarizeIdeal } from './placement-summary.ts'

export interface PlacementScenarioReport {
  readonly scenario: string
  readonly description: string
  readonly seed: string
  readonly trials: number
  readonly replay: string
  readonly passed: boolean
  readonly checks: readonly CheckResult[]
  /** The simulation every arm ran, but for its seed and the arm's placement changes. */
  readonly config: Omit<PlacementSimulationConfig, 'seed'>
  readonly arms: readonly ArmSummary[]
  readonly ideal: readonly IdealSummary[]
  readonly events: number
}

export interface PlacementObserver {
  /** One arm's trial has run. */
  readonly ran?: (arm: string, trial: number, result: PlacementRunResult) => void
}

export function runPlacementScenario (scenario: PlacementScenario, observer: PlacementObserver = {}): PlacementScenarioReport {
  const runs = new Map<string, PlacementRunResult[]>(scenario.arms.map(a => [a.name, []]))
  const ideals = new Map<number, IdealResult[]>(scenario.idealChoices.map(d => [d, []]))
  const n = scenario.base.agents
  // With no seed contacts, the agents' ids and metadata do not depend on the seed.
  const agents = new SimAgents(n, 0, new SeededRandom('ideal-agents'), false)
  const idealAgents = { ids: agents.ids, metadata: (i: number) => agents.descriptors[i]?.metadata ?? { version: 0, cloudlet: '', region: '', availabilityZone: '', labels: {}, software: '' } }
  for (let trial = 0; trial < scenario.trials; trial++) {
    const seed = trialSeed(scenario.seed, trial)
    for (const arm of scenario.arms) {
      if (arm.trials !== undefined && trial >= arm.trials) continue
      let result: PlacementRunResult
      try {
        result = new PlacementSimulation(armConfig(scenario, arm, seed)).run()
      } catch (error) {
        throw new Error(`${scenario.name}, arm "${arm.name}", trial ${trial} (seed ${seed}): ${(error as Error).message}`, { cause: error })
      }
      runs.get(arm.name)?.push(result)
      observer.ran?.(arm.name, trial, result)
    }
    const root = new SeededRandom(seed)
    for (const d of scenario.idealChoices) {
      const config = { ...scenario.base, seed }
      ideals.get(d)?.push(idealReference(config, d, idealAgents, root.fork('workload'), root.fork('ideal').fork(`d-${d}`)))
    }
  }
  const arms = scenario.arms.map(arm => summarizeArm(arm.name, describePolicy({ ...scenario.base.placement, ...arm.placement }), runs.get(arm.name) ?? []))
  const ideal = scenario.idealChoices.map(d => summarizeIdeal(d, ideals.get(d) ?? []))
  const checks = scenario.checks.map(spec => evaluatePlacementCheck(spec, { agents: n, arms, ideal }))
  return {
    scenario: scenario.name,
    description: scenario.description,
    seed: scenario.seed,
    trials: scenario.trials,
    replay: placementReplayCommand(scenario),
    passed: checks.every(c => c.pass),
    checks,
    config: scenario.base,
    arms,
    ideal,
    events: arms.reduce((s, a) => s + a.events, 0)
  }
}
