/**
 * Placement end to end on loopback (issue 4 §4, "End to end"): 16 agents, each in front of an
 * emulated cloudlet of its own size (1 to 4 hosts), with loads read from each cloudlet's
 * Placement API over HTTP; 400 m1.small servers asked for through the agents in turn, 16 at a
 * time (one per agent), each placed, created on the chosen cloudlet's Nova and landed there
 * (test/fixtures/placement-cluster.ts: what the service proxy will do for POST /servers).
 *
 * One warm-up placement per agent comes first and is not counted. Prints, per policy (P2C, then random as the baseline, each on a fresh cluster in this same
 * process): the highest and mean utilization at the end (utilization = the highest of VCPU,
 * MEMORY_MB, DISK_GB used over capacity), the placement-decision latency p50/p99 (place() to
 * the decision, wall clock), attempts per placement, and the wall time.
 *
 *   node --import tsx bench/placement-e2e.ts [servers=400] [agents=16] [concurrency=agents]
 */
import { performance } from 'node:perf_hooks'
import type { PlacementConfig } from '../src/protocol/placement/placement-config.ts'
import { M1_SMALL, startPlacementCluster } from '../test/fixtures/placement-cluster.ts'
import type { ClusterCloudlet, ClusterMember } from '../test/fixtures/placement-cluster.ts'

const servers = Number(process.argv[2] ?? 400)
const agents = Number(process.argv[3] ?? 16)
/** Placements in flight at once (one per agent, in turn); 1 measures a placement alone. */
const concurrency = Number(process.argv[4] ?? agents)

/** Unequal sizes: 1, 2, 3, 4 hosts of 8 vCPUs, 32 GiB, 400 GB; zones az-1 and az-2. */
const specs: ClusterCloudlet[] = Array.from({ length: agents }, (_, i) => ({
  name: `edge-${String(i).padStart(2, '0')}`,
  availabilityZone: i % 2 === 0 ? 'az-1' : 'az-2',
  hosts: { count: 1 + (i % 4), vcpus: 8, ramMb: 32_768, diskGb: 400 }
}))

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
}

async function run (label: string, placement: Partial<PlacementConfig>): Promise<void> {
  const cluster = await startPlacementCluster(specs, { placement })
  try {
    // Warm-up, not counted: one placement through each agent (connections, JIT, first walks).
    await Promise.all(cluster.members.map(async via => {
      const outcome = await via.agent.place({ resources: M1_SMALL.resources, requirements: {} })
      if (outcome.kind === 'placed') await cluster.createPlaced(outcome, M1_SMALL)
    }))
    const decisions: number[] = []
    let attempts = 0
    let failed = 0
    const started = performance.now()
    for (let done = 0; done < servers;) {
      const first = done % cluster.members.length
      const wave = Array.from({ length: Math.min(concurrency, servers - done) }, (_, k) => cluster.members[(first + k) % cluster.members.length] as ClusterMember)
      const results = await Promise.all(wave.map(async (via: ClusterMember) => {
        const t0 = performance.now()
        const outcome = await via.agent.place({ resources: M1_SMALL.resources, requirements: {} })
        const decisionMs = performance.now() - t0
        if (outcome.kind === 'placed') await cluster.createPlaced(outcome, M1_SMALL)
        return { outcome, decisionMs }
      }))
      for (const r of results) {
        decisions.push(r.decisionMs)
        attempts += r.outcome.attempts
        if (r.outcome.kind !== 'placed') failed++
      }
      done += wave.length
    }
    const wallS = (performance.now() - started) / 1000
    const utilizations = [...(await cluster.utilizations()).values()]
    const mean = utilizations.reduce((a, b) => a + b, 0) / utilizations.length
    const max = Math.max(...utilizations)
    decisions.sort((a, b) => a - b)
    console.log(`${label}: ${servers} servers over ${agents} cloudlets in ${wallS.toFixed(1)} s; not placed ${failed}`)
    console.log(`  utilization: highest ${(100 * max).toFixed(1)} %, mean ${(100 * mean).toFixed(1)} %, highest − mean ${(100 * (max - mean)).toFixed(1)} points; lowest ${(100 * Math.min(...utilizations)).toFixed(1)} %`)
    const stats = cluster.members.map(m => m.agent.placement.stats)
    const sum = (key: keyof typeof stats[number]): number => stats.reduce((total, s) => total + (s[key] as number), 0)
    const transport = cluster.members.map(m => m.agent.status().transport)
    console.log(`  walks started ${sum('walksStarted')}, lost ${sum('walksLost')}; queries timed out ${sum('queriesTimedOut')}; reserves refused ${sum('reservesRefused')}, timed out ${sum('reservesTimedOut')}; peer messages delivered ${transport.reduce((t, s) => t + s.delivered, 0)}, dropped (queue full) ${transport.reduce((t, s) => t + s.droppedQueueFull, 0)}, timeouts ${transport.reduce((t, s) => t + s.timeouts, 0)}`)
    console.log(`  decision latency: p50 ${percentile(decisions, 0.5).toFixed(1)} ms, p99 ${percentile(decisions, 0.99).toFixed(1)} ms, max ${(decisions.at(-1) ?? NaN).toFixed(1)} ms; attempts per placement ${(attempts / servers).toFixed(2)}`)
  } finally {
    await cluster.stop()
  }
}

await run('P2C (d=2, fresh load)', {})
await run('random (baseline)', { policy: { kind: 'random' } })
