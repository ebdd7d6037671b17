/**
 * PlacementSimulation: every agent runs the real CyclonNode and the real PlacementNode over one
 * simulated network, in virtual time, reproducibly from a seed; their cloudlets are counters of
 * capacity and use (CloudletLoads). The overlay starts from random caches and converges for
 * `warmupCycles` (the PlacementNodes start in the last `placementWarmupCycles` of them), then
 * the workload's requests arrive at their agents, whose PlacementNodes sample, query, reserve
 * and decide while Cyclon keeps shuffling. A placed create "lands" one network latency after
 * the decision: the cloudlet's used load goes up by the flavor and its agent calls
 * releaseReservation(); a create that fails makes the requester call complete(). Under churn a
 * server is deleted after its lifetime. It is the same discrete-event loop as the overlay
 * simulation (one live wakeup per agent, one delivery event per message), with randomness
 * forked per agent and subsystem.
 */
import { assert } from '../../core/assert.ts'
import type { PeerAddress, Transport } from '../../core/ports.ts'
import { CyclonNode } from '../../protocol/cyclon/cyclon-node.ts'
import { NodeStorage } from '../../protocol/cyclon/node-storage.ts'
import type { CyclonMessage } from '../../protocol/cyclon/messages.ts'
import type { AgentId, PeerDescriptor, PeerMetadata } from '../../protocol/cyclon/peer-descriptor.ts'
import type { PlacementMessage } from '../../protocol/placement/messages.ts'
import { PLACEMENT_MESSAGE_KINDS } from '../../protocol/placement/messages.ts'
import { PlacementNode } from '../../protocol/placement/placement-node.ts'
import type { PlacementOutcome } from '../../protocol/placement/placement-node.ts'
import { agentAllowed, metadataMeets } from '../../protocol/placement/placement-request.ts'
import { cyclonMessageWireBytes } from '../cyclon-wire-bytes.ts'
import { EventQueue } from '../event-queue.ts'
import { sampleLatencyMs, uniform01 } from '../latency.ts'
import { randomDistinctPeers } from '../random-graph.ts'
import { SeededRandom } from '../seeded-random.ts'
import { SimAgents } from '../sim-agents.ts'
import { SimNetwork } from '../sim-network.ts'
import { VirtualClock } from '../virtual-clock.ts'
import { CloudletLoads } from './cloudlet-loads.ts'
import type { PlacementRunResult } from './placement-run-result.ts'
import type { PlacementSimulationConfig } from './placement-simulation-config.ts'
import { placementSimulationConfigProblems, placementStartMs } from './placement-simulation-config.ts'
import { PlacementTally } from './placement-tally.ts'
import { placementMessageWireBytes } from './placement-wire-bytes.ts'
import type { Arrival } from './workload-stream.ts'
import { WorkloadStream } from './workload-stream.ts'

/** A message between agents. */
export type SimMessage = CyclonMessage | PlacementMessage

/** A create on its way to the chosen cloudlet. */
interface Landing {
  readonly kind: 'landing'
  readonly requester: number
  readonly placementId: number
  readonly reservationId: string
  readonly arrival: Arrival
}

/** A request arriving (churn), or a server whose lifetime is over. */
interface Scheduled {
  readonly kind: 'scheduled'
  readonly arrival: Arrival
}

type Payload = SimMessage | Landing | Scheduled

/** Event kinds on the queue. */
const WAKEUP = 1
const DELIVER = 2
const LAND = 3
const NEXT = 4
const ARRIVE = 5
const DEPART = 6
const SERIES = 7
const START = 8
const PLACEMENT_UP = 9

const PLACEMENT_KINDS: ReadonlySet<string> = new Set(PLACEMENT_MESSAGE_KINDS)

/**
 * How long the run may go without a placement being decided while some are outstanding before
 * it is declared stuck (a PlacementNode that never calls decided()): ten virtual minutes.
 */
const STALL_MS = 600_000

