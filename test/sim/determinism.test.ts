/**
 * Reproducibility: the same seed gives the same run bit for bit — the whole JSON summary, with
 * every fault the simulator can inject (latency, loss, a partition, crashes, departures,
 * restarts, agents joining by random walks) — and another seed gives another run.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OverlaySimulation } from '../../src/sim/overlay-simulation.ts'
import type { OverlaySimulationConfig } from '../../src/sim/overlay-simulation-config.ts'
import { overlayScenario } from '../../src/sim/scenarios/overlay-scenarios.ts'
import { runOverlayScenario } from '../../src/sim/scenarios/run-scenario.ts'

function faultyConfig (seed: string): OverlaySimulationConfig {
  const base = overlayScenario('partition', { agents: 400, cycles: 40, seed })
  assert.ok(base !== undefined)
  return {
    ...base.config,
    topology: 'join',
    joinCycles: 5,
    seedContacts: 2,
    network: { latency: { kind: 'lognormal', medianMs: 60, sigma: 0.8 }, lossProbability: 0.03, partitions: [{ fromCycle: 10, toCycle: 14, groups: 3 }] },
    actions: [{ kind: 'crash', atCycle: 15, fraction: 0.3 }, { kind: 'leave', atCycle: 18, fraction: 0.05 }, { kind: 'restart', atCycle: 25 }]
  }
}

describe('simulation reproducibility', () => {
  it('gives identical JSON summaries for two runs with seed 42, faults and all', () => {
    const first = JSON.stringify(new OverlaySimulation(faultyConfig('42')).run())
    const second = JSON.stringify(new OverlaySimulation(faultyConfig('42')).run())
    assert.equal(first, second)
  })

  it('gives another run for seed 43', () => {
    const a = new OverlaySimulation(faultyConfig('42')).run()
    const b = new OverlaySimulation(faultyConfig('43')).run()
    assert.notDeepEqual(a.cycles, b.cycles)
  })

  it('gives identical scenario reports, checks included, for the star scenario with seed 7 run twice', () => {
    const scenario = overlayScenario('star', { agents: 300, cycles: 60, seed: '7' })
    assert.ok(scenario !== undefined)
    assert.equal(JSON.stringify(runOverlayScenario(scenario)), JSON.stringify(runOverlayScenario(scenario)))
  })
})
