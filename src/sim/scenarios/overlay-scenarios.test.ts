/**
 * The named scenarios are valid simulations, take the five overrides `p2pstack sim` offers,
 * and print a replay command that names them all.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { overlaySimulationConfigProblems } from '../overlay-simulation-config.ts'
import { OVERLAY_SCENARIO_NAMES, overlayScenario } from './overlay-scenarios.ts'
import { replayCommand } from './replay-command.ts'

describe('overlay scenarios', () => {
  it('are all valid simulation configurations with at least one check', () => {
    assert.ok(OVERLAY_SCENARIO_NAMES.length >= 10)
    for (const name of OVERLAY_SCENARIO_NAMES) {
      const scenario = overlayScenario(name)
      assert.ok(scenario !== undefined)
      assert.deepEqual(overlaySimulationConfigProblems(scenario.config), [], name)
      assert.ok(scenario.checks.length > 0, name)
    }
  })

  it('apply agents, cycles, seed, cacheSize and shuffleLength overrides', () => {
    const scenario = overlayScenario('steady', { agents: 50, cycles: 7, seed: 'abc', cacheSize: 10, shuffleLength: 5 })
    assert.equal(scenario?.config.agents, 50)
    assert.equal(scenario?.config.cycles, 7)
    assert.equal(scenario?.config.seed, 'abc')
    assert.equal(scenario?.config.cyclon.cacheSize, 10)
    assert.equal(scenario?.config.cyclon.shuffleLength, 5)
    assert.equal(scenario?.config.cyclon.shufflePeriodMs, 10_000)
  })

  it('know no scenario by an unknown or inherited name', () => {
    assert.equal(overlayScenario('nope'), undefined)
    assert.equal(overlayScenario('toString'), undefined)
  })

  it('replay with every overridable value spelled out, quoting seeds that need it', () => {
    const scenario = overlayScenario('kill-half', { seed: "it's 42" })
    assert.ok(scenario !== undefined)
    assert.equal(replayCommand(scenario), "p2pstack sim --scenario kill-half --seed 'it'\\''s 42' --agents 1000 --cycles 110 --cache-size 20 --shuffle-length 8")
  })
})
