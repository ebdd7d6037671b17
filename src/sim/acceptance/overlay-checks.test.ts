/**
 * The acceptance checks judge results by the definitions written beside them: built on
 * synthetic per-cycle metrics, so each rule (links in flight count, "by cycle X" means from X
 * on, O7 pools agent-cycles, a missing measurement fails) is seen in isolation.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LARGE_CLUSTER_CYCLON_CONFIG } from '../../protocol/cyclon/cyclon-config.ts'
import { DEFAULT_LATENCY_MODEL } from '../latency.ts'
import type { CycleMetrics } from '../overlay-metrics.ts'
import { DEFAULT_METRICS_CONFIG } from '../overlay-simulation-config.ts'
import type { OverlaySimulationResult, RemovalRow } from '../overlay-simulation-result.ts'
import { evaluateCheck } from './overlay-checks.ts'

function cycle (n: number, overrides: Partial<CycleMetrics> = {}): CycleMetrics {
  return {
    cycle: n,
    timeMs: n * 10_000,
    liveAgents: 1000,
    inDegreeMean: 20,
    inDegreeStd: 2,
    inDegreeMax: 28,
    agentsWithoutInLinks: 0,
    cacheSizeMean: 20,
    fullCacheFraction: 1,
    emptyCaches: 0,
    shufflesInFlight: 0,
    cachesShortOfFull: 0,
    linksHeldMean: 20,
    deadLinks: 0,
    deadLinkFraction: 0,
    largestComponentSize: 1000,
    largestComponentFraction: 1,
    clusteringCoefficient: 0.038,
    averagePathLength: 2.16,
    requestsReceivedMean: 1,
    requestsReceivedStd: 1,
    requestsReceivedMax: 6,
    bytesSentMean: 3400,
    bytesSentMax: 4000,
    messagesSentMean: 2,
    ...overrides
  }
}

function result (cycles: CycleMetrics[], removal: RemovalRow[] = []): OverlaySimulationResult {
  return {
    config: {
      seed: 'x',
      agents: 1000,
      cycles: cycles.length,
      cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
      topology: 'random',
      joinCycles: 10,
      seedContacts: 0,
      spareIntroducer: true,
      network: { latency: DEFAULT_LATENCY_MODEL, lossProbability: 0, partitions: [] },
      actions: [],
      metrics: DEFAULT_METRICS_CONFIG
    },
    descriptorBytesMean: 190,
    randomGraph: { agents: 1000, outDegree: 20, inDegreeMean: 20, inDegreeStd: 4.4, clusteringCoefficient: 0.038, averagePathLength: 2.16, largestComponentFraction: 1 },
    cycles,
    removal,
    events: 0,
    network: { sent: 0, lost: 0, partitioned: 0, unknownDestination: 0, toDownAgent: 0, delivered: 0, bytes: 0 },
    cyclon: { shufflesStarted: 0, shufflesCompleted: 0, shufflesTimedOut: 0, shufflesSkipped: 0, staleReplies: 0, joinRequestsSent: 0, joinWalksAccepted: 0 }
  }
}

const range = (from: number, to: number, make: (n: number) => CycleMetrics): CycleMetrics[] => Array.from({ length: to - from + 1 }, (_, k) => make(from + k))

describe('acceptance checks', () => {
  it('O1 counts the entry out with a shuffle in flight as held, and fails on a cache short of c', () => {
    const inFlight = result([cycle(1, { inDegreeMean: 19.98, shufflesInFlight: 20, linksHeldMean: 20 })])
    assert.equal(evaluateCheck({ id: 'O1', fromCycle: 1 }, inFlight).pass, true)
    const short = evaluateCheck({ id: 'O1', fromCycle: 1 }, result([cycle(1, { cachesShortOfFull: 1, linksHeldMean: 19.999 })]))
    assert.deepEqual(short.parts.map(p => p.pass), [true, true, false])
    assert.equal(evaluateCheck({ id: 'O1', fromCycle: 1 }, result([cycle(1, { inDegreeMean: 19.98, linksHeldMean: 19.98 })])).pass, false)
  })

  it('O2 compares the last cycle with the random graph', () => {
    assert.equal(evaluateCheck({ id: 'O2', factor: 0.65 }, result([cycle(1, { inDegreeStd: 9 }), cycle(2, { inDegreeStd: 2.8 })])).pass, true)
    assert.equal(evaluateCheck({ id: 'O2', factor: 0.65 }, result([cycle(1, { inDegreeStd: 2.9 })])).pass, false)
  })

  it('O4 measures "within 10 % by cycle X" from cycle X to the end', () => {
    const settled = range(1, 100, n => cycle(n, { inDegreeStd: n < 30 ? 6 : 2 }))
    assert.equal(evaluateCheck({ id: 'O4' }, result(settled)).pass, true)
    const relapse = range(1, 100, n => cycle(n, { inDegreeStd: n < 30 || n === 50 ? 6 : 2 }))
    const check = evaluateCheck({ id: 'O4' }, result(relapse))
    assert.equal(check.pass, false)
    assert.match(check.parts[2]?.text ?? '', /from cycle 51/)
  })

  it('O5 counts cycles from the kill and needs dead links to stay down', () => {
    const healing = range(1, 110, n => cycle(n, { deadLinks: n > 50 && n < 80 ? 100 : 0, deadLinkFraction: n > 50 && n < 80 ? 0.3 : 0 }))
    assert.equal(evaluateCheck({ id: 'O5', killCycle: 50, killed: 'half' }, result(healing)).pass, true)
    const late = range(1, 110, n => cycle(n, { deadLinks: n > 50 && n < 90 ? 1 : 0, deadLinkFraction: n > 50 && n < 90 ? 0.02 : 0 }))
    assert.deepEqual(evaluateCheck({ id: 'O5', killCycle: 50, killed: 'half' }, result(late)).parts.map(p => p.pass), [false, true, true])
    const emptyCache = range(1, 110, n => cycle(n, { liveAgents: 100, emptyCaches: n === 65 ? 1 : 0 }))
    assert.deepEqual(evaluateCheck({ id: 'O5', killCycle: 50, killed: 'ninety-percent' }, result(emptyCache)).parts.map(p => p.pass), [true, true, false])
    assert.equal(evaluateCheck({ id: 'O5', killCycle: 50, killed: 'half' }, result(range(1, 60, n => cycle(n)))).pass, false, 'too short a run')
  })

  it('O6 needs the 80 % and 90 % removals measured', () => {
    const rows: RemovalRow[] = [{ fraction: 0.8, survivors: 2000, connectedFraction: 0.9995, randomGraphConnectedFraction: 0.999 }, { fraction: 0.9, survivors: 1000, connectedFraction: 0.98, randomGraphConnectedFraction: 0.97 }]
    assert.equal(evaluateCheck({ id: 'O6' }, result([cycle(1)], rows)).pass, true)
    assert.equal(evaluateCheck({ id: 'O6' }, result([cycle(1)], rows.slice(0, 1))).pass, false)
  })

  it('O7 pools every agent-cycle for the mean and standard deviation', () => {
    // Two cycles with means 0.9 and 1.1 and std 1: pooled mean 1, pooled std √(1 + 0.01).
    const check = evaluateCheck({ id: 'O7', fromCycle: 1 }, result([cycle(1, { requestsReceivedMean: 0.9 }), cycle(2, { requestsReceivedMean: 1.1 })]))
    assert.equal(check.pass, true)
    assert.match(check.parts[1]?.text ?? '', /1\.005/)
    assert.equal(evaluateCheck({ id: 'O7', fromCycle: 1 }, result([cycle(1, { requestsReceivedMax: 11 })])).pass, false)
  })

  it('O8 bounds the bytes by 1.2 × 2·(header + l·entry)', () => {
    // 2·(232 + 8·190) = 3504; 1.2 × 3504 = 4204.8.
    assert.equal(evaluateCheck({ id: 'O8', fromCycle: 1 }, result([cycle(1, { bytesSentMean: 4204 })])).pass, true)
    assert.equal(evaluateCheck({ id: 'O8', fromCycle: 1 }, result([cycle(1, { bytesSentMean: 4205 })])).pass, false)
  })

  it('R1 needs one component, in-links, caches and no dead links at every cycle checked', () => {
    assert.equal(evaluateCheck({ id: 'R1', fromCycle: 2 }, result([cycle(1, { emptyCaches: 3 }), cycle(2)])).pass, true)
    assert.equal(evaluateCheck({ id: 'R1', fromCycle: 1 }, result([cycle(1, { emptyCaches: 3 }), cycle(2)])).pass, false)
  })
})