export class PlacementSimulation {
  readonly config: PlacementSimulationConfig
  readonly clock = new VirtualClock()
  readonly agents: SimAgents
  readonly loads: CloudletLoads
  readonly #root: SeededRandom
  readonly #queue: EventQueue<Payload>
  readonly #network: SimNetwork<Payload>
  readonly #cyclon: CyclonNode[] = []
  /** Every agent's Cyclon cache, region i for agent i. */
  readonly #cyclonStorage: NodeStorage
  /** Each agent's PlacementNode, from `placementWarmupCycles` before the first placement. */
  readonly #placement: Array<PlacementNode | undefined> = []
  readonly #wakeAtMs: Float64Array
  readonly #stream: WorkloadStream
  readonly #creates: SeededRandom
  readonly #startMs: number
  readonly #endMs: number
  /** Concurrent one-at-a-time workload: each agent's requests not yet started. */
  readonly #queued: Arrival[][]
  /** Placements in flight, by requester then placement id. */
  readonly #pending: Array<Map<number, Arrival>>
  #placing: Arrival | null = null
  #placingDecided = false
  #issued = 0
  #finished = 0
  #outstanding = 0
  #lastProgressMs = 0
  readonly #tally: PlacementTally
  /** The size of the placement message being sent, for the network's byte count. */
  #sendingBytes = 0
  #events = 0
  #done = false

  constructor (config: PlacementSimulationConfig) {
    const problems = placementSimulationConfigProblems(config)
    assert(problems.length === 0, `invalid placement simulation: ${problems.join('; ')}`)
    this.config = config
    const n = config.agents
    this.#root = new SeededRandom(config.seed)
    this.agents = new SimAgents(n, 0, this.#root.fork('contacts'), false)
    this.loads = new CloudletLoads(n, config.capacities)
    this.#cyclonStorage = new NodeStorage(config.cyclon, n)
    this.#queue = new EventQueue<Payload>(n * 4)
    const agents = this.agents
    const descriptorBytes = (descriptor: PeerDescriptor): number => agents.descriptorWireBytes(descriptor)
    this.#network = new SimNetwork<Payload>(n, { latency: config.latency, lossProbability: config.lossProbability, partitions: [] }, {
      clock: this.clock,
      random: this.#root.fork('network'),
      queue: this.#queue,
      deliverKind: DELIVER,
      indexOf: to => agents.indexOfAddress(to),
      // A placement message's size was measured by the sending transport just before (serialising it twice cost 5 % of the run).
      wireBytes: message => PLACEMENT_KINDS.has(message.kind) ? this.#sendingBytes : cyclonMessageWireBytes(message as CyclonMessage, descriptorBytes)
    })
    this.#wakeAtMs = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
    this.#pending = Array.from({ length: n }, () => new Map<number, Arrival>())
    this.#queued = Array.from({ length: n }, () => [])
    this.#tally = new PlacementTally(n)
    this.#stream = new WorkloadStream(config, this.#root.fork('workload'))
    this.#creates = this.#root.fork('creates') as SeededRandom
    this.#startMs = placementStartMs(config)
    const w = config.workload
    this.#endMs = w.kind === 'churn' ? this.#startMs + w.settleMs + w.measureMs : Number.POSITIVE_INFINITY
    if (w.kind === 'churn') this.loads.setWindow(this.#startMs + w.settleMs, this.#endMs)
    this.#start()
  }

