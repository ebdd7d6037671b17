/**
 * How fast a footprint change spreads (issue 6 §3): n agents on a simulated network (fixed
 * random views of 8, latency uniform 5–50 ms, optional loss), one agent adds a project, and we
 * measure the virtual time (and anti-entropy periods, "rounds") until every agent knows, the
 * share the rumour alone reached, and the messages it cost. Several seeds per setting.
 *
 *   node --import tsx bench/footprint-spread.ts [agents=64,1000] [trials=5]
 */
import { DEFAULT_FOOTPRINT_CLUSTER, FootprintCluster } from '../src/sim/footprint-cluster.ts'
import type { FootprintNode } from '../src/protocol/state/footprint-node.ts'

const sizes = (process.argv[2] ?? '64,1000').split(',').map(Number)
const trials = Number(process.argv[3] ?? 5)
const period = DEFAULT_FOOTPRINT_CLUSTER.config.antiEntropyPeriodMs

interface Figures { allMs: number, rumourShare: number, messages: number, bytes: number }

function trial (agents: number, loss: number, seed: string): Figures {
  const cluster = new FootprintCluster({ ...DEFAULT_FOOTPRINT_CLUSTER, agents, seed, lossProbability: loss })
  // Let the anti-entropy of an idle cluster settle, with some state in it: 1 project per agent.
  for (let i = 0; i < agents; i++) (cluster.nodes[i] as FootprintNode).add(`base-${i}`)
  cluster.runUntil(6 * period)
  const sent = cluster.counters.sent
  const bytes = cluster.counters.bytes
  const writer = 1 + (agents >> 1)
  ;(cluster.nodes[writer] as FootprintNode).add('project-new')
  const watch = cluster.watch(writer, 'project-new')
  const start = cluster.clock.nowMs()
  // The rumour alone: before the first anti-entropy after the write could matter much, 1 s.
  cluster.runUntil(start + 1_000)
  const rumourShare = watch.knownCount / agents
  const ok = cluster.runUntilDone(() => watch.allKnownAtMs !== null, 50, start + 60 * period)
  if (!ok) throw new Error(`${agents} agents, loss ${loss}, seed ${seed}: only ${watch.knownCount} knew after 60 periods`)
  return { allMs: (watch.allKnownAtMs as number) - start, rumourShare, messages: cluster.counters.sent - sent, bytes: cluster.counters.bytes - bytes }
}

function summary (values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  const mean = values.reduce((s, v) => s + v, 0) / values.length
  return `mean ${mean.toFixed(0)}, min ${sorted[0]?.toFixed(0)}, max ${sorted[sorted.length - 1]?.toFixed(0)}`
}

console.log(`anti-entropy period ${period} ms, fan-out ${DEFAULT_FOOTPRINT_CLUSTER.config.fanout}, max hops ${DEFAULT_FOOTPRINT_CLUSTER.config.maxHops}, views of ${DEFAULT_FOOTPRINT_CLUSTER.viewSize}, latency ${DEFAULT_FOOTPRINT_CLUSTER.latencyMinMs}–${DEFAULT_FOOTPRINT_CLUSTER.latencyMaxMs} ms, ${trials} trials each`)
for (const agents of sizes) {
  for (const loss of [0, 0.1]) {
    const runs = Array.from({ length: trials }, (_, t) => trial(agents, loss, `spread-${agents}-${loss}-${t}`))
    const all = runs.map(r => r.allMs)
    console.log(`${String(agents).padStart(5)} agents, loss ${(loss * 100).toFixed(0).padStart(2)} %: all know after ${summary(all)} ms` +
      ` (${(Math.max(...all) / period).toFixed(2)} rounds at worst); rumour alone reached ${runs.map(r => (r.rumourShare * 100).toFixed(0) + '%').join(' ')} in 1 s;` +
      ` messages per agent until then ${summary(runs.map(r => r.messages / agents))} (anti-entropy included), KB per agent ${summary(runs.map(r => r.bytes / agents / 1024))}`)
  }
}
