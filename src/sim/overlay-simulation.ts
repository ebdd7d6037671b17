/**
 * OverlaySimulation: thousands to hundreds of thousands of agents running the real CyclonNode
 * in virtual time, over a simulated network, reproducibly from a seed. It is a discrete-event
 * loop: every agent's onTick() is scheduled at its nextWakeupMs() (one live wakeup per agent,
 * rescheduled after each tick and each delivered message), and every message becomes a
 * delivery event after a drawn latency. Randomness is forked per agent and per subsystem, so
 * the same seed gives the same run, bit for bit. At the end of each cycle (one shuffle period)
 * it measures the overlay and applies the scenario's crashes, restarts and departures.
 * It does no I/O: it returns data, and src/bin writes files.
 */
import { assert } from '../core/assert.ts'
import type { PeerAddress } from '../core/ports.ts'
import { CyclonNode } from '../protocol/cyclon/cyclon-node.ts'
import { NodeStorage } from '../protocol/cyclon/node-storage.ts'
import type { CyclonMessage } from '../protocol/cyclon/messages.ts'
import { descriptorWireBytes } from '../protocol/cyclon/peer-descriptor.ts'
import type { AgentId, PeerDescriptor } from '../protocol/cyclon/peer-descriptor.ts'
import { snapshotCaches } from './cache-snapshot.ts'
import { cyclonMessageWireBytes } from './cyclon-wire-bytes.ts'
import { CalendarQueue } from './calendar-queue.ts'
import type { DirectedGraph } from './overlay-graph.ts'
import { GraphScratch } from './overlay-graph.ts'
import type { CycleMetrics, GraphBaseline } from './overlay-metrics.ts'
import { measureBaseline, measureCycle, measureStructure } from './overlay-metrics.ts'
import type { OverlaySimulationConfig, SimAction } from './overlay-simulation-config.ts'
import { overlaySimulationConfigProblems } from './overlay-simulation-config.ts'
import type { CyclonTotals, OverlaySimulationResult, RemovalRow } from './overlay-simulation-result.ts'
import { planInitialTopology } from './initial-topology.ts'
import { randomGraph } from './random-graph.ts'
import { removalRows } from './removal-analysis.ts'
import { SeededRandom } from './seeded-random.ts'
import { INTRODUCER_INDEX, SimAgents } from './sim-agents.ts'
import { SimNetwork } from './sim-network.ts'
import { VirtualClock } from './virtual-clock.ts'

/** Event kinds on the queue. */
const WAKEUP = 1
const DELIVER = 2
const JOIN = 3

/** Agent states. */
export const AGENT_ABSENT = 0
export const AGENT_UP = 1
export const AGENT_CRASHED = 2
export const AGENT_LEFT = 3

export class OverlaySimulation {
  readonly config: OverlaySimulationConfig
  readonly clock = new VirtualClock()
  readonly agents: SimAgents
  readonly #root: SeededRandom
  readonly #failures: SeededRandom
  readonly #queue: CalendarQueue<CyclonMessage>
  readonly #network: SimNetwork<CyclonMessage>
  readonly #nodes: Array<CyclonNode | undefined>
  /** Every agent's cache and pending shuffles, region i for agent i (its every incarnation). */
  readonly #storage: NodeStorage
  readonly #state: Uint8Array
  readonly #wakeAtMs: Float64Array
  readonly #incarnation: Int32Array
  readonly #requests: Int32Array
  readonly #mark: Int32Array
  /** The arrays every cycle's measurement reuses; #lastGraph lives in them. */
  readonly #scratch = new GraphScratch()
  readonly #live: Uint8Array
  readonly #cycles: CycleMetrics[] = []
  readonly #baselineGraph: DirectedGraph
  readonly #baseline: GraphBaseline
  #lastGraph: DirectedGraph | null = null
  #cycle = 0
  #events = 0
  /** Where #prefetch() puts what it reads, so that the reads are not optimised away. */
  #prefetched = 0

