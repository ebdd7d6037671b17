/**
 * FootprintNode: own writes and rumours, push-pull anti-entropy with cut deltas, restarts; then
 * 64 nodes on a simulated network (fixed random views): one change reaches everyone within a few
 * periods, with 10 % loss too, and a restarted node catches up.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerAddress } from '../../core/ports.ts'
import { DEFAULT_FOOTPRINT_CLUSTER, FootprintCluster } from '../../sim/footprint-cluster.ts'
import { SeededRandom } from '../../sim/seeded-random.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { agentId } from '../cyclon/peer-descriptor.ts'
import type { FootprintConfig } from './footprint-config.ts'
import { DEFAULT_FOOTPRINT_CONFIG } from './footprint-config.ts'
import { FootprintNode } from './footprint-node.ts'
import type { FootprintChange } from './footprint-node.ts'
import { Footprint } from './footprint.ts'
import type { FootprintSnapshot } from './footprint.ts'
import type { FootprintMessage } from './messages.ts'

interface Sent {
  readonly to: string
  readonly message: FootprintMessage
}

const peers: PeerAddress[] = ['b', 'c', 'd', 'e', 'f'].map(n => ({ id: `agent-${n}`, address: `http://${n}:4000` }))
const A = { id: 'agent-a', address: 'http://a:4000' }

function makeNode (self: PeerAddress, options: { config?: Partial<FootprintConfig>, snapshot?: FootprintSnapshot, view?: PeerAddress[], clock?: VirtualClock } = {}) {
  const sent: Sent[] = []
  const changes: FootprintChange[] = []
  const clock = options.clock ?? new VirtualClock()
  const node = new FootprintNode(
    { id: agentId(self.id), address: self.address },
    {
      clock,
      random: new SeededRandom(self.id),
      transport: { send: (to, message) => sent.push({ to: to.id, message }) },
      view: () => options.view ?? peers,
      persisted: change => changes.push(change)
    },
    { ...DEFAULT_FOOTPRINT_CONFIG, ...options.config },
    options.snapshot
  )
  return { node, sent, changes, clock }
}

/** Delivers everything sent, between the given nodes, until nothing is left; returns the count. */
function deliverAll (nodes: Map<string, { node: FootprintNode, sent: Sent[], self: PeerAddress }>): number {
  let delivered = 0
  for (let moved = true; moved;) {
    moved = false
    for (const { sent, self } of nodes.values()) {
      for (const { to, message } of sent.splice(0)) {
        const target = nodes.get(to)
        if (target === undefined) continue
        target.node.onMessage(self, message)
        delivered++
        moved = true
      }
    }
  }
  return delivered
}