  /** Runs the workload to its end and returns the result. */
  run (): PlacementRunResult {
    const queue = this.#queue
    const event = queue.popped
    while (!this.#done && queue.peekTimeMs() <= this.#endMs) {
      queue.pop()
      this.#events++
      this.clock.advanceTo(event.atMs)
      switch (event.kind) {
        case DELIVER: this.#deliver(event.target, event.source, event.payload as SimMessage); break
        case WAKEUP: this.#wake(event.target, event.atMs); break
        case LAND: this.#land(event.target, event.payload as Landing); break
        case NEXT: this.#next(); break
        case ARRIVE: this.#arrive(event.payload as Scheduled); break
        case DEPART: this.#depart(event.target, event.payload as Scheduled); break
        case SERIES: this.#sample(); break
        case START: this.#issue((event.payload as Scheduled).arrival); break
        case PLACEMENT_UP: this.#startPlacement(); break
      }
      if (this.#outstanding > 0) {
        assert(this.clock.nowMs() - this.#lastProgressMs <= STALL_MS, `placement stalled: ${this.#outstanding} placements undecided for ${STALL_MS} ms (seed ${this.config.seed})`)
      }
    }
    if (Number.isFinite(this.#endMs)) this.clock.advanceTo(Math.max(this.clock.nowMs(), this.#endMs))
    this.loads.observe(this.clock.nowMs())
    return this.#result()
  }

  #start (): void {
    const n = this.config.agents
    const c = Math.min(this.config.cyclon.cacheSize, n - 1)
    const caches = new Int32Array(n * c)
    const topology = this.#root.fork('topology')
    for (let i = 0; i < n; i++) randomDistinctPeers(n, i, c, topology, caches, i * c)
    // Caches are planted, as in the overlay simulation's 'random' start: join requests are muted.
    this.#network.muted = true
    for (let i = 0; i < n; i++) {
      this.#bringUp(i)
      const node = this.#cyclon[i] as CyclonNode
      node.seed(Array.from(caches.subarray(i * c, (i + 1) * c), k => this.agents.descriptors[k] as PeerDescriptor))
    }
    this.#network.muted = false
    for (let i = 0; i < n; i++) this.#reschedule(i)
    // Queued first, so that at the same instant it comes before the first placement.
    this.#queue.push(this.#startMs - Math.min(this.config.placementWarmupCycles, this.config.warmupCycles) * this.config.cyclon.shufflePeriodMs, PLACEMENT_UP, 0, 0)
    const w = this.config.workload
    if (w.kind === 'churn') {
      const first = this.#stream.next()
      this.#queue.push(this.#startMs + first.gapMs, ARRIVE, first.requester, 0, { kind: 'scheduled', arrival: first })
    } else {
      this.#queue.push(this.#startMs, NEXT, 0, 0)
    }
    this.#queue.push(this.#startMs, SERIES, 0, 0)
    this.#lastProgressMs = this.#startMs
  }

  #bringUp (index: number): void {
    const self = this.agents.descriptors[index] as PeerDescriptor
    const cyclon = new CyclonNode(
      { id: self.id, address: self.address, metadata: self.metadata },
      { clock: this.clock, random: this.#root.fork(`agent-${index}`).fork('cyclon'), transport: this.#transportFor(index) },
      this.config.cyclon,
      { peers: this.agents.peers, storage: { storage: this.#cyclonStorage, slot: index } }
    )
    this.#cyclon[index] = cyclon
    cyclon.join(this.agents.contacts[index] as readonly PeerAddress[])
  }

  /**
   * Starts every agent's PlacementNode, `placementWarmupCycles` before the first placement: the
   * overlay has converged by then, so the sample pools fill (and the boards first refresh) from
   * a converged overlay rather than from the planted random caches.
   */
  #startPlacement (): void {
    for (let index = 0; index < this.config.agents; index++) {
      const self = this.agents.descriptors[index] as PeerDescriptor
      const cyclon = this.#cyclon[index] as CyclonNode
      const metadata = self.metadata
      this.#placement[index] = new PlacementNode(
        { id: self.id, address: self.address, metadata: () => metadata },
        {
          clock: this.clock,
          random: this.#root.fork(`agent-${index}`).fork('placement'),
          transport: this.#transportFor(index),
          view: () => cyclon.view(),
          load: () => this.loads.load(index),
          decided: outcome => this.#decided(index, outcome)
        },
        this.config.placement
      )
    }
    for (let index = 0; index < this.config.agents; index++) this.#reschedule(index)
  }

  /** An agent's end of the network, counting what it sends by kind once placement has begun. */
  #transportFor (index: number): Transport<SimMessage> {
    const network = this.#network
    return {
      send: (to: PeerAddress, message: SimMessage) => {
        if (network.muted) return
        const placement = PLACEMENT_KINDS.has(message.kind)
        if (placement) this.#sendingBytes = placementMessageWireBytes(message as PlacementMessage)
        if (this.clock.nowMs() >= this.#startMs) {
          if (placement) this.#tally.placementMessageSent(message.kind, this.#sendingBytes)
          else this.#tally.cyclonMessageSent()
        }
        network.send(index, to, message)
      }
    }
  }

  #deliver (target: number, source: number, message: SimMessage): void {
    this.#network.counters.delivered++
    const from = this.agents.ids[source] as AgentId
    if (PLACEMENT_KINDS.has(message.kind)) {
      if (this.clock.nowMs() >= this.#startMs) {
        if (message.kind === 'SampleFound') {
          const k = this.agents.indexOf(message.candidate.id)
          if (k !== undefined) this.#tally.samplesFound[k] = (this.#tally.samplesFound[k] as number) + 1
        } else if (message.kind === 'LoadQuery') {
          this.#tally.loadQueries[target] = (this.#tally.loadQueries[target] as number) + 1
        }
      }
      // The envelope's sender address, as the agent's transport passes it. (Placement messages
      // exist only once every PlacementNode has started.)
      ;(this.#placement[target] as PlacementNode).onMessage(from, message as PlacementMessage, (this.agents.descriptors[source] as PeerDescriptor).address)
    } else {
      ;(this.#cyclon[target] as CyclonNode).onMessage(from, message as CyclonMessage)
    }
    this.#reschedule(target)
  }

  /** A wakeup that is no longer the agent's live one is dropped without touching the agent. */
  #wake (index: number, atMs: number): void {
    if (this.#wakeAtMs[index] !== atMs) return
    this.#wakeAtMs[index] = Number.POSITIVE_INFINITY
    const cyclon = this.#cyclon[index] as CyclonNode
    const placement = this.#placement[index]
    if (cyclon.nextWakeupMs() <= atMs) cyclon.onTick()
    if (placement !== undefined && placement.nextWakeupMs() <= atMs) placement.onTick()
    this.#reschedule(index)
  }

  /** Keeps exactly one live wakeup per agent, at the earlier of its two nodes' nextWakeupMs(). */
  #reschedule (index: number): void {
    const next = Math.min((this.#cyclon[index] as CyclonNode).nextWakeupMs(), this.#placement[index]?.nextWakeupMs() ?? Number.POSITIVE_INFINITY)
    const atMs = next === Number.POSITIVE_INFINITY ? next : Math.max(next, this.clock.nowMs())
    if (atMs === this.#wakeAtMs[index]) return
    this.#wakeAtMs[index] = atMs
    if (atMs !== Number.POSITIVE_INFINITY) this.#queue.push(atMs, WAKEUP, index, index)
  }

  /**
   * Starts the next placement(s): one for a sequential workload; for a concurrent one, all of
   * them (a burst), or each agent's first (one at a time per agent), the requests drawn up front
   * in agent order as the ideal reference draws them.
   */
  #next (): void {
    const total = this.#stream.total
    const w = this.config.workload
    if (w.kind !== 'concurrent') {
      if (this.#issued < total) this.#issue(this.#stream.next())
      return
    }
    const all: Arrival[] = []
    for (let k = 0; k < total; k++) all.push(this.#stream.next())
    if (w.oneAtATime !== true) {
      for (const arrival of all) this.#issue(arrival)
      return
    }
    for (const arrival of all) this.#queued[arrival.requester]?.push(arrival)
    for (const queue of this.#queued) {
      const first = queue.shift()
      if (first !== undefined) this.#issue(first)
    }
  }

  /** A churn arrival: place it, and schedule the next one (the first one's gap counts from the start, as in the ideal reference). */
  #arrive (scheduled: Scheduled): void {
    this.#issue(scheduled.arrival)
    const next = this.#stream.next()
    this.#queue.push(this.clock.nowMs() + next.gapMs, ARRIVE, next.requester, 0, { kind: 'scheduled', arrival: next })
  }

  #issue (arrival: Arrival): void {
    const requester = arrival.requester
    const node = this.#placement[requester] as PlacementNode
    this.#issued++
    this.#outstanding++
    this.#placing = arrival
    this.#placingDecided = false
    const request = { resources: arrival.template.resources, requirements: arrival.template.requirements }
    const placementId = node.place(request)
    if (!this.#placingDecided) this.#pending[requester]?.set(placementId, arrival)
    this.#placing = null
    this.#reschedule(requester)
  }

  #decided (requester: number, outcome: PlacementOutcome): void {
    const pending = this.#pending[requester] as Map<number, Arrival>
    let arrival = pending.get(outcome.placementId)
    if (arrival === undefined) {
      // Decided within place(), before it returned the id.
      assert(this.#placing !== null && !this.#placingDecided, `decided() for unknown placement ${outcome.placementId} at agent ${requester}`)
      arrival = this.#placing
      this.#placingDecided = true
    } else {
      pending.delete(outcome.placementId)
    }
    const now = this.clock.nowMs()
    this.#lastProgressMs = now
    this.#tally.decided(outcome)
    if (outcome.kind === 'no-valid-host') {
      this.#finish(requester)
      return
    }
    const target = this.agents.indexOf(outcome.agent.id)
    assert(target !== undefined, `placed on an unknown agent ${outcome.agent.id}`)
    const requirements = arrival.template.requirements
    if (!metadataMeets(this.#metadata(target), requirements) || !agentAllowed(outcome.agent.id, requirements)) this.#tally.requirementViolations++
    const landing: Landing = { kind: 'landing', requester, placementId: outcome.placementId, reservationId: outcome.reservationId, arrival }
    this.#queue.push(now + sampleLatencyMs(this.config.latency, this.#creates), LAND, target, requester, landing)
  }

  #metadata (index: number): PeerMetadata {
    return (this.agents.descriptors[index] as PeerDescriptor).metadata
  }

  #land (target: number, landing: Landing): void {
    const now = this.clock.nowMs()
    const fails = this.config.createFailureProbability > 0 && uniform01(this.#creates) < this.config.createFailureProbability
    if (fails) {
      this.#tally.failedCreates++
      ;(this.#placement[landing.requester] as PlacementNode).complete(landing.placementId)
      this.#reschedule(landing.requester)
    } else {
      this.loads.add(target, landing.arrival.template.resources, now)
      ;(this.#placement[target] as PlacementNode).releaseReservation(landing.reservationId)
      this.#reschedule(target)
      if (Number.isFinite(landing.arrival.lifetimeMs)) {
        this.#queue.push(now + landing.arrival.lifetimeMs, DEPART, target, target, { kind: 'scheduled', arrival: landing.arrival })
      }
    }
    this.#finish(landing.requester)
  }

  #depart (target: number, departure: Scheduled): void {
    this.loads.remove(target, departure.arrival.template.resources, this.clock.nowMs())
  }

  /** One placement of `requester` is over (landed, failed or refused): a sequential workload starts the next, and so does that agent's queue. */
  #finish (requester: number): void {
    this.#outstanding--
    this.#finished++
    const w = this.config.workload
    if (w.kind === 'churn') return
    if (this.#finished >= this.#stream.total) {
      this.#done = true
      return
    }
    if (w.kind === 'sequential') this.#queue.push(this.clock.nowMs(), NEXT, 0, 0)
    const queued = this.#queued[requester]?.shift()
    if (queued !== undefined) this.#queue.push(this.clock.nowMs(), START, requester, requester, { kind: 'scheduled', arrival: queued })
  }

  #sample (): void {
    const now = this.clock.nowMs()
    this.#tally.sample(now - this.#startMs, this.loads.maxServers)
    this.#queue.push(now + this.config.seriesEveryMs, SERIES, 0, 0)
  }

  #result (): PlacementRunResult {
    return this.#tally.result({
      seed: this.config.seed,
      issued: this.#issued,
      nodes: this.#placement,
      loads: this.loads,
      churn: this.config.workload.kind === 'churn',
      events: this.#events,
      nowMs: this.clock.nowMs(),
      startMs: this.#startMs,
      shufflePeriodMs: this.config.cyclon.shufflePeriodMs
    })
  }
}
