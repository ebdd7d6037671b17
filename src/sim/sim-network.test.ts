/**
 * SimNetwork: a message becomes a delivery event after a latency drawn from the model, unless
 * it is lost or a partition separates the two agents at sending time; every message and byte
 * is counted by sender. Latency models draw within their ranges, reproducibly.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EventQueue } from './event-queue.ts'
import { latencyModelProblems, sampleLatencyMs } from './latency.ts'
import type { Partition } from './sim-network.ts'
import { SimNetwork } from './sim-network.ts'
import { SeededRandom } from './seeded-random.ts'
import { VirtualClock } from './virtual-clock.ts'

const DELIVER = 2

function network (options: { lossProbability?: number, partitions?: Partition[] } = {}) {
  const clock = new VirtualClock()
  const queue = new EventQueue<string>()
  const ids = ['a', 'b', 'c', 'd']
  const net = new SimNetwork<string>(4, {
    latency: { kind: 'uniform', minMs: 10, maxMs: 20 },
    lossProbability: options.lossProbability ?? 0,
    partitions: options.partitions ?? []
  }, { clock, random: new SeededRandom('net'), queue, deliverKind: DELIVER, indexOf: to => { const i = ids.indexOf(to.id); return i < 0 ? undefined : i }, wireBytes: m => m.length })
  return { clock, queue, net }
}

describe('SimNetwork', () => {
  it('delivers a message to its target after the drawn latency, counting bytes by sender', () => {
    const { queue, net } = network()
    net.transportFor(0).send({ id: 'c', address: 'sim://c' }, 'hello')
    assert.equal(queue.pop(), true)
    assert.equal(queue.popped.kind, DELIVER)
    assert.equal(queue.popped.target, 2)
    assert.equal(queue.popped.source, 0)
    assert.equal(queue.popped.payload, 'hello')
    assert.ok(queue.popped.atMs >= 10 && queue.popped.atMs <= 20)
    assert.equal(net.bytesSentInCycle[0], 5)
    assert.equal(net.messagesSentInCycle[0], 1)
    assert.deepEqual(net.counters, { sent: 1, lost: 0, partitioned: 0, unknownDestination: 0, toDownAgent: 0, delivered: 0, bytes: 5 })
    net.resetCycleCounters()
    assert.equal(net.bytesSentInCycle[0], 0)
  })

  it('loses about the configured fraction of messages (seed net)', () => {
    const { queue, net } = network({ lossProbability: 0.25 })
    for (let i = 0; i < 4_000; i++) net.send(0, { id: 'b', address: '' }, 'x')
    assert.equal(net.counters.lost + queue.size, 4_000)
    assert.ok(Math.abs(net.counters.lost / 4_000 - 0.25) < 0.03, `lost ${net.counters.lost}`)
  })

  it('drops messages between groups of a partition only while it lasts', () => {
    const groupOf = Int32Array.from([0, 0, 1, 1])
    const { clock, queue, net } = network({ partitions: [{ startMs: 100, endMs: 200, groupOf }] })
    net.send(0, { id: 'c', address: '' }, 'before')
    clock.advanceTo(100)
    net.send(0, { id: 'c', address: '' }, 'during')
    net.send(0, { id: 'b', address: '' }, 'same side')
    clock.advanceTo(200)
    net.send(3, { id: 'a', address: '' }, 'after')
    assert.equal(net.counters.partitioned, 1)
    assert.deepEqual([queue.pop(), queue.popped.payload, queue.pop(), queue.popped.payload, queue.pop(), queue.popped.payload], [true, 'before', true, 'same side', true, 'after'])
  })

  it('counts a message to an unknown agent and sends nothing, and sends nothing while muted', () => {
    const { queue, net } = network()
    net.send(0, { id: 'nobody', address: '' }, 'x')
    net.muted = true
    net.send(0, { id: 'b', address: '' }, 'x')
    assert.equal(net.counters.unknownDestination, 1)
    assert.equal(net.counters.sent, 1)
    assert.equal(queue.size, 0)
  })
})

describe('latency models', () => {
  it('draw within their ranges, with the lognormal median where configured (seed lat)', () => {
    const random = new SeededRandom('lat')
    assert.equal(sampleLatencyMs({ kind: 'fixed', ms: 7 }, random), 7)
    for (let i = 0; i < 1_000; i++) {
      const x = sampleLatencyMs({ kind: 'uniform', minMs: 5, maxMs: 9 }, random)
      assert.ok(x >= 5 && x < 9)
    }
    const draws = Array.from({ length: 20_001 }, () => sampleLatencyMs({ kind: 'lognormal', medianMs: 40, sigma: 0.6 }, random)).sort((a, b) => a - b)
    assert.ok(draws.every(x => x > 0))
    assert.ok(Math.abs((draws[10_000] as number) - 40) < 2, `median ${draws[10_000]}`)
  })

  it('reject impossible parameters', () => {
    assert.deepEqual(latencyModelProblems({ kind: 'uniform', minMs: 5, maxMs: 1 }), ['uniform latency needs 0 ≤ minMs ≤ maxMs'])
    assert.equal(latencyModelProblems({ kind: 'lognormal', medianMs: 0, sigma: 1 }).length, 1)
    assert.equal(latencyModelProblems({ kind: 'fixed', ms: 0 }).length, 0)
  })
})
