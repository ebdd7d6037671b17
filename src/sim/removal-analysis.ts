/**
 * Removal without repair (O6): take the overlay as it is, remove a fraction of the agents at
 * random, run no cycle, and see how many of the survivors are still in one component — for
 * Cyclon's overlay and for the random graph of the same size, with the same draws.
 */
import type { Random } from '../core/ports.ts'
import type { DirectedGraph } from './overlay-graph.ts'
import { largestComponentSize } from './overlay-graph.ts'
import type { RemovalRow } from './overlay-simulation-result.ts'

export function removalRows (overlay: DirectedGraph, randomGraph: DirectedGraph, fractions: readonly number[], random: Random): RemovalRow[] {
  return fractions.map(fraction => {
    const draws = random.fork(String(fraction))
    const live = removeAtRandom(overlay.live, fraction, draws)
    const survivors = count(live)
    const baselineLive = removeAtRandom(randomGraph.live, fraction, draws.fork('random-graph'))
    const baselineSurvivors = count(baselineLive)
    return {
      fraction,
      survivors,
      connectedFraction: survivors === 0 ? 0 : largestComponentSize({ ...overlay, live }) / survivors,
      randomGraphConnectedFraction: baselineSurvivors === 0 ? 0 : largestComponentSize({ ...randomGraph, live: baselineLive }) / baselineSurvivors
    }
  })
}

/** A copy of `live` with `fraction` of the live agents (rounded) removed at random. */
function removeAtRandom (live: Uint8Array, fraction: number, random: Random): Uint8Array {
  const up: number[] = []
  for (let i = 0; i < live.length; i++) if (live[i] === 1) up.push(i)
  const result = live.slice()
  const removed = Math.round(fraction * up.length)
  for (let k = 0; k < removed; k++) {
    const j = k + random.int(up.length - k)
    const chosen = up[j] as number
    up[j] = up[k] as number
    up[k] = chosen
    result[chosen] = 0
  }
  return result
}

function count (live: Uint8Array): number {
  let n = 0
  for (let i = 0; i < live.length; i++) n += live[i] as number
  return n
}
