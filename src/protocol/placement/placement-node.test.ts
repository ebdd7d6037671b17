/**
 * PlacementNode, a few dozen agents at a time in a synchronous harness
 * (test/fixtures/placement-harness.ts) with a fixed view graph: that random walks sample every
 * agent about equally, that the less loaded candidate wins and a reservation counts as load,
 * that refusals and silences lead to fresh attempts and at last to "no valid host", that every
 * location requirement holds, that the board policies decide on stale loads, that tables expire,
 * that what a peer sends wrong is counted and never throws, and that a seed replays a run.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Decision } from '../../../test/fixtures/placement-harness.ts'
import { agentName, PlacementHarness, regularViews } from '../../../test/fixtures/placement-harness.ts'
import { agentId } from '../cyclon/peer-descriptor.ts'
import type { AgentId } from '../cyclon/peer-descriptor.ts'
import type { PlacementMessage } from './messages.ts'
import type { PlacementConfig } from './placement-config.ts'
import { DEFAULT_PLACEMENT_CONFIG, placementConfigProblems } from './placement-config.ts'
import type { LocationRequirements, PlacementRequest, ResourceAmounts } from './placement-request.ts'

const config: PlacementConfig = { ...DEFAULT_PLACEMENT_CONFIG, queryTimeoutMs: 200, sampleMaxAgeMs: 5_000, reservationTtlMs: 10_000, loadRefreshMs: 1_000 }
const ONE_VCPU: ResourceAmounts = { vcpus: 1, memoryMb: 0, diskGb: 0 }
const SMALL: ResourceAmounts = { vcpus: 1, memoryMb: 512, diskGb: 1 }

function request (requirements: LocationRequirements = {}, resources: ResourceAmounts = SMALL): PlacementRequest {
  return { resources, requirements }
}

/** n agents a00…, each with `degree` neighbours on a regular graph; `options(i)` sets zones and labels. */
function network (n: number, cfg: PlacementConfig = config, seed = 'net', options: (i: number) => Parameters<PlacementHarness['add']>[1] = () => ({})): PlacementHarness {
  const h = new PlacementHarness(cfg, seed)
  const names = Array.from({ length: n }, (_, i) => agentName(i))
  names.forEach((name, i) => h.add(name, options(i)))
  for (const [name, neighbours] of regularViews(names, Math.min(8, n - 1), `${seed}/graph`)) h.setView(name, neighbours)
  return h
}

function placedAt (decision: Decision): AgentId {
  assert.equal(decision.outcome.kind, 'placed', decision.outcome.kind === 'no-valid-host' ? decision.outcome.reason : '')
  return (decision.outcome as { agent: { id: AgentId } }).agent.id
}

function chiSquare (counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0)
  const expected = total / counts.length
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
}

describe('PlacementConfig', () => {
  it('accepts the defaults and names what is wrong with a bad configuration', () => {
    assert.deepEqual(placementConfigProblems(DEFAULT_PLACEMENT_CONFIG), [])
    assert.deepEqual(placementConfigProblems({ ...config, policy: { kind: 'choices', d: 0 }, maxAttempts: 0 }), ['policy.d must be an integer ≥ 1', 'maxAttempts must be an integer ≥ 1'])
    assert.throws(() => new PlacementHarness({ ...config, queryTimeoutMs: 0 }).add('x'), /queryTimeoutMs/)
  })
})

