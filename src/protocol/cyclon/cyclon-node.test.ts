/**
 * CyclonNode, a few nodes at a time in a synchronous harness (test/fixtures/cyclon-harness.ts):
 * the shuffle's steps as the paper gives them, merging, timeouts, joining through an
 * introducer, rejoining, leaving, and the invariants under a long seeded run with failures;
 * and the data layout: a node with a table of its own (rebuilt as it grows) does exactly what
 * one with a shared table does, and only the latter tags what it sends.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CyclonHarness } from '../../../test/fixtures/cyclon-harness.ts'
import type { CyclonConfig } from './cyclon-config.ts'
import { LARGE_CLUSTER_CYCLON_CONFIG, SMALL_CLUSTER_CYCLON_CONFIG, cyclonConfigProblems } from './cyclon-config.ts'
import { CyclonNode } from './cyclon-node.ts'
import type { CyclonNodeOptions } from './cyclon-node.ts'
import type { CyclonMessage, ShuffleReply, ShuffleRequest } from './messages.ts'
import { agentId } from './peer-descriptor.ts'
import type { PeerDescriptor } from './peer-descriptor.ts'
import { NO_PEER, PeerTable } from './peer-table.ts'
import { SeededRandom } from '../../sim/seeded-random.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'

const config: CyclonConfig = { ...SMALL_CLUSTER_CYCLON_CONFIG, shufflePeriodMs: 1000, replyTimeoutMs: 300, rejoinBackoffMs: 500 }

/** n nodes, all joined through node 0, run for `cycles` cycles. */
function network (n: number, cycles: number, cfg = config, seed = 'net'): CyclonHarness {
  const h = new CyclonHarness(cfg, seed)
  for (let i = 0; i < n; i++) h.add(`a${i}`)
  const introducer = h.node('a0')
  for (let i = 1; i < n; i++) {
    h.node(`a${i}`).join([{ id: introducer.id, address: introducer.descriptor.address }])
    h.deliver()
  }
  h.run(cycles * cfg.shufflePeriodMs)
  return h
}

describe('CyclonConfig', () => {
  it('accepts the defaults and names what is wrong with a bad configuration', () => {
    assert.deepEqual(cyclonConfigProblems(SMALL_CLUSTER_CYCLON_CONFIG), [])
    assert.deepEqual(cyclonConfigProblems(LARGE_CLUSTER_CYCLON_CONFIG), [])
    assert.deepEqual(cyclonConfigProblems({ ...config, shuffleLength: 9, cacheSize: 8 }), ['shuffleLength must not exceed cacheSize'])
    assert.throws(() => new CyclonHarness({ ...config, replyTimeoutMs: 5000 }).add('x'), /replyTimeoutMs/)
  })
})

describe('CyclonNode shuffle', () => {
  it('sends the oldest neighbour ℓ entries with a fresh self-entry first, and drops that neighbour', () => {
    const h = network(12, 5)
    const node = h.node('a3')
    const before = node.view()
    const oldest = Math.max(...before.map(e => e.age)) + 1
    h.sent.length = 0
    h.clock.advanceBy(node.nextWakeupMs() - h.clock.nowMs())
    node.onTick()
    h.deliver()
    const sent = h.sent.find(s => s.from === node.id && s.message.kind === 'ShuffleRequest')
    assert.ok(sent !== undefined)
    const message = sent.message as ShuffleRequest
    assert.equal(message.entries.length, config.shuffleLength)
    assert.deepEqual(message.entries[0], { ...node.descriptor, age: 0 })
    assert.equal(message.entries[0]?.id, node.id)
    const target = before.find(e => e.id === sent.to)
    assert.ok(target !== undefined)
    assert.equal(target.age + 1, oldest, 'the shuffle goes to (one of) the oldest')
    for (const e of message.entries.slice(1)) assert.ok(before.some(b => b.id === e.id), 'the others come from the cache')
  })

  it('answers with ℓ of its own entries, never the sender, and keeps what it received', () => {
    const h = network(12, 5)
    h.sent.length = 0
    h.run(config.shufflePeriodMs)
    const pairs = h.sent.filter(s => s.message.kind === 'ShuffleReply')
    assert.ok(pairs.length > 0)
    for (const reply of pairs) {
      const message = reply.message as ShuffleReply
      assert.ok(message.entries.length <= config.shuffleLength)
      assert.ok(message.entries.every(e => e.id !== reply.to), 'a reply never holds the requester')
    }
  })

  it('fills every cache, never holds itself or a duplicate, and balances in-degrees at c', () => {
    const h = network(40, 30)
    for (const [id, node] of h.nodes) {
      const ids = node.neighbourIds()
      assert.equal(ids.length, config.cacheSize, `${id} has a full cache`)
      assert.equal(new Set(ids).size, ids.length, `${id} has no duplicate`)
      assert.ok(!ids.includes(id), `${id} does not hold itself`)
    }
    const degrees = [...h.inDegrees().values()]
    assert.equal(degrees.reduce((a, b) => a + b, 0) / degrees.length, config.cacheSize, 'mean in-degree is c')
    assert.ok(Math.min(...degrees) > 0, 'every agent has in-links')
  })

  it('gives up a neighbour that does not answer, and ages dead agents out of every cache', () => {
    const h = network(30, 20)
    const dead = ['a5', 'a6', 'a7'].map(n => h.node(n).id)
    for (const id of dead) h.down.add(id)
    h.run(config.shufflePeriodMs * (config.cacheSize + 4))
    for (const [id, node] of h.nodes) {
      if (h.down.has(id)) continue
      assert.deepEqual(node.neighbourIds().filter(n => dead.includes(n)), [], `${id} holds no dead agent`)
    }
    assert.ok([...h.nodes.values()].some(n => n.stats.shufflesTimedOut > 0))
  })
})

