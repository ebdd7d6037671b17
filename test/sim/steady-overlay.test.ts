/**
 * The overlay without failures, from random caches, judged by the criteria O1, O2,
 * O3, O7 and O8: 1,000 agents with c=20, l=8 for 100 cycles, and 100 agents with the
 * small-cluster defaults (c=8, l=4). Each run happens once; the tests judge it.
 */
import { describe, it } from 'node:test'
import { assertCheckPasses, runScenario } from './scenario-runs.ts'

describe('steady overlay of 1,000 agents, c=20, l=8, 100 cycles (seed 1)', () => {
  const run = () => runScenario('steady', { seed: '1' })
  it('O1 keeps mean in-degree at c, every agent with in-links and every cache full', () => assertCheckPasses(run(), 'O1'))
  it('O2 keeps the in-degree std at most 0.65 × the random graph\'s', () => assertCheckPasses(run(), 'O2'))
  it('O3 keeps clustering within 10 % and path length within 3 % of the random graph\'s', () => assertCheckPasses(run(), 'O3'))
  it('O7 sends each agent one shuffle request per cycle on average, std ≤ 1.1, max ≤ 10', () => assertCheckPasses(run(), 'O7'))
  it('O8 costs each agent at most 1.2 × 2·(header + l·entry) bytes per cycle', () => assertCheckPasses(run(), 'O8'))
})

describe('steady overlay of 100 agents with the small-cluster defaults, c=8, l=4, 100 cycles (seed 1)', () => {
  const run = () => runScenario('steady-small', { seed: '1' })
  it('O1 keeps mean in-degree at c, every agent with in-links and every cache full', () => assertCheckPasses(run(), 'O1'))
  it('O2 keeps the in-degree std at most 0.85 × the random graph\'s', () => assertCheckPasses(run(), 'O2'))
  it('O7 sends each agent one shuffle request per cycle on average, std ≤ 1.1, max ≤ 10', () => assertCheckPasses(run(), 'O7'))
  it('O8 costs each agent at most 1.2 × 2·(header + l·entry) bytes per cycle', () => assertCheckPasses(run(), 'O8'))
})
