/**
 * Placement under churn (issue 4, P3 and P4): 100 cloudlets, servers arriving as a Poisson
 * process through random agents and living an exponential time, 10 per cloudlet on average.
 * Cut down to one trial with 2,000 s to settle and 3,000 s measured (the scenarios measure
 * 20,000 s in each of 4 trials; docs/BENCHMARKS.md).
 */
import { describe, it } from 'node:test'
import { assertPlacementCheckPasses, placementRun } from './placement-scenario-runs.ts'

const churnMs = { settleMs: 2_000_000, measureMs: 3_000_000 }

describe('P3: churn with fresh loads, n = 100, P2C (seed 1)', () => {
  const run = () => placementRun('p3', { seed: '1', trials: 1 }, { arms: ['P2C'], churnMs })
  it('keeps the time-averaged maximum load at most 13.5', () => assertPlacementCheckPasses(run(), 'P3', [0]))
  it('keeps the 99th percentile of the maximum over time at most 15', () => assertPlacementCheckPasses(run(), 'P3', [1, 2]))
})

describe('P4: the same churn with loads from a board refreshed every 100 s (seed 1)', () => {
  const run = () => placementRun('p4', { seed: '1', trials: 1 }, { arms: ['P2C (board)', 'least-loaded (board)'], churnMs })
  it('keeps P2C\'s time-averaged maximum load at most 14.5', () => assertPlacementCheckPasses(run(), 'P4', [0, 2]))
  it('shows least-loaded-of-all herding: at least 1.25× P2C\'s maximum', () => assertPlacementCheckPasses(run(), 'P4', [1]))
})
