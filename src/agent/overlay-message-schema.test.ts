/**
 * The Cyclon message schemas. First, every message real CyclonNodes send — joins, walks,
 * shuffles, replies, leaves, over a seeded run of 12 nodes — goes through JSON and the codec
 * and comes out equal: the schemas refuse nothing the protocol makes. Then each bound: too many
 * descriptors, long or odd ids, addresses that are not http(s), too many or too long labels,
 * ages and walk lengths out of range; and a kind the codec does not know.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerAddress } from '../core/ports.ts'
import { SMALL_CLUSTER_CYCLON_CONFIG } from '../protocol/cyclon/cyclon-config.ts'
import { CyclonNode } from '../protocol/cyclon/cyclon-node.ts'
import { CYCLON_MESSAGE_KINDS } from '../protocol/cyclon/messages.ts'
import type { CyclonMessage } from '../protocol/cyclon/messages.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { AgentId } from '../protocol/cyclon/peer-descriptor.ts'
import { checkMessage } from '../runtime/peer-envelope.ts'
import { SeededRandom } from '../sim/seeded-random.ts'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { cyclonMessageCodec, OVERLAY_MESSAGE_LIMITS } from './overlay-message-schema.ts'

const config = { ...SMALL_CLUSTER_CYCLON_CONFIG, shufflePeriodMs: 1_000, replyTimeoutMs: 300, rejoinBackoffMs: 500 }
const codec = cyclonMessageCodec(config.cacheSize)

function descriptor (id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, address: `http://127.0.0.1:4000/${id}`, age: 2, metadata: { version: 1, cloudlet: 'c', region: 'r', availabilityZone: 'az', labels: { site: 'lab' }, software: 'p2pstack/0.1.0' }, ...overrides }
}

function problem (message: Record<string, unknown>): string | null {
  const result = checkMessage(codec, message as { kind: string })
  if (result.ok) return null
  return result.reason === 'malformed' ? result.problem : result.reason
}

describe('cyclonMessageCodec', () => {
  it('passes every message that CyclonNodes send, unchanged, through JSON (seed schema-1)', () => {
    const clock = new VirtualClock()
    const random = new SeededRandom('schema-1')
    const nodes = new Map<AgentId, CyclonNode>()
    const queue: Array<{ from: AgentId, to: string, message: CyclonMessage }> = []
    const kinds = new Set<string>()
    for (let i = 0; i < 12; i++) {
      const id = agentId(`agent-${i}`)
      const labels = i % 3 === 0 ? { site: `site-${i}`, rack: 'r1' } : {}
      nodes.set(id, new CyclonNode(
        { id, address: `http://127.0.0.1:${4000 + i}`, metadata: { version: 1, cloudlet: `cloudlet-${i}`, region: 'RegionOne', availabilityZone: 'nova', labels, software: 'p2pstack/0.1.0' } },
        { clock, random: random.fork(id), transport: { send: (to: PeerAddress, message: CyclonMessage) => { queue.push({ from: id, to: to.id, message }) } } },
        config
      ))
    }
    const deliver = (): void => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        const checked = checkMessage(codec, JSON.parse(JSON.stringify(m.message)) as { kind: string })
        assert.ok(checked.ok, `${m.message.kind} refused: ${checked.ok ? '' : checked.reason === 'malformed' ? checked.problem : checked.reason}`)
        assert.deepEqual(checked.message, m.message)
        kinds.add(m.message.kind)
        nodes.get(agentId(m.to))?.onMessage(m.from, checked.message)
      }
    }
    const introducer = { id: 'agent-0', address: 'http://127.0.0.1:4000' }
    for (const [id, node] of nodes) if (id !== introducer.id) { node.join([introducer]); deliver() }
    nodes.get(agentId('agent-3'))?.join([{ id: 'agent-4', address: 'http://127.0.0.1:4004' }], { seedsInCache: true })
    for (let step = 0; step < 300; step++) {
      clock.advanceBy(100)
      for (const node of nodes.values()) if (node.nextWakeupMs() <= clock.nowMs()) node.onTick()
      deliver()
    }
    nodes.get(agentId('agent-5'))?.leave()
    deliver()
    assert.deepEqual([...kinds].sort(), [...CYCLON_MESSAGE_KINDS].sort())
  })

  it('refuses more descriptors than the cache holds', () => {
    const entries = Array.from({ length: config.cacheSize + 1 }, (_, i) => descriptor(`a${i}`))
    assert.match(problem({ kind: 'ShuffleReply', shuffleId: 1, entries }) ?? '', /^message\.entries:/)
    assert.equal(problem({ kind: 'ShuffleReply', shuffleId: 1, entries: entries.slice(1) }), null)
  })

  it('refuses ids and addresses that are long, odd, or not http(s)', () => {
    for (const id of ['', 'a'.repeat(129), 'has space', '../x', 'é']) {
      assert.notEqual(problem({ kind: 'Leave', id }), null, JSON.stringify(id))
    }
    for (const address of ['sim://a', 'ftp://h/', 'http://u:p@h/', `http://h/${'x'.repeat(300)}`, 'http://h/?q=1', 'no']) {
      assert.notEqual(problem({ kind: 'JoinRequest', newcomer: descriptor('a', { address }) }), null, address)
    }
  })

  it('refuses metadata past its bounds', () => {
    const labels = Object.fromEntries(Array.from({ length: OVERLAY_MESSAGE_LIMITS.labelCount + 1 }, (_, i) => [`k${i}`, 'v']))
    const metadata = (overrides: Record<string, unknown>): Record<string, unknown> => ({ version: 1, cloudlet: 'c', region: 'r', availabilityZone: 'az', labels: {}, software: 's', ...overrides })
    for (const m of [metadata({ labels }), metadata({ labels: { ['k'.repeat(65)]: 'v' } }), metadata({ labels: { k: 'v'.repeat(257) } }), metadata({ cloudlet: 'c'.repeat(129) }), metadata({ version: -2 }), metadata({ region: 7 })]) {
      assert.notEqual(problem({ kind: 'JoinRequest', newcomer: descriptor('a', { metadata: m }) }), null, JSON.stringify(m).slice(0, 80))
    }
  })

  it('refuses ages and walk lengths out of range, and fractional numbers', () => {
    assert.notEqual(problem({ kind: 'JoinRequest', newcomer: descriptor('a', { age: -1 }) }), null)
    assert.notEqual(problem({ kind: 'JoinRequest', newcomer: descriptor('a', { age: 1.5 }) }), null)
    assert.notEqual(problem({ kind: 'JoinWalk', newcomer: descriptor('a'), ttl: OVERLAY_MESSAGE_LIMITS.maxWalkTtl + 1 }), null)
    assert.equal(problem({ kind: 'JoinWalk', newcomer: descriptor('a'), ttl: -2 }), null, 'a walk goes on below 0 when it lands on a neighbour')
    assert.notEqual(problem({ kind: 'ShuffleReply', shuffleId: -1, entries: [] }), null)
  })

  it('knows no other kinds, and names whom a message speaks for', () => {
    assert.equal(problem({ kind: 'MappingDigest' }), 'unknown-kind')
    assert.equal(problem({ kind: 'toString' }), 'unknown-kind')
    assert.equal(codec.claimedSender({ kind: 'Leave', id: agentId('x') }), 'x')
    assert.equal(codec.claimedSender({ kind: 'JoinReply', entries: [] }), null)
  })
})
