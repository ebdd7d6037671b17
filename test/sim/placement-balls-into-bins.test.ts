/**
 * Placement as balls into bins (issue 4, P1 and P2), with the real PlacementNode and CyclonNode
 * of every agent in the simulator: unit placements one after another through random agents,
 * fresh loads, walk sampling; judged against the bounds and against the ideal reference
 * (exact uniform sampling, the same requests) computed in the same trials. The larger runs
 * (n = 1,000 with 40 trials, n = 10,000, P2 at n = 1,000) are `p2pstack sim` scenarios,
 * recorded in docs/BENCHMARKS.md.
 */
import { describe, it } from 'node:test'
import { assertPlacementCheckPasses, placementRun } from './placement-scenario-runs.ts'

describe('P1: m = n = 64 unit placements, P2C with fresh loads, 100 trials (seed 1)', () => {
  const run = () => placementRun('p1-64', { seed: '1', trials: 100 }, { arms: ['P2C'] })
  it('keeps the mean maximum load within 0.3 of 2.42', () => assertPlacementCheckPasses(run(), 'P1', [0]))
  it('never exceeds ⌈ln ln n / ln 2⌉ + 1 = 4 in any trial', () => assertPlacementCheckPasses(run(), 'P1', [1]))
  it('matches exact uniform sampling within 0.15, and places every request', () => assertPlacementCheckPasses(run(), 'P1', [2, 3]))
})

describe('P1: m = n = 1,000 unit placements, P2C with fresh loads, 2 trials (seed 1)', () => {
  it('keeps the maximum load at about 3.02, never above 4, as exact uniform sampling does', () => {
    assertPlacementCheckPasses(placementRun('p1-1000', { seed: '1', trials: 2 }, { arms: ['P2C'] }), 'P1')
  })
})

describe('P2: m = 16n unit placements at n = 100, 3 trials (seed 1)', () => {
  const run = () => placementRun('p2', { seed: '1', agents: 100, trials: 3 }, { arms: ['P2C', 'random'] })
  it('keeps the gap above the mean at most 3 in every trial', () => assertPlacementCheckPasses(run(), 'P2', [0, 2]))
  it('makes the gap at least 4× smaller than random placement\'s', () => assertPlacementCheckPasses(run(), 'P2', [1]))
})
