/**
 * One agent places everything (issue 4, P6): m = 10n unit placements one after another from
 * the same agent, at n = 200 (the scenario runs n = 1,000). Walk sampling must keep the gap
 * within twice exact uniform sampling's; sampling from the requester's own cache, the bad case
 * the issue warns of, is run beside it and must be clearly worse.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertPlacementCheckPasses, placementRun } from './placement-scenario-runs.ts'

describe('P6: one agent places m = 10n, n = 200, 2 trials (seed 1)', () => {
  const run = () => placementRun('p6', { seed: '1', agents: 200, trials: 2 }, { arms: ['P2C', 'P2C (view sampler)'] })
  it('keeps the gap within 2× the uniform-sampling gap with walk sampling', () => assertPlacementCheckPasses(run(), 'P6'))
  it('does worse sampling from the requester\'s own cache', () => {
    const arms = run().report.arms
    const walk = arms.find(a => a.name === 'P2C')
    const view = arms.find(a => a.name === 'P2C (view sampler)')
    assert.ok(walk !== undefined && view !== undefined)
    assert.ok(view.gap.mean > walk.gap.mean, `view sampler gap ${view.gap.mean} vs walk ${walk.gap.mean}`)
  })
})