describe('CyclonNode join, rejoin and leave', () => {
  it('lets a newcomer in through the introducer’s random walks, giving it entries and in-links', () => {
    const h = network(30, 20)
    const newcomer = h.add('new')
    newcomer.join([{ id: h.node('a0').id, address: 'sim://a0' }])
    h.deliver()
    assert.equal(h.inDegrees().get(newcomer.id), config.cacheSize, 'c walks land on c distinct agents, which now point at it')
    assert.ok(newcomer.cacheSize >= config.cacheSize - 2, 'the entries they give fill most of its cache (two may name the same peer)')
    h.run(config.shufflePeriodMs * 3)
    assert.equal(newcomer.cacheSize, config.cacheSize, 'shuffles fill the rest')
  })

  it('joins again through its contacts, with backoff, when its cache empties', () => {
    const h = network(20, 10)
    const node = h.node('a9')
    const joinsBefore = node.stats.joinRequestsSent
    for (const id of h.nodes.keys()) if (id !== node.id) h.down.add(id)
    const downMs = config.shufflePeriodMs * (config.cacheSize + 2)
    h.run(downMs)
    assert.equal(node.cacheSize, 0, 'with everyone gone its cache empties')
    const attempts = node.stats.joinRequestsSent - joinsBefore
    assert.ok(attempts >= 1, 'it asked its contacts again')
    assert.ok(attempts <= downMs / config.rejoinBackoffMs + 1, 'no more often than the backoff allows')
    for (const id of [...h.down]) h.down.delete(id)
    h.run(config.shufflePeriodMs * 3)
    assert.ok(node.cacheSize > 0, 'and it is back in the overlay once they are')
  })

  it('tells its neighbours when it leaves, and they forget it', () => {
    const h = network(20, 10)
    const leaving = h.node('a4')
    const neighbours = leaving.neighbourIds()
    leaving.leave()
    h.deliver()
    for (const id of neighbours) assert.ok(!h.nodes.get(id)?.neighbourIds().includes(leaving.id))
    assert.equal(leaving.cacheSize, 0)
    assert.equal(leaving.nextWakeupMs(), Number.POSITIVE_INFINITY)
  })

  it('puts seeds in the cache at once when joining through seeds', () => {
    const h = new CyclonHarness(config, 'seeds')
    const seeds = ['s1', 's2', 's3'].map(n => h.add(n))
    const node = h.add('x')
    node.join(seeds.map(s => ({ id: s.id, address: s.descriptor.address })), { seedsInCache: true })
    assert.deepEqual(node.neighbourIds().sort(), seeds.map(s => s.id).sort())
  })

  it('adopts a newer description of a peer it knows', () => {
    const h = network(10, 10)
    const peer = h.node('a2')
    peer.setMetadata({ cloudlet: 'renamed', region: 'r', availabilityZone: 'az2', labels: { country: 'se' }, software: 'test' })
    h.run(config.shufflePeriodMs * 15)
    const seen = [...h.nodes.values()].flatMap(n => n.view()).filter(e => e.id === peer.id)
    assert.ok(seen.length > 0)
    assert.ok(seen.some(e => e.metadata.cloudlet === 'renamed' && e.metadata.labels.country === 'se'))
  })
})