describe('FootprintNode', () => {
  it('writes its own entries once, persists them and pushes them to `fanout` peers', () => {
    const { node, sent, changes } = makeNode(A)
    node.add('p1')
    node.add('p1')
    assert.equal(node.stats.writes, 1)
    assert.equal(sent.length, 3)
    assert.equal(new Set(sent.map(s => s.to)).size, 3)
    const push = sent[0]?.message
    assert.equal(push?.kind, 'FootprintPush')
    assert.equal(push.hopsLeft, DEFAULT_FOOTPRINT_CONFIG.maxHops)
    assert.equal(push.previousVersion + 1, push.entry.version)
    assert.deepEqual(node.agentsOf('p1'), [{ id: 'agent-a', address: 'http://a:4000' }])
    assert.equal(changes.length, 1)
    assert.deepEqual(changes[0]?.watermarks, [{ agentId: 'agent-a', version: push.entry.version }])
    node.withdraw('p1')
    node.withdraw('p1')
    node.withdraw('never-held')
    assert.equal(node.stats.writes, 2)
    assert.deepEqual(node.agentsOf('p1'), [])
    assert.equal(node.holds('p1'), false)
  })

  it('passes a new rumour on with one hop less, never back to its sender, and stops at one it knew', () => {
    const writer = makeNode(A)
    writer.node.add('p1')
    const push = writer.sent[0]?.message as Extract<FootprintMessage, { kind: 'FootprintPush' }>
    const b = makeNode(peers[0] as PeerAddress, { view: [A, ...peers.slice(1)] })
    b.node.onMessage(A, push)
    assert.deepEqual(b.node.agentsOf('p1').map(x => x.id), ['agent-a'])
    assert.equal(b.sent.length, 3)
    assert.ok(b.sent.every(s => s.to !== 'agent-a' && s.message.kind === 'FootprintPush' && s.message.hopsLeft === push.hopsLeft - 1))
    b.node.onMessage(peers[1] as PeerAddress, push)
    assert.equal(b.sent.length, 3, 'a rumour it knew goes no further')
    b.node.onMessage(A, { ...push, hopsLeft: 0, entry: { ...push.entry, projectId: 'p2' } })
    assert.equal(b.sent.length, 3, 'no hops left')
    assert.equal(b.node.stats.pushesNew, 2)
  })

  it('reconciles two replicas with digests and deltas, cut into bounded messages, over several exchanges', () => {
    const config = { maxEntriesPerMessage: 8, maxDeltaMessagesPerDigest: 2, maxWritersPerDigest: 2, fanout: 0 }
    const clock = new VirtualClock()
    const a = makeNode(A, { config, view: [peers[0] as PeerAddress], clock })
    const b = makeNode(peers[0] as PeerAddress, { config, view: [A], clock })
    for (let i = 0; i < 50; i++) a.node.add(`pa-${String(i).padStart(2, '0')}`)
    for (let i = 0; i < 5; i++) b.node.add(`pb-${i}`)
    for (let i = 0; i < 20; i += 2) a.node.withdraw(`pa-${String(i).padStart(2, '0')}`)
    // Entries a third writer wrote, known to a only.
    for (let v = 1; v <= 7; v++) a.node.onMessage(peers[2] as PeerAddress, { kind: 'FootprintPush', hopsLeft: 0, previousVersion: v - 1, entry: { projectId: `pc-${v}`, agentId: agentId('agent-d'), address: 'http://d:4000', present: true, version: v } })
    const nodes = new Map([[A.id, { ...a, self: A }], [peers[0]?.id as string, { ...b, self: peers[0] as PeerAddress }]])
    let exchanges = 0
    while (JSON.stringify(a.node.snapshot()) !== JSON.stringify(b.node.snapshot())) {
      assert.ok(exchanges < 20, 'converges')
      clock.advanceBy(DEFAULT_FOOTPRINT_CONFIG.antiEntropyPeriodMs)
      a.node.onTick()
      for (const s of a.sent) {
        if (s.message.kind === 'FootprintDelta') assert.ok(s.message.entries.length + s.message.claims.length <= 8)
        if (s.message.kind === 'FootprintDigest') assert.ok(s.message.watermarks.length <= 2)
      }
      deliverAll(nodes)
      exchanges++
    }
    assert.ok(exchanges > 1, `needed ${exchanges} exchanges: the deltas were cut`)
    assert.ok(a.node.stats.deltasTruncated + b.node.stats.deltasTruncated > 0)
    assert.equal(b.node.projectsOf(agentId('agent-a')).length, 40)
    assert.equal(a.node.projectsOf(agentId('agent-b')).length, 5)
    // The watermarks match too: the next exchange sends no delta.
    const before = a.node.stats.deltasSent + b.node.stats.deltasSent
    clock.advanceBy(DEFAULT_FOOTPRINT_CONFIG.antiEntropyPeriodMs)
    a.node.onTick()
    deliverAll(nodes)
    assert.equal(a.node.stats.deltasSent + b.node.stats.deltasSent, before)
  })

  it('a lost delta message never makes a later one claim what was not received', () => {
    const config = { maxEntriesPerMessage: 4, maxDeltaMessagesPerDigest: 8, fanout: 0 }
    const a = makeNode(A, { config })
    const b = makeNode(peers[0] as PeerAddress, { config })
    for (let i = 0; i < 12; i++) a.node.add(`p${i}`)
    a.node.onMessage(peers[0] as PeerAddress, { kind: 'FootprintDigest', fromId: '', toId: null, watermarks: [], wantsReply: false })
    const sent = a.sent.filter(s => s.message.kind === 'FootprintDelta').map(s => s.message)
    assert.ok(sent.length >= 3)
    // The first is lost; the rest arrive.
    for (const m of sent.slice(1)) b.node.onMessage(A, m)
    assert.equal(b.node.snapshot().watermarks.find(w => w.agentId === 'agent-a'), undefined)
    b.node.onMessage(A, sent[0] as FootprintMessage)
    assert.ok((b.node.snapshot().watermarks.find(w => w.agentId === 'agent-a')?.version ?? 0) > 0)
  })

  it('resumes from its snapshot: the counter goes on, a new address is spread', () => {
    const first = makeNode(A)
    first.node.add('p1')
    first.node.add('p2')
    const saved = new Footprint()
    for (const c of first.changes) {
      for (const e of c.entries) saved.apply(e)
      for (const w of c.watermarks) saved.raiseWatermark(w.agentId, w.version)
    }
    const version = first.node.entry('p2', agentId(A.id))?.version ?? 0
    const moved = makeNode({ id: A.id, address: 'http://a-new:4000' }, { snapshot: saved.snapshot() })
    assert.deepEqual(moved.node.agentsOf('p1'), [{ id: 'agent-a', address: 'http://a-new:4000' }])
    assert.ok((moved.node.entry('p1', agentId(A.id))?.version ?? 0) > version)
    moved.node.add('p3')
    assert.equal(moved.node.entry('p3', agentId(A.id))?.version, version + 3)
  })

  it('a node that lost its state counts from the wall clock, and adopts a newer own entry it hears of', () => {
    const clock = new VirtualClock()
    const { node } = makeNode(A, { clock })
    node.add('p1')
    assert.equal(node.entry('p1', agentId(A.id))?.version, clock.wallClockMs() + 1)
    const newer = clock.wallClockMs() + 10
    node.onMessage(peers[0] as PeerAddress, { kind: 'FootprintPush', hopsLeft: 1, previousVersion: newer - 1, entry: { projectId: 'p9', agentId: agentId(A.id), address: A.address, present: true, version: newer } })
    assert.equal(node.stats.ownEntriesAdopted, 1)
    node.add('p2')
    assert.equal(node.entry('p2', agentId(A.id))?.version, newer + 1)
  })

  it('ignores malformed messages and refuses new keys beyond maxEntries', () => {
    const { node } = makeNode(A, { config: { maxEntries: 2 } })
    node.onMessage(peers[0] as PeerAddress, { kind: 'FootprintPush', hopsLeft: -1, previousVersion: 0, entry: null } as unknown as FootprintMessage)
    node.onMessage(peers[0] as PeerAddress, { kind: 'Nonsense' } as unknown as FootprintMessage)
    assert.equal(node.stats.malformed, 2)
    const entries = [1, 2, 3].map(v => ({ projectId: `p${v}`, agentId: agentId('agent-b'), address: 'http://b:4000', present: true, version: v }))
    node.onMessage(peers[0] as PeerAddress, { kind: 'FootprintDelta', entries, claims: [{ agentId: agentId('agent-b'), since: 0, version: 3 }] })
    assert.equal(node.size, 2)
    assert.equal(node.stats.entriesRefused, 1)
    assert.equal(node.snapshot().watermarks.find(w => w.agentId === 'agent-b'), undefined, 'incomplete: no claim')
  })
})

