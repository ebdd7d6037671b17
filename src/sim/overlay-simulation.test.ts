/**
 * OverlaySimulation drives the real CyclonNode: small, fast runs (tens of agents, a few
 * cycles, fixed seeds) that look at the engine's own duties — one tick per agent per cycle and
 * no pile-up of wakeups, crashed agents silent, restarted agents back with an empty cache and
 * joining again, departures announced, partitions cutting traffic — and at reproducibility.
 * The acceptance criteria at scale are in test/sim.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SMALL_CLUSTER_CYCLON_CONFIG } from '../protocol/cyclon/cyclon-config.ts'
import { ENVELOPE_WIRE_BYTES } from '../protocol/cyclon/messages.ts'
import type { CyclonMessage } from '../protocol/cyclon/messages.ts'
import { cyclonMessageWireBytes } from './cyclon-wire-bytes.ts'
import type { OverlaySimulationConfig } from './overlay-simulation-config.ts'
import { DEFAULT_METRICS_CONFIG } from './overlay-simulation-config.ts'
import { AGENT_CRASHED, AGENT_LEFT, AGENT_UP, OverlaySimulation } from './overlay-simulation.ts'
import { SeededRandom } from './seeded-random.ts'
import { SimAgents } from './sim-agents.ts'

function config (overrides: Partial<OverlaySimulationConfig> = {}): OverlaySimulationConfig {
  return {
    seed: 'unit',
    agents: 60,
    cycles: 10,
    cyclon: SMALL_CLUSTER_CYCLON_CONFIG,
    topology: 'random',
    joinCycles: 3,
    seedContacts: 0,
    spareIntroducer: true,
    network: { latency: { kind: 'uniform', minMs: 5, maxMs: 50 }, lossProbability: 0, partitions: [] },
    actions: [],
    metrics: { ...DEFAULT_METRICS_CONFIG, pathSources: 10 },
    ...overrides
  }
}

describe('OverlaySimulation', () => {
  it('ticks every agent once per cycle and keeps caches full from random caches (seed unit)', () => {
    const sim = new OverlaySimulation(config())
    while (sim.cycle < 10) {
      sim.runCycle()
      // One live wakeup per agent, plus superseded ones not yet due and messages in flight.
      assert.ok(sim.pendingEvents <= 2 * 60, `pending ${sim.pendingEvents}`)
    }
    const result = sim.result()
    assert.equal(result.cycles.length, 10)
    assert.equal(result.cyclon.shufflesStarted, 60 * 10)
    assert.equal(result.cyclon.shufflesTimedOut, 0)
    for (const m of result.cycles) {
      assert.equal(m.cachesShortOfFull, 0)
      assert.equal(m.liveAgents, 60)
      assert.equal(m.deadLinks, 0)
    }
    // A tick, a timeout check and two messages per agent per cycle: wakeups do not pile up.
    assert.ok(result.events <= 4 * 60 * 10 + 60, `events ${result.events}`)
    assert.equal(result.network.delivered, result.network.sent)
  })

  it('gives the same result for the same seed and another for another seed (seed unit)', () => {
    const faults = config({
      topology: 'join',
      seedContacts: 2,
      network: { latency: { kind: 'lognormal', medianMs: 40, sigma: 0.6 }, lossProbability: 0.02, partitions: [{ fromCycle: 4, toCycle: 6, groups: 3 }] },
      actions: [{ kind: 'crash', atCycle: 5, fraction: 0.3 }, { kind: 'leave', atCycle: 6, fraction: 0.1 }, { kind: 'restart', atCycle: 8 }],
      cycles: 12
    })
    const a = JSON.stringify(new OverlaySimulation(faults).run())
    const b = JSON.stringify(new OverlaySimulation(faults).run())
    const c = JSON.stringify(new OverlaySimulation({ ...faults, seed: 'other' }).run())
    assert.equal(a, b)
    assert.notEqual(a, c)
  })

  it('keeps a crashed agent silent: it receives nothing and starts no shuffle (seed unit)', () => {
    const sim = new OverlaySimulation(config({ actions: [{ kind: 'crash', atCycle: 3, fraction: 0.5 }] }))
    for (let k = 0; k < 3; k++) sim.runCycle()
    const crashed = Array.from({ length: 60 }, (_, i) => i).filter(i => sim.stateOf(i) === AGENT_CRASHED)
    assert.equal(crashed.length, 30)
    assert.ok(!crashed.includes(0), 'the introducer is spared')
    const before = crashed.map(i => JSON.stringify(sim.node(i)?.stats))
    for (let k = 0; k < 4; k++) sim.runCycle()
    assert.deepEqual(crashed.map(i => JSON.stringify(sim.node(i)?.stats)), before)
    const result = sim.result()
    assert.ok(result.network.toDownAgent > 0)
    assert.equal(result.cycles.at(-1)?.liveAgents, 30)
  })

  it('brings a restarted agent back with an empty cache that then joins again (seed unit)', () => {
    const sim = new OverlaySimulation(config({ actions: [{ kind: 'crash', atCycle: 2, fraction: 0.2 }, { kind: 'restart', atCycle: 4 }] }))
    for (let k = 0; k < 3; k++) sim.runCycle()
    const crashed = Array.from({ length: 60 }, (_, i) => i).filter(i => sim.stateOf(i) === AGENT_CRASHED)
    const oldNodes = crashed.map(i => sim.node(i))
    assert.equal(crashed.length, 12)
    sim.runCycle()
    for (const [k, i] of crashed.entries()) {
      const node = sim.node(i)
      assert.notEqual(node, oldNodes[k], 'a new incarnation')
      assert.equal(sim.stateOf(i), AGENT_UP)
      assert.ok((node?.stats.joinRequestsSent ?? 0) >= 1)
      assert.equal(node?.stats.shufflesStarted, 0, 'it starts afresh')
    }
    for (let k = 0; k < 15; k++) sim.runCycle()
    const last = sim.result().cycles.at(-1)
    assert.equal(last?.liveAgents, 60)
    assert.equal(last?.emptyCaches, 0)
    assert.equal(last?.largestComponentFraction, 1)
  })

  it('lets departing agents tell their neighbours (seed unit)', () => {
    const sim = new OverlaySimulation(config({ actions: [{ kind: 'leave', atCycle: 2, fraction: 0.25 }], cycles: 40 }))
    const result = sim.run()
    const left = Array.from({ length: 60 }, (_, i) => i).filter(i => sim.stateOf(i) === AGENT_LEFT)
    assert.equal(left.length, 15)
    let leavesReceived = 0
    for (let i = 0; i < 60; i++) if (sim.stateOf(i) === AGENT_UP) leavesReceived += sim.node(i)?.stats.leavesReceived ?? 0
    assert.ok(leavesReceived > 0)
    assert.equal(result.cycles.at(-1)?.deadLinks, 0)
  })

  it('cuts the traffic between the groups of a partition while it lasts (seed unit)', () => {
    const result = new OverlaySimulation(config({ network: { latency: { kind: 'fixed', ms: 20 }, lossProbability: 0, partitions: [{ fromCycle: 2, toCycle: 4, groups: 2 }] } })).run()
    assert.ok(result.network.partitioned > 0)
    assert.equal(result.cycles.at(-1)?.largestComponentFraction, 1)
  })

  it('grows an overlay from the introducer alone with the join protocol (seed unit)', () => {
    const result = new OverlaySimulation(config({ topology: 'join', cycles: 30 })).run()
    assert.ok(result.cyclon.joinRequestsSent >= 59)
    const last = result.cycles.at(-1)
    assert.equal(last?.liveAgents, 60)
    assert.equal(last?.agentsWithoutInLinks, 0)
    assert.equal(last?.cachesShortOfFull, 0)
  })

  it('counts about as many bytes as the messages take in JSON, within the envelope', () => {
    const agents = new SimAgents(30, 0, new SeededRandom('bytes'), false)
    const d = agents.descriptors
    const messages: CyclonMessage[] = [
      { kind: 'ShuffleRequest', shuffleId: 12, entries: [d[0]!, d[1]!, d[2]!, d[3]!] },
      { kind: 'ShuffleReply', shuffleId: 12, entries: [d[4]!, d[5]!] },
      { kind: 'JoinWalk', newcomer: d[6]!, ttl: 3 },
      { kind: 'Leave', id: d[7]!.id }
    ]
    for (const message of messages) {
      const json = JSON.stringify(message).length
      const counted = cyclonMessageWireBytes(message)
      assert.ok(counted >= json && counted <= json + ENVELOPE_WIRE_BYTES, `${message.kind}: counted ${counted}, JSON ${json}`)
    }
  })
})