describe('PlacementNode sampling', () => {
  it('ends walks on every agent about equally often, the origin included (seed "walks-1")', () => {
    // d = 1 and no pool: each placement is exactly one walk, and the agent it ends on is chosen.
    const cfg: PlacementConfig = { ...config, policy: { kind: 'random' }, samplePoolSize: 0 }
    const h = network(30, cfg, 'walks-1')
    const counts = new Map<string, number>()
    const origins = ['a00', 'a07', 'a19']
    for (let i = 0; i < 3_000; i++) {
      const decision = h.placeAndWait(origins[i % origins.length] as string, request({}, ONE_VCPU))
      const agent = placedAt(decision)
      counts.set(agent, (counts.get(agent) ?? 0) + 1)
      h.nodes.get(decision.requester)?.complete(decision.outcome.placementId)
    }
    assert.equal(counts.size, 30, 'every agent is sampled')
    // 29 degrees of freedom: 99.9 % of uniform runs stay below 58.3.
    const chi2 = chiSquare([...counts.values()])
    assert.ok(chi2 < 58.3, `chi-square ${chi2.toFixed(1)} over 30 agents`)
    for (const origin of origins) {
      const node = h.node(origin)
      assert.equal(node.stats.walksForwarded > 0, true)
    }
    const started = origins.reduce((s, o) => s + h.node(o).stats.walksStarted, 0)
    const forwarded = [...h.nodes.values()].reduce((s, n) => s + n.stats.walksForwarded, 0)
    assert.equal(forwarded, started * cfg.walkLength, 'each unfiltered walk takes exactly walkLength hops')
  })

  it('keeps a pool of samples, so an unconstrained placement starts with its candidates in hand', () => {
    const h = network(30)
    const node = h.node('a03')
    h.run(100)
    assert.equal(node.stats.walksStarted, 0, 'no pool before the first placement')
    h.land(h.placeAndWait('a03', request()), SMALL)
    h.run(100)
    assert.equal(node.poolSize, config.samplePoolSize)
    h.sent.length = 0
    const decision = h.placeAndWait('a03', request())
    placedAt(decision)
    const first = h.sent.filter(s => s.from === node.id)[0]
    assert.ok(first !== undefined && first.message.kind !== 'SampleWalk', 'the first thing it sends is a query, not a walk')
    assert.ok(node.poolSize <= config.samplePoolSize - 1, 'pool samples are used once')
    h.run(100)
    assert.equal(node.poolSize, config.samplePoolSize, 'and refilled on the next tick')
  })

  it('drops pooled samples older than sampleMaxAgeMs', () => {
    const h = network(10)
    const node = h.node('a01')
    h.land(h.placeAndWait('a01', request()), SMALL)
    h.run(50)
    assert.equal(node.poolSize, config.samplePoolSize)
    const started = node.stats.walksStarted
    h.run(config.sampleMaxAgeMs)
    assert.equal(node.stats.samplesExpired, config.samplePoolSize)
    assert.equal(node.stats.walksStarted, started, 'no refill once the agent stopped placing')
    assert.equal(node.poolSize, 0)
    assert.equal(node.nextWakeupMs(), Number.POSITIVE_INFINITY, 'an idle agent sleeps')
  })

  it('takes candidates from its own view with the view sampler, never sending a walk', () => {
    const h = network(30, { ...config, sampler: 'view' })
    const view = new Set(h.views.get(agentId('a05'))?.map(d => d.id))
    for (let i = 0; i < 40; i++) {
      const decision = h.placeAndWait('a05', request())
      assert.ok(view.has(placedAt(decision)))
      h.land(decision, SMALL)
    }
    assert.equal(h.sent.filter(s => s.message.kind === 'SampleWalk').length, 0)
  })

  it('places on itself, with no message, when it is alone', () => {
    const h = new PlacementHarness(config, 'alone')
    const node = h.add('solo')
    node.place(request())
    assert.equal(h.decisions.length, 1, 'decided synchronously')
    assert.equal(placedAt(h.decisions[0] as Decision), 'solo')
    assert.deepEqual(node.reserved(), SMALL)
    assert.equal(h.sent.length, 0)
    node.complete((h.decisions[0] as Decision).outcome.placementId)
    assert.deepEqual(node.reserved(), { vcpus: 0, memoryMb: 0, diskGb: 0 })
  })
})

