/**
 * How the overlay heals: half or nine tenths of 1,000 agents crash at once after 50 cycles
 * (O5); a fifth crash and later restart with empty caches; a partition with message loss.
 * The introducer is spared by crashes: in p2pstack it runs on the services node, not on a
 * cloudlet's agent (see docs/BENCHMARKS.md, "Overlay simulation").
 */
import { describe, it } from 'node:test'
import { assertCheckPasses, runScenario } from './scenario-runs.ts'

describe('overlay of 1,000 agents, 50 % crashing after cycle 50 (seed 1)', () => {
  it('O5 brings dead links under 1 % by 35 cycles and to 0 by 45, keeping every survivor connected', () => {
    assertCheckPasses(runScenario('kill-half', { seed: '1' }), 'O5')
  })
})

describe('overlay of 1,000 agents, 90 % crashing after cycle 50 (seed 1)', () => {
  let report: ReturnType<typeof runScenario> | undefined
  const run = (): ReturnType<typeof runScenario> => { report ??= runScenario('kill-most', { seed: '1' }); return report }
  it('O5 brings dead links under 1 % by 50 cycles after the crash', () => assertCheckPasses(run(), 'O5', [0]))
  it('O5 keeps at least 97 % of the survivors connected at every cycle', () => assertCheckPasses(run(), 'O5', [1]))
  it('O5 leaves no survivor with an empty cache 10 cycles after the crash', () => assertCheckPasses(run(), 'O5', [2]))
})

describe('overlay of 1,000 agents, 20 % crashing at cycle 30 and restarting at cycle 50 (seed 1)', () => {
  it('is whole again 20 cycles after the restart: one component, every agent in-linked, no dead links', () => {
    assertCheckPasses(runScenario('churn', { seed: '1' }), 'R1')
  })
})

describe('overlay of 1,000 agents split in two for 5 cycles, with 5 % message loss (seed 1)', () => {
  it('is whole again 20 cycles after the partition ends', () => {
    assertCheckPasses(runScenario('partition', { seed: '1' }), 'R1')
  })
})