  constructor (config: OverlaySimulationConfig) {
    const problems = overlaySimulationConfigProblems(config)
    assert(problems.length === 0, `invalid simulation: ${problems.join('; ')}`)
    this.config = config
    const n = config.agents
    this.#root = new SeededRandom(config.seed)
    this.#failures = this.#root.fork('failures') as SeededRandom
    this.agents = new SimAgents(n, config.seedContacts, this.#root.fork('contacts'), config.topology === 'join')
    this.#queue = new CalendarQueue<CyclonMessage>()
    const periodMs = config.cyclon.shufflePeriodMs
    const agents = this.agents
    const descriptorBytes = (descriptor: PeerDescriptor): number => agents.descriptorWireBytes(descriptor)
    this.#network = new SimNetwork<CyclonMessage>(n, {
      latency: config.network.latency,
      lossProbability: config.network.lossProbability,
      partitions: config.network.partitions.map(p => ({
        startMs: p.fromCycle * periodMs,
        endMs: p.toCycle * periodMs,
        groupOf: Int32Array.from({ length: n }, (_, i) => Math.floor(i * p.groups / n))
      }))
    }, {
      clock: this.clock,
      random: this.#root.fork('network'),
      queue: this.#queue,
      deliverKind: DELIVER,
      indexOf: to => this.agents.indexOfAddress(to),
      wireBytes: message => cyclonMessageWireBytes(message, descriptorBytes)
    })
    this.#nodes = new Array<CyclonNode | undefined>(n).fill(undefined)
    this.#storage = new NodeStorage(config.cyclon, n)
    this.#state = new Uint8Array(n)
    this.#wakeAtMs = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
    this.#incarnation = new Int32Array(n)
    this.#requests = new Int32Array(n)
    this.#mark = new Int32Array(n)
    this.#live = new Uint8Array(n)
    const sampling = config.metrics
    this.#baselineGraph = randomGraph(n, config.cyclon.cacheSize, this.#root.fork('random-graph'))
    this.#baseline = measureBaseline(this.#baselineGraph, config.cyclon.cacheSize, sampling, this.#root.fork('metrics').fork('random-graph'))
    this.#start()
  }

  get cycle (): number {
    return this.#cycle
  }

  /** Events waiting in the queue: messages in flight, live wakeups and superseded ones not yet due. */
  get pendingEvents (): number {
    return this.#queue.size
  }

  /** The node of agent `index` (its current incarnation), or undefined before it joins. */
  node (index: number): CyclonNode | undefined {
    return this.#nodes[index]
  }

  stateOf (index: number): number {
    return this.#state[index] as number
  }

  /** Runs every cycle and returns the result. */
  run (): OverlaySimulationResult {
    while (this.#cycle < this.config.cycles) this.runCycle()
    return this.result()
  }

  /** Runs one cycle of virtual time, measures the overlay at its end, then applies the actions due then. */
  runCycle (): CycleMetrics {
    this.simulateCycle()
    return this.measureCycle()
  }

  /** The first half of runCycle(): runs the events of the next cycle and stops at its end. */
  simulateCycle (): void {
    assert(this.#cycle === this.#cycles.length, 'simulateCycle() twice without measureCycle()')
    const cycle = this.#cycle + 1
    const endMs = cycle * this.config.cyclon.shufflePeriodMs
    const queue = this.#queue
    const event = queue.popped
    while (queue.peekTimeMs() < endMs) {
      queue.pop()
      this.#prefetch(queue.peekTarget())
      this.#events++
      this.clock.advanceTo(event.atMs)
      if (event.kind === DELIVER) this.#deliver(event.target, event.source, event.payload as CyclonMessage)
      else if (event.kind === WAKEUP) this.#wake(event.target, event.atMs)
      else if (event.kind === JOIN) this.#join(event.target)
    }
    this.clock.advanceTo(endMs)
    this.#cycle = cycle
  }

  /** The second half of runCycle(): measures the cycle just simulated, then applies the actions due at its end. */
  measureCycle (): CycleMetrics {
    const cycle = this.#cycle
    assert(cycle === this.#cycles.length + 1, 'measureCycle() without simulateCycle()')
    const metrics = this.#measure(cycle, cycle * this.config.cyclon.shufflePeriodMs)
    this.#cycles.push(metrics)
    for (const action of this.config.actions) if (action.atCycle === cycle) this.#apply(action)
    return metrics
  }

  result (): OverlaySimulationResult {
    const totals: CyclonTotals = { shufflesStarted: 0, shufflesCompleted: 0, shufflesTimedOut: 0, shufflesSkipped: 0, staleReplies: 0, joinRequestsSent: 0, joinWalksAccepted: 0 }
    for (const node of this.#nodes) {
      if (node === undefined) continue
      for (const key of Object.keys(totals) as Array<keyof CyclonTotals>) totals[key] += node.stats[key]
    }
    return {
      config: this.config,
      descriptorBytesMean: this.agents.meanDescriptorBytes(descriptorWireBytes),
      randomGraph: this.#baseline,
      cycles: this.#cycles,
      removal: this.#removal(),
      events: this.#events,
      network: { ...this.#network.counters },
      cyclon: totals
    }
  }

  #start (): void {
    const plan = planInitialTopology(this.config, this.#root.fork('topology'))
    // Agents up at the start are given their starting caches, not joined: their join requests are muted.
    this.#network.muted = true
    const descriptors = this.agents.descriptors
    const entries: PeerDescriptor[] = []
    for (const index of plan.upAtStart) {
      const node = this.#bringUp(index)
      const cache = plan.cacheOf(index)
      entries.length = cache.length
      for (let k = 0; k < cache.length; k++) entries[k] = descriptors[cache[k] as number] as PeerDescriptor
      if (entries.length > 0) node.seed(entries)
    }
    this.#network.muted = false
    for (const index of plan.upAtStart) this.#reschedule(index)
    for (const [index, atMs] of plan.joins) this.#queue.push(atMs, JOIN, index, index)
  }

  /** Creates a fresh node for agent `index` (a new incarnation on restart), up, with its contacts given. */
  #bringUp (index: number): CyclonNode {
    const incarnation = this.#incarnation[index] as number
    const agentRandom = this.#root.fork(`agent-${index}`)
    const self = this.agents.descriptors[index] as PeerDescriptor
    const node = new CyclonNode(
      { id: self.id, address: self.address, metadata: self.metadata },
      { clock: this.clock, random: agentRandom.fork(incarnation === 0 ? 'cyclon' : `cyclon-restart-${incarnation}`), transport: this.#network.transportFor(index) },
      this.config.cyclon,
      { peers: this.agents.peers, storage: { storage: this.#storage, slot: index } }
    )
    this.#nodes[index] = node
    this.#state[index] = AGENT_UP
    node.join(this.agents.contacts[index] as readonly PeerAddress[])
    return node
  }

  #join (index: number): void {
    if (this.#state[index] !== AGENT_ABSENT) return
    this.#bringUp(index)
    this.#reschedule(index)
  }

  #deliver (target: number, source: number, message: CyclonMessage): void {
    if (this.#state[target] !== AGENT_UP) {
      this.#network.counters.toDownAgent++
      return
    }
    this.#network.counters.delivered++
    if (message.kind === 'ShuffleRequest') this.#requests[target] = (this.#requests[target] as number) + 1
    ;(this.#nodes[target] as CyclonNode).onMessage(this.agents.ids[source] as AgentId, message)
    this.#reschedule(target)
  }

  /** A wakeup that is no longer the agent's live one is dropped without touching the agent. */
  #wake (index: number, atMs: number): void {
    if (this.#wakeAtMs[index] !== atMs || this.#state[index] !== AGENT_UP) return
    this.#wakeAtMs[index] = Number.POSITIVE_INFINITY
    // onTick() does only what is due, so calling it at the live wakeup is always safe.
    ;(this.#nodes[index] as CyclonNode).onTick()
    this.#reschedule(index)
  }

  /**
   * Keeps exactly one live wakeup per agent, at its nextWakeupMs(). When that time moves — earlier
   * (a shuffle to time out) or later (the reply came) — a new wakeup is queued and the old one
   * goes stale, to be dropped when it comes: the agent is not woken for nothing.
   */
  #reschedule (index: number): void {
    const next = (this.#nodes[index] as CyclonNode).nextWakeupMs()
    const atMs = next === Number.POSITIVE_INFINITY ? next : Math.max(next, this.clock.nowMs())
    if (atMs === this.#wakeAtMs[index]) return
    this.#wakeAtMs[index] = atMs
    if (atMs !== Number.POSITIVE_INFINITY) this.#queue.push(atMs, WAKEUP, index, index)
  }

  /**
   * Reads, and discards, a little of the state of the agent the next event is for — its node,
   * its counters, and a word of every cache line of its storage regions — so that the memory
   * is on its way to the CPU cache while the current event runs. At 100,000 agents nearly every
   * event finds its agent's state in main memory (a few hundred nanoseconds per line on this
   * machine), and the loads issued here overlap instead of coming one after another. It
   * changes nothing the simulation computes.
   */
  #prefetch (index: number): void {
    if (index < 0) return
    const node = this.#nodes[index]
    let touched = 0
    if (node !== undefined) touched += node.cacheSize
    const storage = this.#storage
    // The numbers region read as 32-bit integers (its doubles as halves: only the loads matter),
    // one per 64-byte line.
    const ints = storage.ints
    const intsEnd = 2 * (index + 1) * storage.numbersPerNode
    for (let k = 2 * index * storage.numbersPerNode; k < intsEnd; k += 16) touched += ints[k] as number
    const refs = storage.refs
    const refsEnd = (index + 1) * storage.refsPerNode
    for (let k = index * storage.refsPerNode; k < refsEnd; k += 8) if (refs[k] === undefined) touched++
    this.#prefetched = (this.#prefetched + touched) | 0
  }

  #apply (action: SimAction): void {
    const n = this.config.agents
    if (action.kind === 'restart') {
      for (let i = 0; i < n; i++) {
        if (this.#state[i] !== AGENT_CRASHED) continue
        this.#incarnation[i] = (this.#incarnation[i] as number) + 1
        this.#wakeAtMs[i] = Number.POSITIVE_INFINITY
        this.#bringUp(i)
        this.#reschedule(i)
      }
      return
    }
    const up: number[] = []
    for (let i = 0; i < n; i++) {
      if (this.#state[i] === AGENT_UP && !(this.config.spareIntroducer && i === INTRODUCER_INDEX)) up.push(i)
    }
    const count = Math.round(action.fraction * up.length)
    const random = this.#failures
    for (let k = 0; k < count; k++) {
      const j = k + random.int(up.length - k)
      const chosen = up[j] as number
      up[j] = up[k] as number
      up[k] = chosen
      if (action.kind === 'crash') {
        this.#state[chosen] = AGENT_CRASHED
      } else {
        ;(this.#nodes[chosen] as CyclonNode).leave()
        this.#state[chosen] = AGENT_LEFT
      }
      this.#wakeAtMs[chosen] = Number.POSITIVE_INFINITY
    }
  }

  #measure (cycle: number, endMs: number): CycleMetrics {
    const snapshot = snapshotCaches(
      this.config.agents,
      i => (this.#state[i] === AGENT_UP ? this.#nodes[i] : undefined),
      this.config.cyclon,
      this.#mark,
      this.#live,
      this.#scratch
    )
    this.#lastGraph = snapshot.graph
    const every = this.config.metrics.structureEveryCycles
    const structure = cycle % every === 0 || cycle === this.config.cycles
      ? measureStructure(snapshot.graph, this.config.metrics, this.#root.fork('metrics').fork(`cycle-${cycle}`))
      : null
    const metrics = measureCycle(snapshot.graph, {
      cycle,
      timeMs: endMs,
      cacheSize: snapshot.fullSize,
      shufflesInFlight: snapshot.shufflesInFlight,
      cachesShortOfFull: snapshot.cachesShortOfFull,
      linksHeld: snapshot.linksHeld,
      emptyCaches: snapshot.emptyCaches,
      requestsReceived: this.#requests,
      bytesSent: this.#network.bytesSentInCycle,
      messagesSent: this.#network.messagesSentInCycle
    }, structure, this.#scratch)
    this.#requests.fill(0)
    this.#network.resetCycleCounters()
    return metrics
  }


  #removal (): RemovalRow[] {
    const graph = this.#lastGraph
    if (graph === null) return []
    return removalRows(graph, this.#baselineGraph, this.config.metrics.removalFractions, this.#root.fork('removal'))
  }
}