describe('PlacementNode choice', () => {
  it('chooses the less loaded of two candidates', () => {
    const h = network(3, { ...config, sampler: 'view' })
    h.setView('a00', ['a01', 'a02'])
    h.setUsed('a01', { vcpus: 60 })
    h.setUsed('a02', { vcpus: 20 })
    for (let i = 0; i < 10; i++) {
      const decision = h.placeAndWait('a00', request())
      assert.equal(placedAt(decision), 'a02')
      assert.equal(decision.outcome.kind === 'placed' && decision.outcome.utilization, 21 / 100)
      h.nodes.get(decision.requester)?.complete(decision.outcome.placementId)
    }
  })

  it('chooses, among the walked candidates that answered, the lowest utilization (seed "choice-1")', () => {
    const h = network(30, config, 'choice-1')
    for (let i = 0; i < 30; i++) h.setUsed(agentName(i), { vcpus: (i * 7) % 30 })
    for (let round = 0; round < 50; round++) {
      h.sent.length = 0
      const decision = h.placeAndWait(agentName(round % 30), request({}, ONE_VCPU))
      const asked = h.sent.filter(s => s.message.kind === 'LoadQuery').map(s => s.to)
      const utilization = (id: AgentId): number => ((h.loads.get(id)?.vcpus.used ?? 0) + 1) / 100
      const chosen = placedAt(decision)
      for (const other of asked) assert.ok(utilization(chosen) <= utilization(other), `${chosen} over ${other}`)
      h.land(decision, ONE_VCPU)
    }
  })

  it('counts a reservation as load, so a concurrent placement goes elsewhere', () => {
    const h = network(3, { ...config, sampler: 'view' })
    h.setView('a00', ['a01', 'a02'])
    h.setUsed('a01', { vcpus: 10 })
    h.setUsed('a02', { vcpus: 11 })
    const five: ResourceAmounts = { vcpus: 5, memoryMb: 0, diskGb: 0 }
    const first = h.placeAndWait('a00', request({}, five))
    assert.equal(placedAt(first), 'a01')
    assert.deepEqual(h.node('a01').reserved(), five)
    const second = h.placeAndWait('a00', request({}, five))
    assert.equal(placedAt(second), 'a02', 'a01 now reports 15 + 5 used')
    h.node('a00').complete(first.outcome.placementId)
    h.deliver()
    assert.deepEqual(h.node('a01').reserved(), { vcpus: 0, memoryMb: 0, diskGb: 0 })
    // The hold a01 gave the second placement (which it lost), and the first's reservation.
    assert.equal(h.node('a01').stats.reservationsReleased, 2)
  })

  it('holds a fitting candidate\'s capacity from its load report, so simultaneous placements do not herd', () => {
    const h = network(5, { ...config, sampler: 'view' })
    h.setView('a00', ['a01', 'a02'])
    h.setView('a04', ['a01', 'a03'])
    h.setUsed('a02', { vcpus: 1 })
    h.setUsed('a03', { vcpus: 2 })
    const five: ResourceAmounts = { vcpus: 5, memoryMb: 0, diskGb: 0 }
    // Decided at the same moment, before either reserves. The first takes a01 (idle). The
    // second's query reaches a01 after the first's and sees its hold, so it takes a03 — without
    // holds both would see a01 idle and pile onto it.
    const first = h.node('a00').place(request({}, five))
    const second = h.node('a04').place(request({}, five))
    const decided = (): Decision[] => h.decisions.filter(d => (d.requester === 'a00' && d.outcome.placementId === first) || (d.requester === 'a04' && d.outcome.placementId === second))
    for (let i = 0; i < 100 && decided().length < 2; i++) h.step()
    h.deliver()
    assert.deepEqual(decided().map(d => `${d.requester}→${placedAt(d)}`).sort(), ['a00→a01', 'a04→a03'])
    // The losers' holds were given back; each winner holds one reservation.
    assert.deepEqual(h.node('a01').reserved(), five)
    assert.deepEqual(h.node('a02').reserved(), { vcpus: 0, memoryMb: 0, diskGb: 0 })
    assert.deepEqual(h.node('a03').reserved(), five)
  })

  it('retries with fresh candidates when the chosen one refuses, and places', () => {
    const h = network(4, { ...config, sampler: 'view', policy: { kind: 'choices', d: 3 } })
    h.setView('a00', ['a01', 'a02', 'a03'])
    h.setUsed('a01', { vcpus: 10 })
    h.setUsed('a02', { vcpus: 50 })
    h.setUsed('a03', { vcpus: 50 })
    // Between its report and the reservation, a01 fills up.
    h.onSend = sent => { if (sent.message.kind === 'Reserve' && sent.to === 'a01') h.setUsed('a01', { vcpus: 100 }) }
    const decision = h.placeAndWait('a00', { resources: ONE_VCPU, requirements: {} })
    assert.notEqual(placedAt(decision), 'a01')
    assert.equal(decision.outcome.attempts, 2)
    assert.equal(h.node('a00').stats.reservesRefused, 1)
    assert.equal(h.node('a01').stats.reservationsRefused, 1)
  })

  it('answers no-valid-host after maxAttempts when every candidate is silent', () => {
    const h = network(10)
    h.drop = sent => sent.message.kind === 'LoadQuery'
    // Full, so that it does not place on itself when it samples itself.
    h.setUsed('a00', { vcpus: 100 })
    h.run(100)
    const decision = h.placeAndWait('a00', request())
    assert.equal(decision.outcome.kind, 'no-valid-host')
    assert.equal(decision.outcome.attempts, config.maxAttempts)
    assert.ok(h.node('a00').stats.queriesTimedOut >= config.maxAttempts)
    assert.ok(decision.outcome.decisionMs >= config.maxAttempts * config.queryTimeoutMs)
    assert.equal(h.node('a00').pendingPlacements, 0)
  })

  it('answers no-valid-host after maxAttempts when every walk is lost', () => {
    const h = network(10)
    for (let i = 1; i < 10; i++) h.down.add(agentId(agentName(i)))
    const decision = h.placeAndWait('a00', request())
    assert.equal(decision.outcome.kind, 'no-valid-host')
    assert.equal(decision.outcome.kind === 'no-valid-host' && decision.outcome.reason, 'no candidate found')
    assert.equal(decision.outcome.attempts, config.maxAttempts)
    assert.ok(h.node('a00').stats.walksLost > 0)
  })

  it('answers no-valid-host when nothing fits, and at once beyond maxPendingPlacements', () => {
    const h = network(5)
    const huge: ResourceAmounts = { vcpus: 101, memoryMb: 0, diskGb: 0 }
    const decision = h.placeAndWait('a00', request({}, huge))
    assert.equal(decision.outcome.kind, 'no-valid-host')
    const small = new PlacementHarness({ ...config, maxPendingPlacements: 2 }, 'pending')
    const node = small.add('x')
    small.add('y')
    small.setView('x', ['y'])
    small.drop = () => true
    node.place(request())
    node.place(request())
    const third = node.place(request())
    const over = small.decisions.find(d => d.outcome.placementId === third)
    assert.equal(over?.outcome.kind, 'no-valid-host')
    assert.equal(over?.outcome.attempts, 0)
    assert.equal(node.stats.overloaded, 1)
  })
})

