/**
 * Cloudlets of unequal sizes (issue 4's end-to-end criterion, in the simulator): 16 cloudlets
 * of 16–256 vCPUs, 400 servers of Nova's m1 flavors placed one after another through random
 * agents, a quarter of them pinned to an availability zone or a region. The compared figure is
 * the highest utilization over the resource classes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertPlacementCheckPasses, placementRun } from './placement-scenario-runs.ts'

describe('unequal cloudlets: 16 agents, 400 servers, P2C, 5 trials (seed 1)', () => {
  const run = () => placementRun('unequal', { seed: '1', trials: 5 }, { arms: ['P2C'] })
  it('keeps the highest utilization within 15 points of the mean in at least 95 % of trials', () => assertPlacementCheckPasses(run(), 'U1', [0]))
  it('places every server, each on a cloudlet that meets its zone or region', () => assertPlacementCheckPasses(run(), 'U1', [1]))
  it('records the decision latency of every placement', () => {
    const arm = run().report.arms[0]
    assert.ok(arm !== undefined)
    assert.ok(arm.decisionMs.p50 > 0 && arm.decisionMs.p99 >= arm.decisionMs.p50, JSON.stringify(arm.decisionMs))
  })
})
