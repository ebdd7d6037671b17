/**
 * The yardstick the Cyclon paper measures an overlay against: a random directed graph of the
 * same size where every agent points at `outDegree` distinct other agents chosen uniformly.
 * Also used to fill the caches of the 'random' initial topology.
 */
import type { Random } from '../core/ports.ts'
import type { DirectedGraph } from './overlay-graph.ts'

/** Fills `into[at …]` with `count` distinct agents other than `self`, uniformly (fewer when there are fewer others). */
export function randomDistinctPeers (agentCount: number, self: number, count: number, random: Random, into: Int32Array, at: number): number {
  const wanted = Math.min(count, agentCount - 1)
  if (wanted <= 0) return 0
  if (wanted * 2 > agentCount) {
    // Dense: a partial Fisher–Yates over every other agent.
    const others: number[] = []
    for (let i = 0; i < agentCount; i++) if (i !== self) others.push(i)
    for (let i = 0; i < wanted; i++) {
      const j = i + random.int(others.length - i)
      const t = others[i] as number
      others[i] = others[j] as number
      others[j] = t
      into[at + i] = others[i] as number
    }
    return wanted
  }
  // Sparse: draw and reject repeats (expected draws close to `wanted`).
  let filled = 0
  while (filled < wanted) {
    const candidate = random.int(agentCount)
    if (candidate === self) continue
    let repeat = false
    for (let k = 0; k < filled; k++) {
      if (into[at + k] === candidate) {
        repeat = true
        break
      }
    }
    if (!repeat) into[at + filled++] = candidate
  }
  return wanted
}

/** A random graph: `agentCount` live agents, each with `outDegree` distinct random out-links. */
export function randomGraph (agentCount: number, outDegree: number, random: Random): DirectedGraph {
  const live = new Uint8Array(agentCount).fill(1)
  const offsets = new Int32Array(agentCount + 1)
  const targets = new Int32Array(agentCount * Math.min(outDegree, Math.max(0, agentCount - 1)))
  let at = 0
  for (let i = 0; i < agentCount; i++) {
    offsets[i] = at
    at += randomDistinctPeers(agentCount, i, outDegree, random, targets, at)
  }
  offsets[agentCount] = at
  return { agentCount, live, offsets, targets }
}