describe('PlacementNode location requirements', () => {
  const zoned = (i: number): { availabilityZone: string, labels: Record<string, string> } => ({ availabilityZone: `az-${i % 3}`, labels: i % 5 === 0 ? { country: 'se' } : { country: 'fi' } })

  it('places only in the requested availability zone, spread over it (seed "zone-1")', () => {
    const h = network(30, config, 'zone-1', zoned)
    const chosen = new Set<AgentId>()
    for (let i = 0; i < 60; i++) {
      const decision = h.placeAndWait(agentName(i % 30), request({ availabilityZone: 'az-1' }))
      const agent = placedAt(decision)
      assert.equal(h.metadata.get(agent)?.availabilityZone, 'az-1')
      chosen.add(agent)
      h.land(decision, SMALL)
    }
    assert.ok(chosen.size >= 8, `spread over ${chosen.size} of the zone's 10 agents`)
    assert.deepEqual([...h.node('a00').knownAvailabilityZones()].sort(), ['az-0', 'az-1', 'az-2'])
  })

  it('places only where the labels match, and never on excluded agents (anti-affinity)', () => {
    const h = network(30, config, 'labels-1', zoned)
    for (let i = 0; i < 30; i++) {
      const decision = h.placeAndWait(agentName(i), request({ labels: { country: 'se' } }))
      assert.equal(h.metadata.get(placedAt(decision))?.labels.country, 'se')
      h.land(decision, SMALL)
    }
    const notAgents = Array.from({ length: 15 }, (_, i) => agentId(agentName(i * 2)))
    for (let i = 0; i < 30; i++) {
      const decision = h.placeAndWait(agentName(i), request({ notAgents }))
      assert.ok(!notAgents.includes(placedAt(decision)))
      h.land(decision, SMALL)
    }
  })

  it('places with affinity on the given agent, remote or itself, without sampling', () => {
    const h = network(10)
    h.sent.length = 0
    const remote = h.placeAndWait('a00', request({ sameAgent: agentId('a04') }))
    assert.equal(placedAt(remote), 'a04')
    const self = h.placeAndWait('a00', request({ sameAgent: agentId('a00') }))
    assert.equal(placedAt(self), 'a00')
    h.setUsed('a00', { vcpus: 100 })
    const full = h.placeAndWait('a00', request({ sameAgent: agentId('a00') }))
    assert.equal(full.outcome.kind, 'no-valid-host')
    const contradictory = h.placeAndWait('a00', request({ sameAgent: agentId('a04'), notAgents: [agentId('a04')] }))
    assert.equal(contradictory.outcome.kind, 'no-valid-host')
    assert.equal(h.sent.filter(s => s.message.kind === 'SampleWalk' && s.from === 'a00').length, 0)
  })

  it('drops candidates whose measured round trip exceeds maxRttMs', () => {
    const h = network(30, config, 'rtt-1')
    // Agents a15… are 40 ms away one way: 80 ms and more per round trip.
    for (let i = 15; i < 30; i++) h.latencyMs.set(agentId(agentName(i)), 40)
    for (let i = 15; i < 30; i++) h.setUsed(agentName(i), { vcpus: 0 })
    for (let i = 0; i < 15; i++) h.setUsed(agentName(i), { vcpus: 50 })
    for (let i = 0; i < 30; i++) {
      const decision = h.placeAndWait(agentName(i % 15), request({ maxRttMs: 50 }))
      if (decision.outcome.kind === 'placed') assert.ok(Number(decision.outcome.agent.id.slice(1)) < 15, decision.outcome.agent.id)
    }
    assert.ok(h.decisions.some(d => d.outcome.kind === 'placed'))
    assert.ok([...h.nodes.values()].some(n => n.stats.candidatesUnfit > 0))
  })
})

