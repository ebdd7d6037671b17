/**
 * Placement between real agents on loopback HTTP (issue 4 §1–2): eight overlay agents in this
 * process, each with the real CyclonNode and PlacementNode, the HMAC-signed peer transport and
 * a cloudlet load of its own (capacities of unequal sizes, counted here: when a placement lands,
 * the test adds the flavor to the chosen agent's load and releases the reservation there, as the
 * agent on the chosen cloudlet will once the create is in its Placement).
 *
 * Checks that placements made concurrently through different agents all land, on cloudlets
 * that fit and meet the requirements (availability zone, labels, affinity, anti-affinity), that
 * the agents know the zones there are, that a flavor that fits nowhere answers no-valid-host
 * after the bounded attempts, and that agents without capacity are never chosen. Nothing depends on timing: each
 * wait polls for a state with a bound.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { AgentConfig } from '../../src/agent/agent-config.ts'
import { startOverlayAgent } from '../../src/agent/overlay-agent.ts'
import type { RunningOverlayAgent } from '../../src/agent/overlay-agent.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { SMALL_CLUSTER_CYCLON_CONFIG } from '../../src/protocol/cyclon/cyclon-config.ts'
import type { CloudletLoad } from '../../src/protocol/placement/cloudlet-load.ts'
import { DEFAULT_PLACEMENT_CONFIG } from '../../src/protocol/placement/placement-config.ts'
import { loopbackAgentConfig } from '../fixtures/loopback-agent-config.ts'
import type { PlacementOutcome } from '../../src/protocol/placement/placement-node.ts'
import type { PlacementRequest, ResourceAmounts } from '../../src/protocol/placement/placement-request.ts'

interface Cloudlet {
  readonly id: string
  readonly zone: string
  readonly labels: Record<string, string>
  /** vCPUs; RAM is 2 GiB and disk 20 GB per vCPU. Zero: an agent without a cloudlet. */
  readonly vcpus: number
  used: ResourceAmounts
}

const CLOUDLETS: Cloudlet[] = [
  { id: 'edge-0', zone: 'az-north', labels: { country: 'se' }, vcpus: 0, used: zero() },
  { id: 'edge-1', zone: 'az-north', labels: { country: 'se' }, vcpus: 16, used: zero() },
  { id: 'edge-2', zone: 'az-north', labels: { country: 'fi' }, vcpus: 32, used: zero() },
  { id: 'edge-3', zone: 'az-south', labels: { country: 'de' }, vcpus: 64, used: zero() },
  { id: 'edge-4', zone: 'az-south', labels: { country: 'de' }, vcpus: 16, used: zero() },
  { id: 'edge-5', zone: 'az-south', labels: { country: 'fr' }, vcpus: 32, used: zero() },
  { id: 'edge-6', zone: 'az-west', labels: { country: 'es' }, vcpus: 64, used: zero() },
  { id: 'edge-7', zone: 'az-west', labels: { country: 'pt' }, vcpus: 16, used: zero() }
]
const SMALL: ResourceAmounts = { vcpus: 1, memoryMb: 512, diskGb: 1 }

function zero (): ResourceAmounts {
  return { vcpus: 0, memoryMb: 0, diskGb: 0 }
}

function loadOf (cloudlet: Cloudlet): CloudletLoad {
  return {
    vcpus: { capacity: cloudlet.vcpus, used: cloudlet.used.vcpus },
    memoryMb: { capacity: cloudlet.vcpus * 2048, used: cloudlet.used.memoryMb },
    diskGb: { capacity: cloudlet.vcpus * 20, used: cloudlet.used.diskGb }
  }
}

function agentConfig (cloudlet: Cloudlet, clusterKey: string, introducer: { id: string, address: string } | null): AgentConfig {
  return loopbackAgentConfig({
    id: cloudlet.id,
    security: { clusterKey, tls: null },
    introducer,
    cyclon: { ...SMALL_CLUSTER_CYCLON_CONFIG, cacheSize: 4, shuffleLength: 2, shufflePeriodMs: 200, replyTimeoutMs: 150, rejoinBackoffMs: 300 },
    metadata: { cloudlet: cloudlet.id, region: 'RegionOne', availabilityZone: cloudlet.zone, labels: cloudlet.labels },
    transport: { queueLimitPerPeer: 64, concurrencyPerPeer: 4, maxNonces: 100_000 },
    placement: { walkLength: 4, queryTimeoutMs: 5_000 }
  })
}