describe('FootprintNode × 64 on a simulated network', () => {
  const period = DEFAULT_FOOTPRINT_CONFIG.antiEntropyPeriodMs

  it('one add reaches all 64 within 3 anti-entropy periods', () => {
    for (const seed of ['s1', 's2', 's3']) {
      const cluster = new FootprintCluster({ ...DEFAULT_FOOTPRINT_CLUSTER, agents: 64, seed })
      cluster.runUntil(2 * period)
      ;(cluster.nodes[7] as FootprintNode).add('project-x')
      const watch = cluster.watch(7, 'project-x')
      assert.ok(cluster.runUntilDone(() => watch.allKnownAtMs !== null, 100, cluster.clock.nowMs() + 3 * period), `seed ${seed}: ${watch.knownCount}/64`)
    }
  })

  it('with 10 % of messages lost, everyone still converges, through anti-entropy', () => {
    const cluster = new FootprintCluster({ ...DEFAULT_FOOTPRINT_CLUSTER, agents: 64, seed: 'lossy', lossProbability: 0.1 })
    cluster.runUntil(period)
    const watches = [3, 17, 42].map((writer, i) => {
      ;(cluster.nodes[writer] as FootprintNode).add(`project-${i}`)
      return cluster.watch(writer, `project-${i}`)
    })
    ;(cluster.nodes[3] as FootprintNode).withdraw('project-0')
    const withdrawal = cluster.watch(3, 'project-0')
    assert.ok(cluster.runUntilDone(() => [...watches, withdrawal].every(w => w.allKnownAtMs !== null), 100, cluster.clock.nowMs() + 12 * period))
    assert.ok(cluster.counters.lost > 0)
    cluster.runUntil(cluster.clock.nowMs() + 12 * period)
    const first = JSON.stringify(cluster.nodes[0]?.snapshot())
    assert.ok(cluster.nodes.every(n => JSON.stringify(n.snapshot()) === first), 'every replica is the same, watermarks too')
    assert.deepEqual(cluster.nodes[50]?.agentsOf('project-1').map(a => a.id), ['agent-00017'])
    assert.deepEqual(cluster.nodes[50]?.agentsOf('project-0'), [])
  })

  it('a node restarted from what it persisted catches up with what it missed, and keeps its own entries', () => {
    const cluster = new FootprintCluster({ ...DEFAULT_FOOTPRINT_CLUSTER, agents: 64, seed: 'restart' })
    cluster.runUntil(period)
    ;(cluster.nodes[5] as FootprintNode).add('mine')
    cluster.runUntil(cluster.clock.nowMs() + 3 * period)
    cluster.stop(5)
    for (let i = 0; i < 10; i++) (cluster.nodes[10 + i] as FootprintNode).add(`missed-${i}`)
    cluster.runUntil(cluster.clock.nowMs() + 3 * period)
    assert.equal(cluster.nodes[5]?.agentsOf('missed-0').length, 0)
    cluster.restart(5)
    const restarted = cluster.nodes[5] as FootprintNode
    assert.deepEqual(restarted.agentsOf('mine').map(a => a.id), ['agent-00005'], 'its state was reloaded')
    const caughtUp = (): boolean => Array.from({ length: 10 }, (_, i) => restarted.agentsOf(`missed-${i}`).length === 1).every(Boolean)
    assert.ok(cluster.runUntilDone(caughtUp, 100, cluster.clock.nowMs() + 6 * period))
    restarted.withdraw('mine')
    const watch = cluster.watch(5, 'mine')
    assert.ok(cluster.runUntilDone(() => watch.allKnownAtMs !== null, 100, cluster.clock.nowMs() + 3 * period))
    assert.deepEqual(cluster.nodes[60]?.agentsOf('mine'), [])
  })
})