describe('PlacementNode board policies', () => {
  it('least-loaded herds on the stale board: every placement between refreshes goes to the same agent', () => {
    // Nine agents, eight neighbours each: every agent knows all the others from its view.
    const h = network(9, { ...config, policy: { kind: 'least-loaded' } })
    for (let i = 0; i < 9; i++) h.setUsed(agentName(i), { vcpus: 30 })
    h.setUsed('a06', { vcpus: 10 })
    h.run(50)
    const node = h.node('a00')
    assert.equal(node.boardUtilizations().size, 9)
    h.sent.length = 0
    const chosen: AgentId[] = []
    for (let i = 0; i < 5; i++) {
      const decision = h.placeAndWait('a00', request({}, { vcpus: 10, memoryMb: 0, diskGb: 0 }))
      chosen.push(placedAt(decision))
      h.land(decision, { vcpus: 10, memoryMb: 0, diskGb: 0 })
    }
    assert.deepEqual(chosen, Array(5).fill('a06'), 'a06 had the least load at the refresh; it has the most now')
    assert.equal(h.sent.filter(s => s.message.kind === 'LoadQuery').length, 0, 'no fresh load asked')
    h.run(config.loadRefreshMs + 100)
    const after = h.placeAndWait('a00', request({}, ONE_VCPU))
    assert.notEqual(placedAt(after), 'a06', 'after a refresh it knows better')
  })

  it('choices on the board compares board values instead of asking', () => {
    const h = network(9, { ...config, loadSource: 'board' })
    h.run(50)
    h.sent.length = 0
    for (let i = 0; i < 5; i++) h.land(h.placeAndWait('a00', request()), SMALL)
    const queries = h.sent.filter(s => s.message.kind === 'LoadQuery' && s.from === 'a00')
    assert.equal(queries.length, 0)
  })

  it('round-robin goes through the agents it knows in id order', () => {
    const h = network(6, { ...config, policy: { kind: 'round-robin' }, sampler: 'view' })
    for (let i = 0; i < 6; i++) h.setView(agentName(i), Array.from({ length: 6 }, (_, j) => agentName(j)).filter(n => n !== agentName(i)))
    const chosen: string[] = []
    for (let i = 0; i < 8; i++) {
      const decision = h.placeAndWait('a02', request())
      chosen.push(placedAt(decision))
      h.land(decision, SMALL)
    }
    assert.deepEqual(chosen, ['a00', 'a01', 'a02', 'a03', 'a04', 'a05', 'a00', 'a01'])
  })
})

