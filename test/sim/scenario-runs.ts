/**
 * Helpers for the simulation tests: run a named scenario once per seed (several tests judge
 * the same run), and assert a check with a message that names the seed and the command that
 * replays the run, as CONVENTIONS.md asks of a failing simulation.
 */
import assert from 'node:assert/strict'
import type { CheckResult } from '../../src/sim/acceptance/check-result.ts'
import { overlayScenario } from '../../src/sim/scenarios/overlay-scenarios.ts'
import type { OverlayScenario, ScenarioOverrides } from '../../src/sim/scenarios/overlay-scenarios.ts'
import { replayCommand } from '../../src/sim/scenarios/replay-command.ts'
import { runOverlayScenario } from '../../src/sim/scenarios/run-scenario.ts'
import type { ScenarioReport } from '../../src/sim/scenarios/run-scenario.ts'

export interface ScenarioRun {
  readonly scenario: OverlayScenario
  readonly report: ScenarioReport
}

const runs = new Map<string, ScenarioRun>()

export function runScenario (name: string, overrides: ScenarioOverrides = {}): ScenarioRun {
  const key = JSON.stringify([name, overrides])
  const cached = runs.get(key)
  if (cached !== undefined) return cached
  const scenario = overlayScenario(name, overrides)
  assert.ok(scenario !== undefined, `no scenario ${name}`)
  const run = { scenario, report: runOverlayScenario(scenario) }
  runs.set(key, run)
  return run
}

function failureMessage (run: ScenarioRun, check: CheckResult): string {
  return [
    `${check.id} ${check.title}`,
    ...check.parts.map(p => `  ${p.pass ? 'ok  ' : 'FAIL'} ${p.text}`),
    `seed ${run.scenario.config.seed}; replay with: ${replayCommand(run.scenario)}`
  ].join('\n')
}

/** The result of check `id` of the run (there must be one). */
export function checkOf (run: ScenarioRun, id: string): CheckResult {
  const check = run.report.checks.find(c => c.id === id)
  assert.ok(check !== undefined, `${run.scenario.name} has no check ${id}`)
  return check
}

/** Asserts that check `id` passed — or only its parts numbered in `parts` (from 0). */
export function assertCheckPasses (run: ScenarioRun, id: string, parts?: readonly number[]): void {
  const check = checkOf(run, id)
  const judged = parts === undefined ? check.parts : parts.map(i => check.parts[i])
  assert.ok(judged.length > 0 && judged.every(p => p?.pass === true), failureMessage(run, check))
}