async function until (what: string, check: () => boolean, boundMs = 20_000): Promise<void> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > boundMs) throw new Error(`${what}: not within ${boundMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('placement between agents over loopback HTTP', () => {
  const agents: RunningOverlayAgent[] = []
  const byId = new Map<string, { agent: RunningOverlayAgent, cloudlet: Cloudlet }>()

  before(async () => {
    const clusterKey = randomBytes(32).toString('base64url')
    let introducer: { id: string, address: string } | null = null
    for (const cloudlet of CLOUDLETS) {
      const agent = await startOverlayAgent({ config: agentConfig(cloudlet, clusterKey, introducer), logger: silentLogger, load: () => loadOf(cloudlet) })
      introducer ??= { id: agent.id, address: agent.address }
      agents.push(agent)
      byId.set(agent.id, { agent, cloudlet })
    }
    // Converged enough to walk: every agent known to another and with a full cache.
    await until('every cache full and every agent with in-links', () => {
      const inLinks = new Set(agents.flatMap(a => a.node.view().map(d => d.id)))
      return agents.every(a => a.node.view().length === 4 && inLinks.has(a.node.id))
    })
  })

  after(async () => {
    await Promise.all(agents.map(async a => { await a.stop() }))
  })

  /** Places through `via`, and lands the server where it was placed, as the chosen agent will. */
  async function placeAndLand (via: RunningOverlayAgent, request: PlacementRequest): Promise<PlacementOutcome> {
    const outcome = await via.place(request)
    if (outcome.kind === 'placed') {
      const target = byId.get(outcome.agent.id)
      assert.ok(target !== undefined, `placed on an agent that does not exist: ${outcome.agent.id}`)
      const { cloudlet, agent } = target
      cloudlet.used = { vcpus: cloudlet.used.vcpus + request.resources.vcpus, memoryMb: cloudlet.used.memoryMb + request.resources.memoryMb, diskGb: cloudlet.used.diskGb + request.resources.diskGb }
      agent.placement.releaseReservation(outcome.reservationId)
    }
    return outcome
  }

  it('places 120 servers made concurrently through every agent, none on the agent without capacity, none over capacity', async () => {
    // In waves of one placement per agent at once: all eight agents share this one process, and
    // a burst of 120 would be thousands of requests queued here, not a property of placement.
    const outcomes: PlacementOutcome[] = []
    for (let wave = 0; wave < 15; wave++) {
      outcomes.push(...await Promise.all(agents.map(async agent => await placeAndLand(agent, { resources: SMALL, requirements: {} }))))
    }
    const placed = outcomes.filter(o => o.kind === 'placed')
    assert.equal(placed.length, 120, `not placed: ${JSON.stringify(outcomes.filter(o => o.kind !== 'placed'))}`)
    assert.equal(CLOUDLETS[0]?.used.vcpus, 0, 'the agent without a cloudlet was chosen')
    for (const c of CLOUDLETS) assert.ok(c.used.vcpus <= c.vcpus, `${c.id} over capacity: ${c.used.vcpus} of ${c.vcpus}`)
    // Every reservation was given back once its server landed.
    await until('no capacity left reserved', () => agents.every(a => a.placement.reserved().vcpus === 0), 5_000)
    // Utilization, not server count, is balanced: 120 of 240 vCPUs is 50 % on average, and P2C
    // fills no cloudlet while others are half empty. Loose on purpose: the agents' randomness is
    // not seeded here and eight placements run at once (0.85 failed about once in ten runs);
    // the balance itself is measured in the simulator and bench/placement-e2e.ts.
    for (const c of CLOUDLETS.slice(1)) assert.ok(c.used.vcpus / c.vcpus <= 0.95, `${c.id} at ${c.used.vcpus} of ${c.vcpus}`)
  })

  it('keeps to the availability zone, the labels, and affinity and anti-affinity', async () => {
    const via = agents[1] as RunningOverlayAgent
    for (let i = 0; i < 6; i++) {
      const inZone = await placeAndLand(via, { resources: SMALL, requirements: { availabilityZone: 'az-south' } })
      assert.equal(inZone.kind, 'placed')
      assert.equal(byId.get((inZone as { agent: { id: string } }).agent.id)?.cloudlet.zone, 'az-south')
      const labelled = await placeAndLand(via, { resources: SMALL, requirements: { labels: { country: 'de' } } })
      assert.equal(labelled.kind, 'placed')
      assert.equal(byId.get((labelled as { agent: { id: string } }).agent.id)?.cloudlet.labels.country, 'de')
    }
    const affine = await placeAndLand(agents[5] as RunningOverlayAgent, { resources: SMALL, requirements: { sameAgent: (agents[6] as RunningOverlayAgent).node.id } })
    assert.equal(affine.kind === 'placed' ? affine.agent.id : affine.reason, 'edge-6')
    const excluded = agents.slice(1, 7).map(a => a.node.id)
    const anti = await placeAndLand(agents[2] as RunningOverlayAgent, { resources: SMALL, requirements: { notAgents: excluded } })
    assert.equal(anti.kind === 'placed' ? anti.agent.id : anti.reason, 'edge-7')
  })

  it('knows the zones there are, and answers no-valid-host for a flavor that fits nowhere after its attempts', async () => {
    const via = agents[3] as RunningOverlayAgent
    // What the agent answers Nova's 400 for an unknown zone from (the walks for a zone nobody is
    // in would only time out).
    assert.deepEqual([...via.placement.knownAvailabilityZones()].sort(), ['az-north', 'az-south', 'az-west'])
    const huge = await via.place({ resources: { vcpus: 128, memoryMb: 1024, diskGb: 1 }, requirements: {} })
    assert.equal(huge.kind, 'no-valid-host')
    assert.equal(huge.attempts, DEFAULT_PLACEMENT_CONFIG.maxAttempts)
    assert.equal(agents.reduce((sum, a) => sum + a.placement.reserved().vcpus, 0), 0, 'a refused placement left capacity reserved')
  })

  it('reports placement counters and refusals in the status document', () => {
    const status = agents[1]?.status()
    assert.ok(status !== undefined)
    assert.ok(status.placement.placed > 0)
    assert.deepEqual(status.placement.reserved, { vcpus: 0, memoryMb: 0, diskGb: 0 })
    assert.equal(Object.values(status.rejections).reduce((a: number, b) => a + (typeof b === 'number' ? b : 0), 0), 0)
  })
})