describe('PlacementNode tables', () => {
  it('lets a reservation that is never released expire after reservationTtlMs', () => {
    const h = network(3, { ...config, sampler: 'view' })
    h.setView('a00', ['a01'])
    const decision = h.placeAndWait('a00', request())
    assert.equal(placedAt(decision), 'a01')
    assert.deepEqual(h.node('a01').reserved(), SMALL)
    h.run(config.reservationTtlMs)
    assert.deepEqual(h.node('a01').reserved(), { vcpus: 0, memoryMb: 0, diskGb: 0 })
    assert.equal(h.node('a01').stats.reservationsExpired, 1)
    h.sent.length = 0
    h.node('a00').complete(decision.outcome.placementId)
    assert.equal(h.sent.length, 0, 'the requester forgot it too')
  })

  it('releases a grant that arrives after its reserve timed out', () => {
    const h = network(3, { ...config, sampler: 'view' })
    h.setView('a00', ['a01'])
    h.latencyMs.set(agentId('a01'), 60)
    // The query's round trip (120 ms) fits in the timeout; the reserve's answer comes late.
    h.onSend = sent => { if (sent.message.kind === 'Reserve') h.latencyMs.set(agentId('a01'), 150) }
    const decision = h.placeAndWait('a00', request())
    assert.equal(decision.outcome.kind, 'no-valid-host')
    h.run(2_000)
    assert.ok(h.node('a00').stats.lateGrantsReleased >= 1)
    assert.deepEqual(h.node('a01').reserved(), { vcpus: 0, memoryMb: 0, diskGb: 0 })
  })

  it('counts malformed and unmatched messages and never throws on them', () => {
    const h = network(3)
    const node = h.node('a00')
    const from = agentId('a01')
    const load = { vcpus: { capacity: 1, used: 0 }, memoryMb: { capacity: 1, used: 0 }, diskGb: { capacity: 1, used: 0 } }
    const send = (message: unknown): void => node.onMessage(from, message as PlacementMessage, h.address('a01'))
    send({ kind: 'LoadReport', queryId: 12 })
    send({ kind: 'SampleFound', walkId: 1, candidate: h.descriptor('a02') })
    send({ kind: 'Nonsense' })
    send(null)
    send({ kind: 'SampleWalk', walkId: 1, origin: { id: 'a01', address: 'x' }, hopsLeft: -1, extraHopsLeft: 0 })
    send({ kind: 'Reserve', reserveId: 1, resources: { vcpus: Number.NaN, memoryMb: 0, diskGb: 0 }, ttlMs: 10 })
    assert.equal(node.stats.malformed, 6)
    send({ kind: 'LoadReport', queryId: 12, load, fits: true, utilization: 0.5 })
    send({ kind: 'SampleFound', walkId: 99, candidate: h.descriptor('a01') })
    send({ kind: 'Release', reservationId: 'nope' })
    send({ kind: 'ReserveReply', reserveId: 5, reservationId: 'r-1' })
    assert.equal(node.stats.unmatched, 4)
    assert.equal(node.stats.lateGrantsReleased, 1, 'an unasked grant is given back')
    // Only its holder may release a reservation.
    h.setView('a02', ['a00'])
    h.placeAndWait('a02', request({ sameAgent: agentId('a00') }))
    assert.deepEqual(node.reserved(), SMALL)
    const [reservationId] = h.decisions.flatMap(d => d.outcome.kind === 'placed' ? [d.outcome.reservationId] : [])
    send({ kind: 'Release', reservationId })
    assert.deepEqual(node.reserved(), SMALL)
    assert.equal(node.stats.unmatched, 5)
  })

  it('survives a storm of odd messages (seed "fuzz-1")', () => {
    const h = network(5)
    h.run(50)
    const node = h.node('a00')
    const values: unknown[] = [undefined, null, -1, 0, 1.5, 2 ** 60, 'x', '', [], {}, { id: 'a01' }, [1, 2], true, Number.NaN, { capacity: 1, used: 1 }]
    const fields = ['walkId', 'queryId', 'reserveId', 'origin', 'hopsLeft', 'extraHopsLeft', 'filter', 'candidate', 'resources', 'load', 'fits', 'utilization', 'ttlMs', 'reservationId']
    let seed = 17
    const next = (n: number): number => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed % n }
    for (let i = 0; i < 5_000; i++) {
      const message: Record<string, unknown> = { kind: ['SampleWalk', 'SampleFound', 'LoadQuery', 'LoadReport', 'Reserve', 'ReserveReply', 'Release'][next(7)] }
      for (const field of fields) if (next(2) === 0) message[field] = values[next(values.length)]
      node.onMessage(agentId(agentName(1 + next(4))), message as unknown as PlacementMessage)
    }
    h.run(100)
    assert.ok(node.stats.malformed > 0)
  })

  it('keeps its tables bounded while placing many at once (seed "burst-1")', () => {
    const h = network(20, { ...config, maxPendingPlacements: 16 }, 'burst-1')
    h.run(50)
    const node = h.node('a00')
    for (let i = 0; i < 40; i++) node.place(request())
    assert.equal(node.pendingPlacements, 16)
    assert.equal(node.stats.overloaded, 24)
    h.run(3_000)
    assert.equal(node.pendingPlacements, 0)
    assert.equal(h.decisions.filter(d => d.requester === node.id).length, 40)
    assert.equal(node.stats.placed + node.stats.noValidHost, 40)
  })
})

describe('PlacementNode determinism', () => {
  function run (seed: string): { outcomes: unknown[], stats: unknown[] } {
    const h = network(20, config, seed, i => ({ availabilityZone: `az-${i % 2}` }))
    h.run(100)
    for (let i = 0; i < 40; i++) {
      h.node(agentName(i % 20)).place(request(i % 3 === 0 ? { availabilityZone: 'az-1' } : {}))
      if (i % 4 === 3) h.run(30)
    }
    h.run(2_000)
    return { outcomes: h.decisions, stats: [...h.nodes.values()].map(n => n.stats) }
  }

  it('replays the same outcomes from the same seed, and others from another', () => {
    const a = run('replay-1')
    assert.deepEqual(run('replay-1'), a)
    assert.equal(a.outcomes.length, 40)
    assert.notDeepEqual(run('replay-2').outcomes, a.outcomes)
  })
})
