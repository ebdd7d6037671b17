/**
 * Helpers for the placement simulation tests: run a named scenario (optionally cut down: fewer
 * arms, a shorter churn) once per seed and shape, since several tests judge the same run, and
 * assert a check with a message that names the seed and the command that replays the run.
 */
import assert from 'node:assert/strict'
import type { CheckResult } from '../../src/sim/acceptance/check-result.ts'
import type { PlacementScenario, PlacementScenarioOverrides } from '../../src/sim/placement/placement-scenarios.ts'
import { placementScenario } from '../../src/sim/placement/placement-scenarios.ts'
import type { PlacementScenarioReport } from '../../src/sim/placement/run-placement-scenario.ts'
import { runPlacementScenario } from '../../src/sim/placement/run-placement-scenario.ts'

export interface PlacementRun {
  readonly scenario: PlacementScenario
  readonly report: PlacementScenarioReport
}

export interface Cut {
  /** Only these arms (by name), in this order. */
  readonly arms?: readonly string[]
  /** For churn: settle and measure this long instead. */
  readonly churnMs?: { readonly settleMs: number, readonly measureMs: number }
}

const runs = new Map<string, PlacementRun>()

export function placementRun (name: string, overrides: PlacementScenarioOverrides = {}, cut: Cut = {}): PlacementRun {
  const key = JSON.stringify([name, overrides, cut])
  const cached = runs.get(key)
  if (cached !== undefined) return cached
  const full = placementScenario(name, overrides)
  assert.ok(full !== undefined, `no scenario ${name}`)
  const w = full.base.workload
  const scenario: PlacementScenario = {
    ...full,
    arms: cut.arms === undefined ? full.arms : cut.arms.map(a => {
      const arm = full.arms.find(x => x.name === a)
      assert.ok(arm !== undefined, `${name} has no arm ${a}`)
      return arm
    }),
    base: cut.churnMs !== undefined && w.kind === 'churn' ? { ...full.base, workload: { ...w, ...cut.churnMs } } : full.base
  }
  const run = { scenario, report: runPlacementScenario(scenario) }
  runs.set(key, run)
  return run
}

function failureMessage (run: PlacementRun, check: CheckResult): string {
  return [
    `${check.id} ${check.title}`,
    ...check.parts.map(p => `  ${p.pass ? 'ok  ' : 'FAIL'} ${p.text}`),
    `seed ${run.scenario.seed}; replay with: ${run.report.replay}` + (run.scenario.arms.length === placementScenario(run.scenario.name)?.arms.length ? '' : ' (this test runs fewer arms or a shorter churn)')
  ].join('\n')
}

export function placementCheckOf (run: PlacementRun, id: string): CheckResult {
  const check = run.report.checks.find(c => c.id === id)
  assert.ok(check !== undefined, `${run.scenario.name} has no check ${id}`)
  return check
}

/** Asserts that check `id` passed — or only its parts numbered in `parts` (from 0). */
export function assertPlacementCheckPasses (run: PlacementRun, id: string, parts?: readonly number[]): void {
  const check = placementCheckOf(run, id)
  const judged = parts === undefined ? check.parts : parts.map(i => check.parts[i])
  assert.ok(judged.length > 0 && judged.every(p => p?.pass === true), failureMessage(run, check))
}
