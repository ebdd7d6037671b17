/**
 * How the overlay forms: from a star, where every agent knows only the introducer (O4), and by
 * agents joining one by one through the introducer with the real join protocol.
 */
import { describe, it } from 'node:test'
import { assertCheckPasses, runScenario } from './scenario-runs.ts'

describe('overlay of 1,000 agents from a star, c=20, l=8, 100 cycles (seed 1)', () => {
  it('O4 brings path length within 10 % of steady state by cycle 20, clustering by 25, in-degree std by 40', () => {
    assertCheckPasses(runScenario('star', { seed: '1' }), 'O4')
  })
})

describe('overlay of 1,000 agents joining one by one through the introducer over 10 cycles (seed 1)', () => {
  const run = () => runScenario('join', { seed: '1' })
  it('keeps every link and fills every cache from cycle 40 (O1)', () => assertCheckPasses(run(), 'O1'))
  it('is one component with every agent in-linked from cycle 40', () => assertCheckPasses(run(), 'R1'))
})
