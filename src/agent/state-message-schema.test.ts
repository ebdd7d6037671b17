/**
 * The footprint message schemas. First, every message real FootprintNodes send — rumours,
 * digests (asking for a reply and answering), deltas cut into several messages with claims —
 * goes through JSON and the codec and comes out equal: the schemas refuse nothing the protocol
 * makes. Then each bound, and the agent codec telling the footprint's kinds from the others'.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerAddress } from '../core/ports.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import { DEFAULT_FOOTPRINT_CONFIG } from '../protocol/state/footprint-config.ts'
import { FootprintNode } from '../protocol/state/footprint-node.ts'
import type { FootprintMessage } from '../protocol/state/messages.ts'
import { checkMessage } from '../runtime/peer-envelope.ts'
import { SeededRandom } from '../sim/seeded-random.ts'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { agentMessageCodec, isFootprintMessage } from './peer-message-codec.ts'
import { STATE_MESSAGE_LIMITS, stateMessageCodec } from './state-message-schema.ts'

function problem (message: Record<string, unknown>): string | null {
  const result = checkMessage(stateMessageCodec, message as { kind: string })
  if (result.ok) return null
  return result.reason === 'malformed' ? result.problem : result.reason
}

const entry = { projectId: '0123456789abcdef0123456789abcdef', agentId: 'agent-1', address: 'https://a1.test:4000', present: true, version: 1_764_900_000_001 }
const push = { kind: 'FootprintPush', hopsLeft: 10, previousVersion: entry.version - 1, entry }
const digest = { kind: 'FootprintDigest', fromId: '', toId: null, watermarks: [{ agentId: 'agent-1', version: 3 }], wantsReply: true }
const delta = { kind: 'FootprintDelta', entries: [entry], claims: [{ agentId: 'agent-1', since: 0, version: entry.version }] }

describe('stateMessageCodec', () => {
  it('passes every message that FootprintNodes send, unchanged, through JSON', () => {
    const clock = new VirtualClock()
    const config = { ...DEFAULT_FOOTPRINT_CONFIG, maxEntriesPerMessage: 8, maxWritersPerDigest: 2 }
    const addresses: PeerAddress[] = [0, 1, 2, 3].map(i => ({ id: `agent-${i}`, address: `https://a${i}.test:4000` }))
    const queue: Array<{ from: PeerAddress, to: string, message: FootprintMessage }> = []
    const nodes = new Map(addresses.map(self => [self.id, new FootprintNode({ id: agentId(self.id), address: self.address }, {
      clock,
      random: new SeededRandom(self.id),
      transport: { send: (to, message) => queue.push({ from: self, to: to.id, message }) },
      view: () => addresses.filter(a => a.id !== self.id)
    }, config)]))
    const kinds = new Set<string>()
    const deliver = (): void => {
      for (let sent = queue.shift(); sent !== undefined; sent = queue.shift()) {
        const checked = checkMessage(stateMessageCodec, JSON.parse(JSON.stringify(sent.message)) as { kind: string })
        assert.ok(checked.ok, `${sent.message.kind} refused: ${checked.ok ? '' : checked.reason === 'malformed' ? checked.problem : checked.reason}`)
        assert.deepEqual(checked.message, sent.message)
        kinds.add(sent.message.kind)
        nodes.get(sent.to)?.onMessage(sent.from, checked.message)
      }
    }
    for (let i = 0; i < 20; i++) nodes.get('agent-0')?.add(`project-${i}`)
    nodes.get('agent-0')?.withdraw('project-3')
    deliver()
    for (let i = 0; i < 20; i++) nodes.get('agent-2')?.onMessage(addresses[0] as PeerAddress, { kind: 'FootprintPush', hopsLeft: 0, previousVersion: i, entry: { ...entry, agentId: agentId('agent-9'), projectId: `p-${i}`, version: i + 1 } })
    for (let round = 0; round < 5; round++) {
      clock.advanceBy(config.antiEntropyPeriodMs)
      for (const node of nodes.values()) node.onTick()
      deliver()
    }
    assert.deepEqual([...kinds].sort(), ['FootprintDelta', 'FootprintDigest', 'FootprintPush'])
  })

  it('takes the examples, and refuses what breaks a bound', () => {
    assert.equal(problem(push), null)
    assert.equal(problem(digest), null)
    assert.equal(problem({ ...digest, fromId: 'agent-1', toId: 'agent-5', wantsReply: false }), null)
    assert.equal(problem(delta), null)
    assert.notEqual(problem({ ...push, hopsLeft: STATE_MESSAGE_LIMITS.maxHops + 1 }), null)
    assert.notEqual(problem({ ...push, previousVersion: entry.version }), null)
    assert.notEqual(problem({ ...push, entry: { ...entry, version: 0 } }), null)
    assert.notEqual(problem({ ...push, entry: { ...entry, projectId: 'x'.repeat(65) } }), null)
    assert.notEqual(problem({ ...push, entry: { ...entry, projectId: 'a/b' } }), null)
    assert.notEqual(problem({ ...push, entry: { ...entry, address: 'ftp://x' } }), null)
    assert.notEqual(problem({ ...push, entry: { ...entry, agentId: '' } }), null)
    assert.notEqual(problem({ ...digest, fromId: 'not an id' }), null)
    assert.notEqual(problem({ ...digest, watermarks: Array.from({ length: STATE_MESSAGE_LIMITS.maxWatermarks + 1 }, (_, i) => ({ agentId: `a${i}`, version: 1 })) }), null)
    assert.notEqual(problem({ ...delta, claims: [{ agentId: 'agent-1', since: 5, version: 5 }] }), null)
    const half = STATE_MESSAGE_LIMITS.maxEntriesPerMessage / 2
    assert.equal(problem({ ...delta, entries: Array.from({ length: half }, () => entry), claims: Array.from({ length: half }, () => delta.claims[0]) }), null)
    assert.notEqual(problem({ ...delta, entries: Array.from({ length: half + 1 }, () => entry), claims: Array.from({ length: half }, () => delta.claims[0]) }), null)
    assert.equal(problem({ kind: 'FootprintSomethingNewer' }), 'unknown-kind')
  })

  it('a largest delta fits the peer body limit', () => {
    const big = { ...entry, projectId: 'p'.repeat(64), agentId: 'a'.repeat(128), address: `https://${'h'.repeat(200)}.test:4000`, version: Number.MAX_SAFE_INTEGER }
    const bytes = JSON.stringify({ ...delta, entries: Array.from({ length: STATE_MESSAGE_LIMITS.maxEntriesPerMessage }, () => big), claims: [] }).length
    assert.ok(bytes < 200 * 1024, `${bytes} bytes`)
  })

  it('is part of the agent codec: footprint kinds go to its schemas, the others as before', () => {
    const codec = agentMessageCodec(8)
    for (const m of [push, digest, delta]) {
      const checked = checkMessage(codec, m)
      assert.ok(checked.ok)
      assert.ok(isFootprintMessage(checked.message))
      assert.equal(codec.claimedSender(checked.message), null)
    }
    assert.ok(checkMessage(codec, { kind: 'Release', reservationId: 'r-1' } as { kind: string }).ok)
    assert.ok(checkMessage(codec, { kind: 'Leave', id: 'agent-1' } as { kind: string }).ok)
  })
})
