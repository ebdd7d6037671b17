/**
 * How an overlay simulation starts (see InitialTopology): which agents are up at time 0, what
 * each one's cache holds then, and when the others join. Caches are planted, not negotiated:
 * the simulation hands each agent its entries as if an introducer had answered, so a run
 * starts exactly from the paper's initial graphs.
 */
import type { Random } from '../core/ports.ts'
import type { OverlaySimulationConfig } from './overlay-simulation-config.ts'
import { randomDistinctPeers } from './random-graph.ts'
import { INTRODUCER_INDEX } from './sim-agents.ts'

export interface TopologyPlan {
  /** Agents up at time 0, in index order. */
  readonly upAtStart: readonly number[]
  /** The agents in `index`'s cache at time 0. */
  cacheOf(index: number): ArrayLike<number>
  /** Agents that join later through their contacts: [index, atMs]. */
  readonly joins: ReadonlyArray<readonly [number, number]>
}

export function planInitialTopology (config: OverlaySimulationConfig, random: Random): TopologyPlan {
  const n = config.agents
  const all = Array.from({ length: n }, (_, i) => i)
  switch (config.topology) {
    case 'random': {
      const c = Math.min(config.cyclon.cacheSize, n - 1)
      const caches = new Int32Array(n * c)
      for (let i = 0; i < n; i++) randomDistinctPeers(n, i, c, random, caches, i * c)
      return { upAtStart: all, cacheOf: i => caches.subarray(i * c, (i + 1) * c), joins: [] }
    }
    case 'star':
      return { upAtStart: all, cacheOf: i => (i === INTRODUCER_INDEX ? [] : [INTRODUCER_INDEX]), joins: [] }
    case 'join': {
      const spanMs = config.joinCycles * config.cyclon.shufflePeriodMs
      const joins: Array<readonly [number, number]> = []
      for (let i = 0; i < n; i++) if (i !== INTRODUCER_INDEX) joins.push([i, Math.floor(i * spanMs / n)])
      return { upAtStart: [INTRODUCER_INDEX], cacheOf: () => [], joins }
    }
  }
}