describe('CyclonNode invariants under a long run', () => {
  it('keeps every cache within c, free of itself and of duplicates, through losses and churn (seed "churn-1")', () => {
    const h = network(50, 5, config, 'churn-1')
    for (let round = 0; round < 20; round++) {
      const victim = `a${1 + (round * 7) % 49}`
      h.down.add(h.node(victim).id)
      h.run(config.shufflePeriodMs * 2)
      h.down.delete(h.node(victim).id)
      h.node(victim).join([{ id: h.node('a0').id, address: 'sim://a0' }])
      for (const [id, node] of h.nodes) {
        const ids = node.neighbourIds()
        assert.ok(ids.length <= config.cacheSize)
        assert.ok(!ids.includes(id))
        assert.equal(new Set(ids).size, ids.length)
      }
    }
  })
})

describe('CyclonNode data layout', () => {
  it('behaves the same with a table of its own, rebuilt as it hears of ever more peers, as with a shared table (seed layout-1)', () => {
    const clock = new VirtualClock()
    const layoutConfig: CyclonConfig = { ...config, cacheSize: 8, shuffleLength: 4 }
    const self = { id: agentId('x'), address: 'sim://x', metadata: { version: 1, cloudlet: 'x', region: 'r', availabilityZone: 'az', labels: {}, software: 'test' } }
    const sent: CyclonMessage[][] = [[], []]
    const make = (i: number, options: CyclonNodeOptions): CyclonNode => new CyclonNode(self, { clock, random: new SeededRandom('layout-1'), transport: { send: (_to, message) => { sent[i]?.push(message) } } }, layoutConfig, options)
    const own = make(0, {})
    const shared = make(1, { peers: new PeerTable() })
    const peer = (n: number, age = 0): PeerDescriptor => ({ id: agentId(`p${n}`), address: `sim://p${n}`, age, metadata: { version: 1, cloudlet: `c${n}`, region: 'r', availabilityZone: 'az', labels: {}, software: 'test' } })
    const both = (act: (node: CyclonNode) => void): void => {
      act(own)
      act(shared)
      assert.equal(JSON.stringify(sent[0]), JSON.stringify(sent[1]), 'the same messages')
      assert.deepEqual(own.view(), shared.view())
      assert.deepEqual(own.pendingPeers(), shared.pendingPeers())
    }
    both(n => n.seed(Array.from({ length: 8 }, (_, k) => peer(k, k))))
    let fresh = 100
    for (let round = 0; round < 200; round++) {
      clock.advanceBy(own.nextWakeupMs() - clock.nowMs())
      both(n => n.onTick())
      const request = sent[0]?.at(-1)
      assert.ok(request?.kind === 'ShuffleRequest')
      // Someone else's shuffle reaches it first, with peers it has never heard of.
      const sender = peer(fresh++)
      const incoming: CyclonMessage = { kind: 'ShuffleRequest', shuffleId: round, entries: [sender, peer(fresh++, 1), peer(fresh++, 2)] }
      both(n => n.onMessage(sender.id, incoming))
      // Then the answer to its own, from Q, with more new peers and one it may know.
      const reply: CyclonMessage = { kind: 'ShuffleReply', shuffleId: request.shuffleId, entries: [peer(fresh++), peer(fresh++, 3), peer(fresh++, 1), peer(round % 8, 0)] }
      both(n => n.onMessage(agentId('q'), reply))
      const ids = own.neighbourIds()
      assert.equal(new Set(ids).size, ids.length)
      assert.ok(ids.length <= layoutConfig.cacheSize && !ids.includes(self.id))
    }
    assert.ok(fresh - 100 > 3 * (256 + 4 * layoutConfig.cacheSize), 'enough new peers to rebuild the table several times')
    assert.equal(own.stats.shufflesCompleted, 200)
  })

  it('sends plain descriptors with a table of its own, and tags them with a shared one (invisible to JSON)', () => {
    const clock = new VirtualClock()
    const table = new PeerTable()
    const messages: CyclonMessage[] = []
    const self = { id: agentId('y'), address: 'sim://y', metadata: { version: 1, cloudlet: 'y', region: 'r', availabilityZone: 'az', labels: {}, software: 'test' } }
    const plain = new CyclonNode(self, { clock, random: new SeededRandom('t'), transport: { send: (_to, m) => { messages.push(m) } } }, config)
    const tagged = new CyclonNode(self, { clock, random: new SeededRandom('t'), transport: { send: (_to, m) => { messages.push(m) } } }, config, { peers: table })
    assert.deepEqual(Object.getOwnPropertySymbols(plain.descriptor), [])
    assert.equal(Object.getOwnPropertySymbols(tagged.descriptor).length, 1)
    assert.equal(table.tagOf(tagged.descriptor), table.handleOf(self.id))
    assert.equal(table.tagOf({ ...tagged.descriptor, id: agentId('someone-else') }), NO_PEER, 'an altered copy is not trusted')
    assert.equal(JSON.stringify(tagged.descriptor), JSON.stringify(plain.descriptor))
  })
})
