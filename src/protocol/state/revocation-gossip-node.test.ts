/**
 * RevocationGossipNode: a revocation spread by one node reaches all of 32 nodes by rumours alone;
 * with every rumour lost, anti-entropy alone brings it everywhere; a newcomer catches up on every
 * event; events naming nothing, dated in the future or too old are refused; old ones are pruned.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerAddress } from '../../core/ports.ts'
import { SeededRandom } from '../../sim/seeded-random.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { DEFAULT_REVOCATION_GOSSIP_CONFIG, RevocationGossipNode } from './revocation-gossip-node.ts'
import type { RevocationMessage } from './revocation-messages.ts'
import type { RevocationEventRecord } from './revocations.ts'

const NOW = Date.UTC(2026, 11, 5, 12)

interface Member {
  readonly self: PeerAddress
  readonly node: RevocationGossipNode
  readonly outbox: Array<{ to: string, message: RevocationMessage }>
  readonly learned: RevocationEventRecord[]
}

/** n nodes, each with a fixed random view of `viewSize` others, on one virtual clock. */
function cluster (n: number, viewSize: number, seed = 'revocations') {
  const clock = new VirtualClock(NOW)
  const random = new SeededRandom(seed)
  const addresses: PeerAddress[] = Array.from({ length: n }, (_, i) => ({ id: `agent-${i}`, address: `http://agent-${i}:4000` }))
  const members = new Map<string, Member>()
  for (const self of addresses) {
    const others = addresses.filter(a => a.id !== self.id)
    const view: PeerAddress[] = []
    while (view.length < viewSize) {
      const pick = others.splice(random.int(others.length), 1)[0]
      if (pick !== undefined) view.push(pick)
    }
    const outbox: Member['outbox'] = []
    const learned: RevocationEventRecord[] = []
    const node = new RevocationGossipNode(self.id, {
      clock,
      random: random.fork(self.id),
      transport: { send: (to, message) => outbox.push({ to: to.id, message }) },
      view: () => view,
      learned: e => learned.push(e)
    })
    members.set(self.id, { self, node, outbox, learned })
  }
  /** Delivers what was sent, dropping a message when `lose` says so, until nothing is left. */
  const deliver = (lose: (message: RevocationMessage) => boolean = () => false): void => {
    for (let moved = true; moved;) {
      moved = false
      for (const m of members.values()) {
        for (const { to, message } of m.outbox.splice(0)) {
          moved = true
          if (lose(message)) continue
          members.get(to)?.node.onMessage(m.self, message)
        }
      }
    }
  }
  const tickAll = (): void => {
    clock.advanceBy(DEFAULT_REVOCATION_GOSSIP_CONFIG.antiEntropyPeriodMs)
    for (const m of members.values()) m.node.onTick()
  }
  return { clock, members, deliver, tickAll }
}

const revoked: RevocationEventRecord = { auditId: 'audit-1', issuedBeforeMs: NOW - 1000 }

describe('RevocationGossipNode', () => {
  it('spreads a revocation to all of 32 agents by rumours alone', () => {
    const c = cluster(32, 8)
    const first = c.members.get('agent-0') as Member
    first.node.spread([revoked, revoked])
    assert.equal(first.node.stats.spread, 1)
    c.deliver()
    for (const m of c.members.values()) assert.ok(m.node.has(revoked), `${m.self.id} has not heard`)
    for (const m of c.members.values()) if (m !== first) assert.deepEqual(m.learned, [revoked])
    assert.deepEqual(first.learned, [], 'what it spread itself is not handed back')
  })

  it('gets it everywhere by anti-entropy when every rumour is lost', () => {
    const c = cluster(32, 8)
    const first = c.members.get('agent-0') as Member
    first.node.spread([revoked, { userId: 'u-9', issuedBeforeMs: NOW - 5 }])
    c.deliver(message => message.kind === 'RevocationPush' && message.hopsLeft > 0)
    let periods = 0
    while ([...c.members.values()].some(m => !m.node.has(revoked)) && periods < 40) {
      c.tickAll()
      c.deliver(message => message.kind === 'RevocationPush' && message.hopsLeft > 0)
      periods++
    }
    for (const m of c.members.values()) assert.equal(m.node.size, 2, `${m.self.id} holds ${m.node.size}`)
    assert.ok(periods <= 12, `took ${periods} periods`)
    const digests = new Set([...c.members.values()].map(m => JSON.stringify(m.node.digest())))
    assert.equal(digests.size, 1, 'every replica has the same digest')
  })

  it('stays quiet when the sets agree', () => {
    const c = cluster(4, 3)
    ;(c.members.get('agent-0') as Member).node.spread([revoked])
    c.deliver()
    c.tickAll()
    c.deliver()
    for (const m of c.members.values()) {
      assert.equal(m.node.stats.digestsDiffering, 0)
    }
  })

  it('refuses events that name nothing, lie in the future or are too old, and prunes old ones', () => {
    const c = cluster(2, 1)
    const a = c.members.get('agent-0') as Member
    const b = c.members.get('agent-1') as Member
    b.node.onMessage(a.self, {
      kind: 'RevocationPush',
      hopsLeft: 3,
      events: [
        { issuedBeforeMs: NOW },
        { userId: 'u', issuedBeforeMs: NOW + 3600_000 },
        { userId: 'u', issuedBeforeMs: NOW - 2 * 24 * 3600_000 },
        { userId: 42, issuedBeforeMs: NOW } as unknown as RevocationEventRecord,
        { projectId: 'p', issuedBeforeMs: NOW - 24 * 3600_000 + 60_000 }
      ]
    })
    assert.equal(b.node.size, 1)
    assert.equal(b.node.stats.eventsRefused, 3)
    assert.equal(b.node.stats.malformed, 1)
    c.clock.advanceBy(120_000)
    b.node.onTick()
    assert.equal(b.node.size, 0, 'pruned once it can match no valid token')
    b.node.onMessage(a.self, { kind: 'RevocationDigest', count: -1, checksum: [0, 0], wantsReply: true })
    b.node.onMessage(a.self, { kind: 'Nonsense' } as unknown as RevocationMessage)
    assert.equal(b.node.stats.malformed, 3)
  })

  it('brings a newcomer every event it missed', () => {
    const c = cluster(8, 4)
    const events = Array.from({ length: 600 }, (_, i) => ({ auditId: `a-${i}`, issuedBeforeMs: NOW - i }))
    ;(c.members.get('agent-0') as Member).node.spread(events)
    c.deliver()
    const clock = c.clock
    const newcomer = new RevocationGossipNode('agent-new', {
      clock,
      random: new SeededRandom('new'),
      transport: { send: (to, message) => c.members.get(to.id)?.node.onMessage({ id: 'agent-new', address: 'http://new:4000' }, message) },
      view: () => [{ id: 'agent-3', address: 'http://agent-3:4000' }],
      learned: () => {}
    })
    // The member answers into its outbox; deliver those to the newcomer by hand.
    newcomer.onTick()
    const member = c.members.get('agent-3') as Member
    for (const { message } of member.outbox.splice(0)) newcomer.onMessage(member.self, message)
    assert.equal(newcomer.size, 600)
    assert.equal(newcomer.stats.eventsLearned, 600)
  })
})
