/**
 * The placement message schemas. First, every message real PlacementNodes send — walks
 * (filtered and not), samples, load queries and reports, reserves, grants and refusals,
 * releases — over a seeded run of 16 agents goes through JSON and the codec and comes out
 * equal: the schemas refuse nothing the protocol makes. Then each bound: hops, filters, amounts,
 * ttl, reservation ids, a sample that is not its sender, and a kind the codec does not know.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { agentName, PlacementHarness, regularViews } from '../../test/fixtures/placement-harness.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import { PLACEMENT_MESSAGE_KINDS } from '../protocol/placement/messages.ts'
import { DEFAULT_PLACEMENT_CONFIG } from '../protocol/placement/placement-config.ts'
import type { PlacementRequest } from '../protocol/placement/placement-request.ts'
import { checkMessage } from '../runtime/peer-envelope.ts'
import { PLACEMENT_MESSAGE_LIMITS, placementMessageCodec } from './placement-message-schema.ts'

const codec = placementMessageCodec

function problem (message: Record<string, unknown>): string | null {
  const result = checkMessage(codec, message as { kind: string })
  if (result.ok) return null
  return result.reason === 'malformed' ? result.problem : result.reason
}

const descriptor = { id: 'a01', address: 'http://a01.test:4000', age: 0, metadata: { version: 1, cloudlet: 'c', region: 'r', availabilityZone: 'az', labels: {}, software: 's' } }
const resources = { vcpus: 1, memoryMb: 512, diskGb: 1 }
const usage = { capacity: 10, used: 2 }
const load = { vcpus: usage, memoryMb: usage, diskGb: usage }
const walk = { kind: 'SampleWalk', walkId: 1, origin: { id: 'a00', address: 'http://a00.test:4000' }, hopsLeft: 3, extraHopsLeft: 10 }

describe('placementMessageCodec', () => {
  it('passes every message that PlacementNodes send, unchanged, through JSON (seed schema-1)', () => {
    const config = { ...DEFAULT_PLACEMENT_CONFIG, queryTimeoutMs: 200, reservationTtlMs: 5_000 }
    const h = new PlacementHarness(config, 'schema-1')
    const names = Array.from({ length: 16 }, (_, i) => agentName(i))
    names.forEach((name, i) => h.add(name, { availabilityZone: `az-${i % 2}`, labels: i % 4 === 0 ? { country: 'se', site: `s${i}` } : {} }))
    for (const [name, neighbours] of regularViews(names, 6, 'schema-1')) h.setView(name, neighbours)
    const kinds = new Set<string>()
    h.onSend = sent => {
      const checked = checkMessage(codec, JSON.parse(JSON.stringify(sent.message)) as { kind: string })
      assert.ok(checked.ok, `${sent.message.kind} refused: ${checked.ok ? '' : checked.reason === 'malformed' ? checked.problem : checked.reason}`)
      assert.deepEqual(checked.message, sent.message)
      const claimed = codec.claimedSender(checked.message)
      assert.ok(claimed === null || claimed === sent.from, `${sent.message.kind} speaks for ${claimed}, sent by ${sent.from}`)
      kinds.add(sent.message.kind)
    }
    h.run(100)
    const requests: PlacementRequest[] = [
      { resources, requirements: {} },
      { resources, requirements: { availabilityZone: 'az-1', notAgents: [agentId('a03')] } },
      { resources, requirements: { labels: { country: 'se' } } },
      { resources: { vcpus: 80, memoryMb: 0, diskGb: 0 }, requirements: {} }
    ]
    // A cloudlet that fills up between its report and the reservation refuses it.
    h.onSend = (original => sent => {
      original(sent)
      if (sent.message.kind === 'Reserve' && sent.message.resources.vcpus === 80) h.setUsed(sent.to, { vcpus: 100 })
    })(h.onSend)
    for (let i = 0; i < 24; i++) {
      const decision = h.placeAndWait(agentName(i % 16), requests[i % requests.length] as PlacementRequest)
      if (decision.outcome.kind === 'placed') h.nodes.get(decision.requester)?.complete(decision.outcome.placementId)
      h.run(20)
    }
    assert.deepEqual([...kinds].sort(), [...PLACEMENT_MESSAGE_KINDS].sort())
  })

  it('lets the default configuration\'s walks through', () => {
    assert.ok(DEFAULT_PLACEMENT_CONFIG.walkLength <= PLACEMENT_MESSAGE_LIMITS.maxWalkHops)
    assert.ok(DEFAULT_PLACEMENT_CONFIG.walkExtraHops <= PLACEMENT_MESSAGE_LIMITS.maxExtraHops)
    assert.ok(DEFAULT_PLACEMENT_CONFIG.reservationTtlMs <= PLACEMENT_MESSAGE_LIMITS.maxTtlMs)
  })

  it('refuses walks with too many hops, odd origins, or filters past their bounds', () => {
    assert.equal(problem(walk), null)
    assert.notEqual(problem({ ...walk, hopsLeft: PLACEMENT_MESSAGE_LIMITS.maxWalkHops + 1 }), null)
    assert.notEqual(problem({ ...walk, extraHopsLeft: -1 }), null)
    assert.notEqual(problem({ ...walk, hopsLeft: 1.5 }), null)
    assert.notEqual(problem({ ...walk, origin: { id: 'a00', address: 'sim://a00' } }), null)
    assert.notEqual(problem({ ...walk, origin: { id: '../x', address: 'http://h/' } }), null)
    const notAgents = Array.from({ length: PLACEMENT_MESSAGE_LIMITS.maxNotAgents + 1 }, (_, i) => `a${i}`)
    assert.notEqual(problem({ ...walk, filter: { notAgents } }), null)
    assert.equal(problem({ ...walk, filter: { notAgents: notAgents.slice(1) } }), null)
    const labels = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
    assert.notEqual(problem({ ...walk, filter: { labels } }), null)
    assert.notEqual(problem({ ...walk, filter: { availabilityZone: 'z'.repeat(129) } }), null)
    assert.notEqual(problem({ ...walk, filter: { availabilityZone: undefined } }), null, 'absent, not undefined')
  })

  it('refuses amounts that are negative, not finite or huge, and loads missing a class', () => {
    assert.equal(problem({ kind: 'LoadQuery', queryId: 1, resources }), null)
    for (const vcpus of [-1, 1e13, '1', null]) {
      assert.notEqual(problem({ kind: 'LoadQuery', queryId: 1, resources: { ...resources, vcpus } }), null, String(vcpus))
    }
    assert.equal(problem({ kind: 'LoadReport', queryId: 1, load, fits: true, utilization: 0.3 }), null)
    assert.notEqual(problem({ kind: 'LoadReport', queryId: 1, load: { vcpus: usage, memoryMb: usage }, fits: true, utilization: 0.3 }), null)
    assert.notEqual(problem({ kind: 'LoadReport', queryId: 1, load, fits: 'yes', utilization: 0.3 }), null)
    assert.notEqual(problem({ kind: 'LoadReport', queryId: 1, load, fits: true, utilization: -0.1 }), null)
  })

  it('refuses reservations past a day and reservation ids that are long or odd', () => {
    assert.equal(problem({ kind: 'Reserve', reserveId: 1, resources, ttlMs: 60_000 }), null)
    assert.notEqual(problem({ kind: 'Reserve', reserveId: 1, resources, ttlMs: PLACEMENT_MESSAGE_LIMITS.maxTtlMs + 1 }), null)
    assert.notEqual(problem({ kind: 'Reserve', reserveId: 1, resources, ttlMs: 0 }), null)
    assert.equal(problem({ kind: 'ReserveReply', reserveId: 1 }), null, 'a refusal has no reservation id')
    assert.equal(problem({ kind: 'ReserveReply', reserveId: 1, reservationId: 'k3x9-1a' }), null)
    for (const reservationId of ['', 'r'.repeat(65), 'has space', 'é']) {
      assert.notEqual(problem({ kind: 'Release', reservationId }), null, JSON.stringify(reservationId))
    }
    assert.notEqual(problem({ kind: 'ReserveReply', reserveId: -1 }), null)
  })

  it('checks a sample\'s descriptor with the overlay\'s schema, and names it as its sender', () => {
    const found = { kind: 'SampleFound', walkId: 2, candidate: descriptor }
    assert.equal(problem(found), null)
    assert.notEqual(problem({ ...found, candidate: { ...descriptor, address: 'ftp://h/' } }), null)
    assert.notEqual(problem({ ...found, candidate: { ...descriptor, metadata: { ...descriptor.metadata, version: -2 } } }), null)
    const checked = checkMessage(codec, found)
    assert.ok(checked.ok)
    assert.equal(codec.claimedSender(checked.message), 'a01')
    assert.equal(codec.claimedSender({ kind: 'Release', reservationId: 'x' }), null)
  })

  it('knows no other kinds', () => {
    assert.equal(problem({ kind: 'ShuffleRequest' }), 'unknown-kind')
    assert.equal(problem({ kind: 'hasOwnProperty' }), 'unknown-kind')
    assert.equal(codec.protocolVersion, 1)
  })
})
