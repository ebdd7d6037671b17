/**
 * The ideal reference is the textbook balls-into-bins: with d = 2 and m = n it gives the known
 * mean maximum loads, far below random placement's; it honours requirements and capacity; and it
 * takes its requests from the same stream as the protocol run.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LARGE_CLUSTER_CYCLON_CONFIG } from '../../protocol/cyclon/cyclon-config.ts'
import { DEFAULT_PLACEMENT_CONFIG } from '../../protocol/placement/placement-config.ts'
import { DEFAULT_LATENCY_MODEL } from '../latency.ts'
import { SeededRandom } from '../seeded-random.ts'
import { SimAgents } from '../sim-agents.ts'
import { idealReference } from './ideal-reference.ts'
import type { PlacementSimulationConfig } from './placement-simulation-config.ts'
import { LARGE_EQUAL_CAPACITY, UNIT_REQUEST } from './placement-simulation-config.ts'

function config (agents: number, extra: Partial<PlacementSimulationConfig> = {}): PlacementSimulationConfig {
  return {
    seed: 's', agents, cyclon: LARGE_CLUSTER_CYCLON_CONFIG, placement: DEFAULT_PLACEMENT_CONFIG, warmupCycles: 0, placementWarmupCycles: 0,
    latency: DEFAULT_LATENCY_MODEL, lossProbability: 0, capacities: [LARGE_EQUAL_CAPACITY], requests: [UNIT_REQUEST],
    workload: { kind: 'sequential', placements: agents }, seriesEveryMs: 1000, createFailureProbability: 0, ...extra
  }
}

function agentsOf (n: number): { ids: SimAgents['ids'], metadata: (i: number) => SimAgents['descriptors'][number]['metadata'] } {
  const agents = new SimAgents(n, 0, new SeededRandom('a'), false)
  return { ids: agents.ids, metadata: i => (agents.descriptors[i] as SimAgents['descriptors'][number]).metadata }
}

describe('idealReference', () => {
  it('gives P2C\'s known mean maximum load for m = n = 1,000 (≈ 3.0), and random placement ≈ 5.5', () => {
    const agents = agentsOf(1000)
    const mean = (d: number): number => {
      let sum = 0
      for (let t = 0; t < 40; t++) {
        const root = new SeededRandom(`t-${t}`)
        sum += idealReference(config(1000), d, agents, root.fork('workload'), root.fork('ideal')).final.maxServers
      }
      return sum / 40
    }
    const two = mean(2)
    const one = mean(1)
    assert.ok(two >= 2.9 && two <= 3.2, `d=2: ${two}`)
    assert.ok(one >= 5 && one <= 6.2, `d=1: ${one}`)
  })

  it('places only where the requirements allow and the capacity fits, refusing the rest', () => {
    const request = { name: 'big in az-1', weight: 1, resources: { vcpus: 4, memoryMb: 0, diskGb: 0 }, requirements: { availabilityZone: 'az-1' } }
    const c = config(9, { capacities: [{ vcpus: 8, memoryMb: 1, diskGb: 1 }], requests: [request], workload: { kind: 'sequential', placements: 10 } })
    const root = new SeededRandom('r')
    const result = idealReference(c, 9, agentsOf(9), root.fork('workload'), root.fork('ideal'))
    // Zone az-1 holds agents 1, 4 and 7: three cloudlets of 8 vCPUs take six 4-vCPU servers.
    assert.equal(result.final.servers, 6)
    assert.equal(result.refused, 4)
    assert.deepEqual(result.final.levelCounts, [6, 0, 3])
  })

  it('lives through churn with the offered load as its mean', () => {
    const c = config(50, { workload: { kind: 'churn', arrivalsPerSecond: 1, lifetimeMeanMs: 500_000, settleMs: 2_000_000, measureMs: 20_000_000 } })
    const root = new SeededRandom('c')
    const churn = idealReference(c, 2, agentsOf(50), root.fork('workload'), root.fork('ideal')).churn
    assert.ok(churn !== null)
    assert.ok(Math.abs(churn.meanServers - 10) < 1, `mean ${churn.meanServers}`)
    assert.ok(churn.maxMean > churn.meanServers && churn.maxMean < 15, `max ${churn.maxMean}`)
  })
})
