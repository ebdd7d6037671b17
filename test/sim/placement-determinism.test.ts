/**
 * Reproducibility of the placement simulation: the same seed gives the same report bit for bit
 * (every policy, the ideal reference, the checks), and another seed another report. The runs
 * mix a burst, board refreshes, round-robin and create failures, so every path is replayed.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PlacementScenario } from '../../src/sim/placement/placement-scenarios.ts'
import { placementScenario } from '../../src/sim/placement/placement-scenarios.ts'
import { PlacementSimulation } from '../../src/sim/placement/placement-simulation.ts'
import { runPlacementScenario } from '../../src/sim/placement/run-placement-scenario.ts'

function small (seed: string): PlacementScenario {
  const scenario = placementScenario('p5', { seed, agents: 40, trials: 2 })
  assert.ok(scenario !== undefined)
  return scenario
}

describe('placement simulation reproducibility', () => {
  it('gives identical reports for two runs with seed 42, every policy and the ideal reference', () => {
    assert.equal(JSON.stringify(runPlacementScenario(small('42'))), JSON.stringify(runPlacementScenario(small('42'))))
  })

  it('gives another report for seed 43', () => {
    assert.notDeepEqual(runPlacementScenario(small('42')).arms, runPlacementScenario(small('43')).arms)
  })

  it('replays creates that fail, and the reservations they give back, identically (seed 7)', () => {
    const scenario = placementScenario('unequal', { seed: '7', trials: 1 })
    assert.ok(scenario !== undefined)
    const config = { ...scenario.base, seed: '7', createFailureProbability: 0.2 }
    const first = new PlacementSimulation(config).run()
    const second = new PlacementSimulation(config).run()
    assert.ok(first.failedCreates > 40, `failed creates ${first.failedCreates}`)
    assert.equal(first.placementStats.releasesSent, first.failedCreates)
    assert.equal(JSON.stringify(first), JSON.stringify(second))
  })
})
