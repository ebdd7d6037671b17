/**
 * PlacementNode: one agent's side of placement (issue 4 §1–3), as a pure, synchronous state
 * machine like CyclonNode: time, randomness, the network, the overlay's view and the cloudlet's
 * load come in through ports; nothing here awaits or sets a timer. Each agent plays both roles:
 *
 * - Requester: `place()` samples candidates uniformly from the live agents (random walks over
 *   the Cyclon caches, with a pool of unfiltered samples kept ready), asks them for their fresh
 *   load (or reads a board of stale loads, for comparison), chooses the least loaded that fits,
 *   and has it reserve the capacity; a refusal, a silence or no fitting candidate starts the next
 *   attempt with fresh candidates, up to `maxAttempts`, then "no valid host".
 * - Candidate: it ends walks, answers load queries with its load plus its reservations, and
 *   grants a reservation only while the request still fits, so concurrent placements see the
 *   capacity as taken and do not herd onto it.
 *
 * Every table is bounded and its entries expire; a message that matches nothing pending is
 * counted and ignored, and nothing a peer sends can make this throw.
 */
import { assert } from '../../core/assert.ts'
import type { Clock, PeerAddress, Random, Transport } from '../../core/ports.ts'
import type { AgentId, PeerDescriptor, PeerMetadata } from '../cyclon/peer-descriptor.ts'
import type { CloudletLoad } from './cloudlet-load.ts'
import { addAmounts, fits, utilizationAfter, ZERO_AMOUNTS } from './cloudlet-load.ts'
import type { LoadQuery, LoadReport, PlacementMessage, Release, Reserve, ReserveReply, SampleFound, SampleWalk, WalkFilter } from './messages.ts'
import type { PlacementConfig } from './placement-config.ts'
import { placementConfigProblems } from './placement-config.ts'
import type { LocationRequirements, PlacementRequest, ResourceAmounts } from './placement-request.ts'
import { agentAllowed, metadataMeets, RESOURCE_CLASSES } from './placement-request.ts'

export interface PlacementPorts {
  readonly clock: Clock
  readonly random: Random
  readonly transport: Transport<PlacementMessage>
  /** This agent's Cyclon cache right now (CyclonNode.view()); walks hop along it. */
  readonly view: () => readonly PeerDescriptor[]
  /** This cloudlet's load from its Placement service, without reservations (the agent keeps it
   * fresh; the simulator counts). Synchronous: the driver caches it. */
  readonly load: () => CloudletLoad
  /** Called once per place(), when it is decided. */
  readonly decided: (outcome: PlacementOutcome) => void
}

export interface PlacementSelf {
  readonly id: AgentId
  readonly address: string
  readonly metadata: () => PeerMetadata
}

export type PlacementOutcome =
  | {
    readonly kind: 'placed'
    readonly placementId: number
    readonly agent: { readonly id: AgentId, readonly address: string }
    /** Give it back through complete(placementId) once the create landed or failed. */
    readonly reservationId: string
    readonly attempts: number
    /** The compared figure of the chosen cloudlet at the decision (utilizationAfter). */
    readonly utilization: number
    /** From place() to the decision, in the Clock's milliseconds. */
    readonly decisionMs: number
  }
  | {
    readonly kind: 'no-valid-host'
    readonly placementId: number
    readonly attempts: number
    /** Why the last attempt failed, for logs; users see Nova's "No valid host was found". */
    readonly reason: string
    readonly decisionMs: number
  }

/** What a node counts; read by metrics, the simulator and the agent's status. */
export interface PlacementStats {
  /** place() calls. */
  placements: number
  placed: number
  noValidHost: number
  /** place() calls answered at once because maxPendingPlacements were in flight. */
  overloaded: number
  /** Attempts started (a placement makes 1..maxAttempts). */
  attempts: number
  walksStarted: number
  /** Walks this agent passed on (as a hop, or looking further for one that meets the filter). */
  walksForwarded: number
  /** Walks that ended here and reported this agent to their origin. */
  walksEnded: number
  /** Walks that ended here without meeting their filter and with no extra hops left. */
  walksGaveUp: number
  /** Walks this agent started that were not back in time (for a placement's sampling, or for the pool). */
  walksLost: number
  samplesReceived: number
  /** Pooled samples dropped unused after sampleMaxAgeMs. */
  samplesExpired: number
  /** Samples a placement could not use: a duplicate, excluded, or not meeting its requirements. */
  samplesRejected: number
  queriesSent: number
  /** LoadQuery messages this agent answered as a candidate. */
  queriesAnswered: number
  queriesTimedOut: number
  /** Load reports of candidates that did not fit, or whose round trip exceeded maxRttMs. */
  candidatesUnfit: number
  reservesSent: number
  /** Refusals received from chosen candidates. */
  reservesRefused: number
  reservesTimedOut: number
  /** Grants that came after their Reserve had timed out; released at once. */
  lateGrantsReleased: number
  /** As a candidate: reservations granted, refused, released, and expired without a release. */
  reservationsGranted: number
  reservationsRefused: number
  reservationsReleased: number
  reservationsExpired: number
  /** Releases sent (or done locally) by complete(). */
  releasesSent: number
  boardRefreshes: number
  /** Replies that match nothing pending (late, or never asked): ignored. */
  unmatched: number
  /** Messages that break the protocol (bad fields, a sample that is not its sender): ignored. */
  malformed: number
}

/** The most reservations a candidate holds; beyond it, it refuses (CONVENTIONS: a limit on everything). */
const RESERVATIONS_MAX = 4096
/** The most agents remembered as seen alive (round-robin, the board, addresses for affinity). */
const KNOWN_AGENTS_MAX = 16_384
/** The most board queries outstanding at once. */
const BOARD_QUERIES_MAX = 16_384
/** Decided placements awaiting complete(), per allowed pending placement. */
const PLACED_PER_PENDING_MAX = 4
/** A placement's walks per attempt, per candidate wanted (duplicates and misfits are replaced). */
const WALKS_PER_WANTED_MAX = 4
/** The most agents a walk's filter excludes (the schema's bound; retries add to notAgents). */
const WALK_NOT_AGENTS_MAX = 64
/** Bounds on what a peer's message may carry, checked again here to be safe without the schema. */
const HOPS_MAX = 1024
const AMOUNT_MAX = 1e12

interface KnownAgent {
  readonly id: AgentId
  readonly address: string
  readonly metadata: PeerMetadata
  readonly seenMs: number
}

interface Sample {
  readonly descriptor: PeerDescriptor
  readonly atMs: number
}

interface BoardEntry {
  /** As reported: the candidate's reservations already in `used`. */
  readonly load: CloudletLoad
  readonly atMs: number
  readonly rttMs: number
}

interface Peer {
  readonly id: AgentId
  readonly address: string
}

interface Evaluation {
  readonly peer: Peer
  readonly utilization: number
  /** The candidate's hold for this request (a reservation id there, or here for this agent). */
  holdId: string | null
}

interface Reservation {
  readonly holder: AgentId
  readonly resources: ResourceAmounts
  readonly expiresMs: number
}

interface Placed {
  readonly agent: Peer
  readonly reservationId: string
  readonly expiresMs: number
}

type Phase = 'sampling' | 'querying' | 'reserving'

interface Placement {
  readonly id: number
  readonly request: PlacementRequest
  /** The static requirements a walk can check (zone, labels, anti-affinity). */
  readonly constrained: boolean
  readonly startedMs: number
  /** Agents that refused, were silent or did not fit: not asked again by this placement. */
  readonly excluded: Set<AgentId>
  attempts: number
  phase: Phase
  deadlineMs: number
  reason: string
  /** How many candidates this attempt wants. */
  wanted: number
  readonly candidates: Map<AgentId, Peer>
  readonly walkIds: Set<number>
  walksStarted: number
  readonly queryIds: Set<number>
  readonly evaluations: Evaluation[]
  reserveId: number | null
  chosen: Evaluation | null
}

export class PlacementNode {
  readonly config: PlacementConfig
  readonly stats: PlacementStats = {
    placements: 0,
    placed: 0,
    noValidHost: 0,
    overloaded: 0,
    attempts: 0,
    walksStarted: 0,
    walksForwarded: 0,
    walksEnded: 0,
    walksGaveUp: 0,
    walksLost: 0,
    samplesReceived: 0,
    samplesExpired: 0,
    samplesRejected: 0,
    queriesSent: 0,
    queriesAnswered: 0,
    queriesTimedOut: 0,
    candidatesUnfit: 0,
    reservesSent: 0,
    reservesRefused: 0,
    reservesTimedOut: 0,
    lateGrantsReleased: 0,
    reservationsGranted: 0,
    reservationsRefused: 0,
    reservationsReleased: 0,
    reservationsExpired: 0,
    releasesSent: 0,
    boardRefreshes: 0,
    unmatched: 0,
    malformed: 0
  }

  readonly #self: PlacementSelf
  readonly #ports: PlacementPorts
  readonly #usesBoard: boolean
  readonly #boardMaxAgeMs: number
  readonly #knownMaxAgeMs: number
  readonly #placedMax: number
  /** Correlation ids of walks, queries and reserves; random start, so a previous run's late replies match nothing. */
  #nextMessageId: number
  #nextPlacementId = 1
  readonly #reservationPrefix: string
  #nextReservation = 1

  // Requester side.
  readonly #placements = new Map<number, Placement>()
  readonly #placed = new Map<number, Placed>()
  readonly #pool: Sample[] = []
  /** The pool is kept full only until sampleMaxAgeMs after the last place(): an agent that does not place walks for nobody. */
  #poolActiveUntilMs = Number.NEGATIVE_INFINITY
  /** Unfiltered walks refilling the pool, by walk id, with their deadline. */
  readonly #poolWalks = new Map<number, number>()
  /** A placement's walks, by walk id; an unfiltered one may go to the pool when the placement no longer needs it. */
  readonly #placementWalks = new Map<number, { readonly placementId: number, readonly filtered: boolean }>()
  readonly #queries = new Map<number, { readonly placementId: number, readonly peer: Peer, readonly sentMs: number }>()
  readonly #reserves = new Map<number, number>()
  /** Agents seen alive, least recently seen first (re-seeing one moves it to the end). */
  readonly #known = new Map<AgentId, KnownAgent>()
  #roundRobinLast: AgentId | null = null

  // The board (loadSource 'board' and policy 'least-loaded').
  readonly #board = new Map<AgentId, BoardEntry>()
  /** Board queries in the order sent, so the oldest expire first. */
  readonly #boardQueries = new Map<number, { readonly peer: Peer, readonly sentMs: number }>()
  #nextRefreshAtMs: number
  #refreshedOnce = false

  // Candidate side.
  readonly #reservations = new Map<string, Reservation>()

  constructor (self: PlacementSelf, ports: PlacementPorts, config: PlacementConfig) {
    const problems = placementConfigProblems(config)
    assert(problems.length === 0, `invalid placement configuration: ${problems.join('; ')}`)
    this.#self = self
    this.#ports = ports
    this.config = config
    this.#usesBoard = config.loadSource === 'board' || config.policy.kind === 'least-loaded'
    // A board entry lives three refreshes: an agent that stopped answering leaves the board.
    this.#boardMaxAgeMs = 3 * config.loadRefreshMs
    this.#knownMaxAgeMs = Math.max(config.sampleMaxAgeMs, this.#boardMaxAgeMs)
    this.#placedMax = PLACED_PER_PENDING_MAX * config.maxPendingPlacements
    this.#nextMessageId = 1 + ports.random.int(0x3fff_ffff)
    this.#reservationPrefix = ports.random.int(0x7fff_ffff).toString(36)
    this.#nextRefreshAtMs = ports.clock.nowMs()
  }

  get id (): AgentId {
    return this.#self.id
  }

  /** This agent as a fresh descriptor, as a walk reports it. */
  get descriptor (): PeerDescriptor {
    return { id: this.#self.id, address: this.#self.address, age: 0, metadata: this.#self.metadata() }
  }

  /** Placements in flight (not yet decided). */
  get pendingPlacements (): number {
    return this.#placements.size
  }

  /** Unfiltered samples ready for the next placement. */
  get poolSize (): number {
    return this.#pool.length
  }

  /**
   * Starts a placement; returns its id. ports.decided(...) follows exactly once, maybe
   * synchronously (over maxPendingPlacements, or when every candidate is this agent).
   */
  place (request: PlacementRequest): number {
    assert(RESOURCE_CLASSES.every(k => Number.isFinite(request.resources[k]) && request.resources[k] >= 0), 'a placement asks for finite, non-negative amounts')
    const id = this.#nextPlacementId++
    const now = this.#now()
    this.stats.placements++
    this.#poolActiveUntilMs = now + this.config.sampleMaxAgeMs
    if (this.#placements.size >= this.config.maxPendingPlacements) {
      this.stats.overloaded++
      this.stats.noValidHost++
      this.#ports.decided({ kind: 'no-valid-host', placementId: id, attempts: 0, reason: 'too many placements in flight at this agent', decisionMs: 0 })
      return id
    }
    const r = request.requirements
    const placement: Placement = {
      id,
      request,
      constrained: r.availabilityZone !== undefined || Object.keys(r.labels ?? {}).length > 0 || (r.notAgents ?? []).length > 0,
      startedMs: now,
      excluded: new Set(),
      attempts: 0,
      phase: 'sampling',
      deadlineMs: now,
      reason: '',
      wanted: 0,
      candidates: new Map(),
      walkIds: new Set(),
      walksStarted: 0,
      queryIds: new Set(),
      evaluations: [],
      reserveId: null,
      chosen: null
    }
    this.#placements.set(id, placement)
    this.#nextAttempt(placement, '')
    return id
  }

  /**
   * The create landed on the chosen cloudlet or failed: gives the reservation back (a Release
   * to the chosen agent, or locally when it is this one). An unknown or repeated id does nothing.
   */
  complete (placementId: number): void {
    const placed = this.#placed.get(placementId)
    if (placed === undefined) return
    this.#placed.delete(placementId)
    this.stats.releasesSent++
    if (placed.agent.id === this.#self.id) this.releaseReservation(placed.reservationId)
    else this.#ports.transport.send(placed.agent, { kind: 'Release', reservationId: placed.reservationId })
  }

  /** Candidate side, local: the create landed here and Placement now counts it. Unknown ids do nothing. */
  releaseReservation (reservationId: string): void {
    if (this.#reservations.delete(reservationId)) this.stats.reservationsReleased++
  }

  /** Capacity this agent holds for placements in flight (sum of live reservations). */
  reserved (): ResourceAmounts {
    const now = this.#now()
    let sum = ZERO_AMOUNTS
    for (const r of this.#reservations.values()) if (r.expiresMs > now) sum = addAmounts(sum, r.resources)
    return sum
  }

  /** Availability zones seen in any descriptor (this agent, its view, samples): for Nova's 400 on an unknown zone. */
  knownAvailabilityZones (): ReadonlySet<string> {
    const zones = new Set<string>()
    const add = (zone: string): void => { if (zone !== '') zones.add(zone) }
    add(this.#self.metadata().availabilityZone)
    for (const d of this.#ports.view()) add(d.metadata.availabilityZone)
    this.#expireKnown(this.#now())
    for (const k of this.#known.values()) add(k.metadata.availabilityZone)
    return zones
  }

  /** Agents this node has seen alive recently (view, samples, reports), for status and tests. */
  knownAgents (): AgentId[] {
    return [...this.#known.keys()]
  }

  /** The board's utilization of each agent on it (for status and tests); empty unless the board is used. */
  boardUtilizations (): Map<AgentId, number> {
    return new Map([...this.#board].map(([id, e]) => [id, utilizationAfter(e.load, ZERO_AMOUNTS, ZERO_AMOUNTS)]))
  }

  /** When onTick() next has something to do; a driver may sleep until then. */
  nextWakeupMs (): number {
    const now = this.#now()
    let next = Number.POSITIVE_INFINITY
    const at = (ms: number): void => { if (ms < next) next = ms }
    for (const p of this.#placements.values()) at(p.deadlineMs)
    for (const deadline of this.#poolWalks.values()) at(deadline)
    const oldest = this.#pool[0]
    if (oldest !== undefined) at(oldest.atMs + this.config.sampleMaxAgeMs)
    if (this.#poolWanted() > 0) at(now)
    for (const r of this.#reservations.values()) at(r.expiresMs)
    const firstPlaced = this.#placed.values().next()
    if (firstPlaced.done !== true) at(firstPlaced.value.expiresMs)
    if (this.#usesBoard) {
      at(this.#nextRefreshAtMs)
      const firstQuery = this.#boardQueries.values().next()
      if (firstQuery.done !== true) at(firstQuery.value.sentMs + this.config.queryTimeoutMs)
    }
    return next
  }

  /** Does what is due: expiries, the pool's refill, the board's refresh, placements' timeouts. Runs to completion. */
  onTick (): void {
    const now = this.#now()
    for (const [id, r] of this.#reservations) {
      if (r.expiresMs <= now) {
        this.#reservations.delete(id)
        this.stats.reservationsExpired++
      }
    }
    // In expiry order: entries are added in time order with the same lifetime.
    for (const [id, placed] of this.#placed) {
      if (placed.expiresMs > now) break
      this.#placed.delete(id)
    }
    this.#expireKnown(now)
    this.#tickPool(now)
    if (this.#usesBoard) this.#tickBoard(now)
    for (const p of [...this.#placements.values()]) {
      if (p.deadlineMs <= now && this.#placements.get(p.id) === p) this.#onPhaseTimeout(p)
    }
  }

  /**
   * Handles one message from a peer. Runs to completion; never throws on what a peer sends.
   * `fromAddress` is where the sender listens (the envelope's sender address); replies go there,
   * or to the address this agent knows for `from`.
   */
  onMessage (from: AgentId, message: PlacementMessage, fromAddress?: string): void {
    if (typeof message !== 'object' || message === null) {
      this.stats.malformed++
      return
    }
    const sender: Peer = { id: from, address: fromAddress ?? this.#known.get(from)?.address ?? '' }
    switch (message.kind) {
      case 'SampleWalk': return this.#onSampleWalk(message)
      case 'SampleFound': return this.#onSampleFound(from, message)
      case 'LoadQuery': return this.#onLoadQuery(sender, message)
      case 'LoadReport': return this.#onLoadReport(sender, message)
      case 'Reserve': return this.#onReserve(sender, message)
      case 'ReserveReply': return this.#onReserveReply(sender, message)
      case 'Release': return this.#onRelease(from, message)
      default: this.stats.malformed++
    }
  }

  // ---------------------------------------------------------------- requester: attempts

  /** Ends the current attempt (if any) and starts the next, or decides "no valid host". */
  #nextAttempt (p: Placement, reason: string): void {
    if (reason !== '') p.reason = reason
    this.#endPhase(p)
    this.#releaseHolds(p, null)
    if (p.attempts >= this.config.maxAttempts) return this.#decideNoHost(p)
    p.attempts++
    this.stats.attempts++
    p.candidates.clear()
    p.evaluations.length = 0
    p.walksStarted = 0
    p.chosen = null
    p.phase = 'sampling'
    p.deadlineMs = this.#now() + this.config.queryTimeoutMs
    const requirements = p.request.requirements
    if (requirements.sameAgent !== undefined) return this.#gatherAffinity(p, requirements.sameAgent)
    switch (this.config.policy.kind) {
      case 'least-loaded': return this.#gatherLeastLoaded(p)
      case 'round-robin': return this.#gatherRoundRobin(p)
      case 'random': return this.#gatherSamples(p, 1)
      case 'choices': return this.#gatherSamples(p, this.config.policy.d)
    }
  }

  /** Forgets the current phase's outstanding walks, queries and reserve: their replies will match nothing. */
  #endPhase (p: Placement): void {
    for (const walkId of p.walkIds) this.#releaseWalk(walkId)
    p.walkIds.clear()
    for (const queryId of p.queryIds) this.#queries.delete(queryId)
    p.queryIds.clear()
    if (p.reserveId !== null) this.#reserves.delete(p.reserveId)
    p.reserveId = null
  }

  /** A placement's walk it no longer needs: an unfiltered one may still fill the pool. */
  #releaseWalk (walkId: number): void {
    const walk = this.#placementWalks.get(walkId)
    if (walk === undefined) return
    this.#placementWalks.delete(walkId)
    // Only an unfiltered sample is a uniform sample of all agents, as the pool's must be.
    if (!walk.filtered && this.#poolWanted() > 0) this.#poolWalks.set(walkId, this.#now() + this.config.queryTimeoutMs)
  }

  #gatherAffinity (p: Placement, agent: AgentId): void {
    const requirements = p.request.requirements
    p.wanted = 1
    if (!agentAllowed(agent, requirements)) return this.#nextAttempt(p, 'affinity and anti-affinity exclude each other')
    if (p.excluded.has(agent)) return this.#nextAttempt(p, 'the cloudlet of the affinity group refused or did not answer')
    const peer = this.#lookUp(agent)
    if (peer === null) return this.#nextAttempt(p, 'the agent of the affinity group is not known')
    if (peer.metadata !== null && !metadataMeets(peer.metadata, requirements)) return this.#nextAttempt(p, 'the cloudlet of the affinity group does not meet the requirements')
    p.candidates.set(agent, { id: peer.id, address: peer.address })
    this.#evaluate(p)
  }

  /** The lowest utilization on the board that fits and meets the requirements (ties at random). */
  #gatherLeastLoaded (p: Placement): void {
    p.wanted = 1
    let best: Evaluation | null = null
    let ties = 0
    for (const [id, entry] of this.#board) {
      const metadata = id === this.#self.id ? this.#self.metadata() : this.#known.get(id)?.metadata
      const address = id === this.#self.id ? this.#self.address : this.#known.get(id)?.address
      if (metadata === undefined || address === undefined || !this.#eligible(p, id, metadata)) continue
      const evaluation = this.#evaluateFromBoard(p, { id, address }, entry)
      if (evaluation === null) continue
      if (best === null || evaluation.utilization < best.utilization) {
        best = evaluation
        ties = 1
      } else if (evaluation.utilization === best.utilization && this.#ports.random.int(++ties) === 0) {
        best = evaluation
      }
    }
    if (best === null) return this.#nextAttempt(p, this.#board.size === 0 ? 'no load known yet' : 'no known cloudlet fits')
    this.#reserve(p, best)
  }

  /** The next agent after the last one chosen, in id order, of those seen alive that meet the requirements. */
  #gatherRoundRobin (p: Placement): void {
    p.wanted = 1
    this.#learnView()
    const last = this.#roundRobinLast
    let first: Peer | null = null
    let next: Peer | null = null
    const self: KnownAgent = { id: this.#self.id, address: this.#self.address, metadata: this.#self.metadata(), seenMs: this.#now() }
    for (const k of [self, ...this.#known.values()]) {
      if (!this.#eligible(p, k.id, k.metadata)) continue
      if (first === null || k.id < first.id) first = k
      if (last !== null && k.id > last && (next === null || k.id < next.id)) next = k
    }
    const found = next ?? first
    const chosen: Peer | null = found === null ? null : { id: found.id, address: found.address }
    if (chosen === null) return this.#nextAttempt(p, 'no known cloudlet meets the requirements')
    this.#roundRobinLast = chosen.id
    p.candidates.set(chosen.id, chosen)
    this.#evaluate(p)
  }

  /** `wanted` distinct candidates: from the view ('view' sampler), or the pool and random walks. */
  #gatherSamples (p: Placement, wanted: number): void {
    p.wanted = wanted
    if (this.config.sampler === 'view') {
      const view = this.#ports.view()
      // Alone (an empty view), this agent is the only live agent it knows.
      const pool = view.length === 0 ? [this.descriptor] : view.filter(d => this.#eligible(p, d.id, d.metadata))
      for (let i = 0; i < pool.length && p.candidates.size < wanted; i++) {
        const j = i + this.#ports.random.int(pool.length - i)
        const d = pool[j] as PeerDescriptor
        pool[j] = pool[i] as PeerDescriptor
        if (this.#eligible(p, d.id, d.metadata)) p.candidates.set(d.id, { id: d.id, address: d.address })
      }
      if (p.candidates.size === 0) return this.#nextAttempt(p, 'no cloudlet in this agent\'s view meets the requirements')
      return this.#evaluate(p)
    }
    if (!p.constrained) this.#takeFromPool(p)
    if (p.candidates.size >= wanted) return this.#evaluate(p)
    const attempt = p.attempts
    for (let i = p.candidates.size; i < wanted; i++) {
      // A walk may end here at once (an empty view) and move the placement on.
      if (this.#placements.get(p.id) !== p || p.attempts !== attempt || p.phase !== 'sampling') return
      this.#startPlacementWalk(p)
    }
  }

  /** Unfiltered pooled samples, distinct and allowed, oldest first; the others stay pooled. */
  #takeFromPool (p: Placement): void {
    const now = this.#now()
    let kept = 0
    for (const sample of this.#pool) {
      const d = sample.descriptor
      if (sample.atMs + this.config.sampleMaxAgeMs <= now) {
        this.stats.samplesExpired++
        continue
      }
      if (p.candidates.size < p.wanted && !p.candidates.has(d.id) && this.#eligible(p, d.id, d.metadata)) {
        p.candidates.set(d.id, { id: d.id, address: d.address })
        continue
      }
      this.#pool[kept++] = sample
    }
    this.#pool.length = kept
  }

  #startPlacementWalk (p: Placement): void {
    const walkId = this.#nextMessageId++
    p.walkIds.add(walkId)
    p.walksStarted++
    const filter = this.#walkFilter(p)
    this.#placementWalks.set(walkId, { placementId: p.id, filtered: filter !== undefined })
    this.#startWalk(walkId, filter)
  }

  /** The static requirements, and the agents already excluded, for walks to check where they end. */
  #walkFilter (p: Placement): WalkFilter | undefined {
    const r = p.request.requirements
    const notAgents = [...new Set([...(r.notAgents ?? []), ...p.excluded])].slice(0, WALK_NOT_AGENTS_MAX)
    if (!p.constrained && notAgents.length === 0) return undefined
    const filter: { availabilityZone?: string, labels?: Readonly<Record<string, string>>, notAgents?: readonly AgentId[] } = {}
    if (r.availabilityZone !== undefined) filter.availabilityZone = r.availabilityZone
    if (r.labels !== undefined && Object.keys(r.labels).length > 0) filter.labels = r.labels
    if (notAgents.length > 0) filter.notAgents = notAgents
    return filter
  }

  /** A sample came back for a placement in its sampling phase. */
  #onPlacementSample (p: Placement, walkId: number, candidate: PeerDescriptor): void {
    p.walkIds.delete(walkId)
    if (!p.candidates.has(candidate.id) && this.#eligible(p, candidate.id, candidate.metadata)) {
      p.candidates.set(candidate.id, { id: candidate.id, address: candidate.address })
    } else {
      this.stats.samplesRejected++
    }
    if (p.candidates.size >= p.wanted) return this.#evaluate(p)
    const missing = p.wanted - p.candidates.size
    const budget = WALKS_PER_WANTED_MAX * p.wanted - p.walksStarted
    // Replace the walk that brought nothing new, while the budget lasts.
    if (p.walkIds.size < missing && budget > 0) return this.#startPlacementWalk(p)
    if (p.walkIds.size === 0) this.#afterSampling(p)
  }

  /** Sampling is over (all walks back, or the deadline): go on with the candidates in hand. */
  #afterSampling (p: Placement): void {
    if (p.candidates.size === 0) return this.#nextAttempt(p, 'no candidate found')
    this.#evaluate(p)
  }

  #onPhaseTimeout (p: Placement): void {
    switch (p.phase) {
      case 'sampling':
        this.stats.walksLost += p.walkIds.size
        this.#endPhase(p)
        return this.#afterSampling(p)
      case 'querying':
        this.stats.queriesTimedOut += p.queryIds.size
        for (const queryId of p.queryIds) {
          const query = this.#queries.get(queryId)
          if (query !== undefined) p.excluded.add(query.peer.id)
        }
        this.#endPhase(p)
        return this.#choose(p)
      case 'reserving':
        this.stats.reservesTimedOut++
        if (p.chosen !== null) p.excluded.add(p.chosen.peer.id)
        return this.#nextAttempt(p, 'the chosen cloudlet did not answer')
    }
  }

  // ---------------------------------------------------------------- requester: loads and the choice

  /** Gets each candidate's load: from the board when it is used and knows it, locally for this agent, else by LoadQuery. */
  #evaluate (p: Placement): void {
    this.#endPhase(p)
    p.phase = 'querying'
    p.deadlineMs = this.#now() + this.config.queryTimeoutMs
    const resources = p.request.resources
    for (const peer of p.candidates.values()) {
      const entry = this.#usesBoard ? this.#board.get(peer.id) : undefined
      if (entry !== undefined) {
        this.#accept(p, peer, this.#evaluateFromBoard(p, peer, entry))
      } else if (peer.id === this.#self.id) {
        const load = this.#ports.load()
        const reserved = this.reserved()
        if (fits(load, reserved, resources)) {
          const utilization = utilizationAfter(load, reserved, resources)
          this.#accept(p, peer, { peer, utilization, holdId: this.#grant(this.#self.id, resources, this.#holdTtlMs()) })
        } else this.#accept(p, peer, null)
      } else {
        const queryId = this.#nextMessageId++
        p.queryIds.add(queryId)
        this.#queries.set(queryId, { placementId: p.id, peer, sentMs: this.#now() })
        this.stats.queriesSent++
        this.#ports.transport.send(peer, { kind: 'LoadQuery', queryId, resources })
      }
    }
    if (p.queryIds.size === 0) this.#choose(p)
  }

  #evaluateFromBoard (p: Placement, peer: Peer, entry: BoardEntry): Evaluation | null {
    const resources = p.request.resources
    const maxRttMs = p.request.requirements.maxRttMs
    if (maxRttMs !== undefined && entry.rttMs > maxRttMs) return null
    if (!fits(entry.load, ZERO_AMOUNTS, resources)) return null
    return { peer, utilization: utilizationAfter(entry.load, ZERO_AMOUNTS, resources), holdId: null }
  }

  #accept (p: Placement, peer: Peer, evaluation: Evaluation | null): void {
    if (evaluation === null) {
      this.stats.candidatesUnfit++
      p.excluded.add(peer.id)
      return
    }
    p.evaluations.push(evaluation)
  }

  #onLoadReport (sender: Peer, message: LoadReport): void {
    const from = sender.id
    if (!isCount(message.queryId) || !isLoad(message.load) || typeof message.fits !== 'boolean' || !isRatio(message.utilization)) {
      this.stats.malformed++
      return
    }
    const now = this.#now()
    const boardQuery = this.#boardQueries.get(message.queryId)
    if (boardQuery !== undefined && boardQuery.peer.id === from) {
      this.#boardQueries.delete(message.queryId)
      this.#putOnBoard(from, message.load, now, now - boardQuery.sentMs)
      this.#see(boardQuery.peer.id, boardQuery.peer.address, null, now)
      return
    }
    const query = this.#queries.get(message.queryId)
    const p = query === undefined ? undefined : this.#placements.get(query.placementId)
    if (query === undefined || p === undefined || query.peer.id !== from) {
      this.stats.unmatched++
      // A hold for a query given up on helps nobody: give it back now.
      if (message.holdId !== undefined && isReservationId(message.holdId) && sender.address !== '') {
        this.#ports.transport.send(sender, { kind: 'Release', reservationId: message.holdId })
      }
      return
    }
    this.#queries.delete(message.queryId)
    p.queryIds.delete(message.queryId)
    const rttMs = now - query.sentMs
    if (this.#usesBoard) this.#putOnBoard(from, message.load, now, rttMs)
    const maxRttMs = p.request.requirements.maxRttMs
    const usable = message.fits && (maxRttMs === undefined || rttMs <= maxRttMs)
    this.#see(from, query.peer.address, null, now)
    const holdId = message.holdId !== undefined && isReservationId(message.holdId) ? message.holdId : null
    if (usable) this.#accept(p, query.peer, { peer: query.peer, utilization: message.utilization, holdId })
    else {
      if (holdId !== null) this.#ports.transport.send(query.peer, { kind: 'Release', reservationId: holdId })
      this.#accept(p, query.peer, null)
    }
    if (p.queryIds.size === 0) this.#choose(p)
  }

  /** The lowest utilization of the usable candidates, ties at random; then the reservation. */
  #choose (p: Placement): void {
    let best: Evaluation | null = null
    let ties = 0
    for (const evaluation of p.evaluations) {
      if (best === null || evaluation.utilization < best.utilization) {
        best = evaluation
        ties = 1
      } else if (evaluation.utilization === best.utilization && this.#ports.random.int(++ties) === 0) {
        best = evaluation
      }
    }
    if (best === null) return this.#nextAttempt(p, p.candidates.size === 0 ? 'no candidate found' : 'no candidate fits or answered in time')
    this.#releaseHolds(p, best)
    this.#reserve(p, best)
  }

  /** Gives back the holds of every evaluated candidate but `kept`. */
  #releaseHolds (p: Placement, kept: Evaluation | null): void {
    for (const evaluation of p.evaluations) {
      if (evaluation === kept || evaluation.holdId === null) continue
      if (evaluation.peer.id === this.#self.id) this.#reservations.delete(evaluation.holdId)
      else this.#ports.transport.send(evaluation.peer, { kind: 'Release', reservationId: evaluation.holdId })
      evaluation.holdId = null
    }
  }

  /** How long a candidate holds a request's resources after answering its LoadQuery. */
  #holdTtlMs (): number {
    return 2 * this.config.queryTimeoutMs
  }

  #reserve (p: Placement, chosen: Evaluation): void {
    this.#endPhase(p)
    p.chosen = chosen
    const resources = p.request.resources
    if (chosen.peer.id === this.#self.id) {
      if (chosen.holdId !== null) this.#reservations.delete(chosen.holdId)
      chosen.holdId = null
      const reservationId = this.#grant(this.#self.id, resources, this.config.reservationTtlMs)
      if (reservationId === null) {
        this.stats.reservesRefused++
        p.excluded.add(this.#self.id)
        return this.#nextAttempt(p, 'the chosen cloudlet refused the reservation')
      }
      return this.#decidePlaced(p, chosen, reservationId)
    }
    const reserveId = this.#nextMessageId++
    p.reserveId = reserveId
    p.phase = 'reserving'
    p.deadlineMs = this.#now() + this.config.queryTimeoutMs
    this.#reserves.set(reserveId, p.id)
    this.stats.reservesSent++
    const holdId = chosen.holdId
    chosen.holdId = null
    this.#ports.transport.send(chosen.peer, holdId === null
      ? { kind: 'Reserve', reserveId, resources, ttlMs: this.config.reservationTtlMs }
      : { kind: 'Reserve', reserveId, resources, ttlMs: this.config.reservationTtlMs, holdId })
  }

  #onReserveReply (sender: Peer, message: ReserveReply): void {
    const reservationId = message.reservationId
    if (!isCount(message.reserveId) || (reservationId !== undefined && !isReservationId(reservationId))) {
      this.stats.malformed++
      return
    }
    const placementId = this.#reserves.get(message.reserveId)
    const p = placementId === undefined ? undefined : this.#placements.get(placementId)
    if (p === undefined || p.chosen === null || p.chosen.peer.id !== sender.id) {
      this.stats.unmatched++
      // A grant that came too late holds capacity nobody will use: give it back now.
      if (reservationId !== undefined && sender.address !== '') {
        this.stats.lateGrantsReleased++
        this.#ports.transport.send(sender, { kind: 'Release', reservationId })
      }
      return
    }
    this.#reserves.delete(message.reserveId)
    p.reserveId = null
    if (reservationId === undefined) {
      this.stats.reservesRefused++
      p.excluded.add(sender.id)
      return this.#nextAttempt(p, 'the chosen cloudlet refused the reservation')
    }
    this.#decidePlaced(p, p.chosen, reservationId)
  }

  #decidePlaced (p: Placement, chosen: Evaluation, reservationId: string): void {
    const now = this.#now()
    this.#endPhase(p)
    this.#placements.delete(p.id)
    if (this.#placed.size >= this.#placedMax) {
      // The oldest never completed; its reservation expires on its own.
      const oldest = this.#placed.keys().next()
      if (oldest.done !== true) this.#placed.delete(oldest.value)
    }
    this.#placed.set(p.id, { agent: chosen.peer, reservationId, expiresMs: now + this.config.reservationTtlMs })
    this.stats.placed++
    this.#ports.decided({
      kind: 'placed',
      placementId: p.id,
      agent: { id: chosen.peer.id, address: chosen.peer.address },
      reservationId,
      attempts: p.attempts,
      utilization: chosen.utilization,
      decisionMs: now - p.startedMs
    })
  }

  #decideNoHost (p: Placement): void {
    this.#endPhase(p)
    this.#releaseHolds(p, null)
    this.#placements.delete(p.id)
    this.stats.noValidHost++
    this.#ports.decided({ kind: 'no-valid-host', placementId: p.id, attempts: p.attempts, reason: p.reason === '' ? 'no valid host' : p.reason, decisionMs: this.#now() - p.startedMs })
  }

  // ---------------------------------------------------------------- walks and the pool

  /** How many more pool walks to start now (0 with the 'view' sampler, or while this agent does not place). */
  #poolWanted (): number {
    if (this.config.sampler !== 'walk' || this.#now() >= this.#poolActiveUntilMs) return 0
    return Math.max(0, this.config.samplePoolSize - this.#pool.length - this.#poolWalks.size)
  }

  #tickPool (now: number): void {
    let kept = 0
    for (const sample of this.#pool) {
      if (sample.atMs + this.config.sampleMaxAgeMs <= now) this.stats.samplesExpired++
      else this.#pool[kept++] = sample
    }
    this.#pool.length = kept
    for (const [walkId, deadline] of this.#poolWalks) {
      if (deadline <= now) {
        this.#poolWalks.delete(walkId)
        this.stats.walksLost++
      }
    }
    for (let wanted = this.#poolWanted(); wanted > 0; wanted--) {
      const walkId = this.#nextMessageId++
      this.#poolWalks.set(walkId, now + this.config.queryTimeoutMs)
      this.#startWalk(walkId, undefined)
    }
  }

  #startWalk (walkId: number, filter: WalkFilter | undefined): void {
    this.stats.walksStarted++
    const walk: { -readonly [K in keyof SampleWalk]: SampleWalk[K] } = {
      kind: 'SampleWalk',
      walkId,
      origin: { id: this.#self.id, address: this.#self.address },
      hopsLeft: this.config.walkLength,
      extraHopsLeft: this.config.walkExtraHops
    }
    if (filter !== undefined) walk.filter = filter
    this.#stepWalk(walk)
  }

  #onSampleWalk (walk: SampleWalk): void {
    if (!isCount(walk.walkId) || !isPeer(walk.origin) || !isCount(walk.hopsLeft) || walk.hopsLeft > HOPS_MAX ||
      !isCount(walk.extraHopsLeft) || walk.extraHopsLeft > HOPS_MAX || (walk.filter !== undefined && !isFilter(walk.filter))) {
      this.stats.malformed++
      return
    }
    this.#stepWalk(walk)
  }

  /**
   * One step of a walk at this agent: on to a random neighbour while it has hops left; where it
   * ends, this agent reports itself to the origin if it meets the filter, else the walk goes on
   * while it has extra hops. An empty view ends the walk here.
   */
  #stepWalk (walk: SampleWalk): void {
    const view = this.#ports.view()
    if (walk.hopsLeft > 0 && view.length > 0) return this.#forwardWalk(walk, view, walk.hopsLeft - 1, walk.extraHopsLeft)
    if (this.#meets(walk.filter)) {
      this.stats.walksEnded++
      const found: SampleFound = { kind: 'SampleFound', walkId: walk.walkId, candidate: this.descriptor }
      if (walk.origin.id === this.#self.id) return this.#onSampleFound(this.#self.id, found)
      return this.#ports.transport.send(walk.origin, found)
    }
    if (walk.extraHopsLeft > 0 && view.length > 0) return this.#forwardWalk(walk, view, 0, walk.extraHopsLeft - 1)
    this.stats.walksGaveUp++
  }

  #forwardWalk (walk: SampleWalk, view: readonly PeerDescriptor[], hopsLeft: number, extraHopsLeft: number): void {
    const next = view[this.#ports.random.int(view.length)] as PeerDescriptor
    this.stats.walksForwarded++
    this.#ports.transport.send(next, { ...walk, hopsLeft, extraHopsLeft })
  }

  #meets (filter: WalkFilter | undefined): boolean {
    if (filter === undefined) return true
    if ((filter.notAgents ?? []).includes(this.#self.id)) return false
    return metadataMeets(this.#self.metadata(), filter)
  }

  #onSampleFound (from: AgentId, message: SampleFound): void {
    if (!isCount(message.walkId) || !isDescriptor(message.candidate) || message.candidate.id !== from) {
      this.stats.malformed++
      return
    }
    const now = this.#now()
    const candidate = message.candidate
    if (this.#poolWalks.delete(message.walkId)) {
      this.stats.samplesReceived++
      this.#see(candidate.id, candidate.address, candidate.metadata, now)
      this.#pool.push({ descriptor: candidate, atMs: now })
      return
    }
    const walk = this.#placementWalks.get(message.walkId)
    const p = walk === undefined ? undefined : this.#placements.get(walk.placementId)
    if (p === undefined || p.phase !== 'sampling') {
      this.stats.unmatched++
      return
    }
    this.#placementWalks.delete(message.walkId)
    this.stats.samplesReceived++
    this.#see(candidate.id, candidate.address, candidate.metadata, now)
    this.#onPlacementSample(p, message.walkId, candidate)
  }

  // ---------------------------------------------------------------- the board

  #tickBoard (now: number): void {
    for (const [queryId, query] of this.#boardQueries) {
      if (query.sentMs + this.config.queryTimeoutMs > now) break
      this.#boardQueries.delete(queryId)
      this.stats.queriesTimedOut++
    }
    for (const [id, entry] of this.#board) if (entry.atMs + this.#boardMaxAgeMs <= now) this.#board.delete(id)
    if (now < this.#nextRefreshAtMs) return
    // The first refresh is at once; then a random phase, so agents started together do not refresh in lockstep.
    this.#nextRefreshAtMs = now + (this.#refreshedOnce ? this.config.loadRefreshMs : 1 + this.#ports.random.int(this.config.loadRefreshMs))
    this.#refreshedOnce = true
    this.stats.boardRefreshes++
    this.#learnView()
    this.#putOnBoard(this.#self.id, withReserved(this.#ports.load(), this.reserved()), now, 0)
    for (const agent of this.#known.values()) {
      if (this.#boardQueries.size >= BOARD_QUERIES_MAX) break
      const queryId = this.#nextMessageId++
      this.#boardQueries.set(queryId, { peer: agent, sentMs: now })
      this.stats.queriesSent++
      this.#ports.transport.send(agent, { kind: 'LoadQuery', queryId, resources: ZERO_AMOUNTS })
    }
  }

  #putOnBoard (id: AgentId, load: CloudletLoad, atMs: number, rttMs: number): void {
    if (!this.#usesBoard) return
    if (!this.#board.has(id) && this.#board.size >= KNOWN_AGENTS_MAX + 1) return
    this.#board.set(id, { load, atMs, rttMs })
  }

  // ---------------------------------------------------------------- agents seen alive

  /** Remembers an agent seen alive now; `metadata` null keeps what is known. */
  #see (id: AgentId, address: string, metadata: PeerMetadata | null, now: number): void {
    if (id === this.#self.id) return
    const known = this.#known.get(id)
    const description = metadata ?? known?.metadata
    if (description === undefined) return
    if (known !== undefined) this.#known.delete(id)
    else if (this.#known.size >= KNOWN_AGENTS_MAX) {
      const oldest = this.#known.keys().next()
      if (oldest.done !== true) this.#known.delete(oldest.value)
    }
    this.#known.set(id, { id, address, metadata: description, seenMs: now })
  }

  #learnView (): void {
    const now = this.#now()
    for (const d of this.#ports.view()) this.#see(d.id, d.address, d.metadata, now)
  }

  #expireKnown (now: number): void {
    for (const [id, k] of this.#known) {
      if (k.seenMs + this.#knownMaxAgeMs > now) break
      this.#known.delete(id)
    }
  }

  /** Where an agent is, and its metadata when known: this agent, the known agents, the view. */
  #lookUp (id: AgentId): { id: AgentId, address: string, metadata: PeerMetadata | null } | null {
    if (id === this.#self.id) return { id, address: this.#self.address, metadata: this.#self.metadata() }
    const known = this.#known.get(id)
    if (known !== undefined) return known
    const inView = this.#ports.view().find(d => d.id === id)
    return inView === undefined ? null : inView
  }

  #eligible (p: Placement, id: AgentId, metadata: PeerMetadata): boolean {
    const requirements: LocationRequirements = p.request.requirements
    return !p.excluded.has(id) && agentAllowed(id, requirements) && metadataMeets(metadata, requirements)
  }

  // ---------------------------------------------------------------- candidate side

  #onLoadQuery (sender: Peer, message: LoadQuery): void {
    if (!isCount(message.queryId) || !isAmounts(message.resources)) {
      this.stats.malformed++
      return
    }
    const load = this.#ports.load()
    const reserved = this.reserved()
    this.stats.queriesAnswered++
    const report: LoadReport = {
      kind: 'LoadReport',
      queryId: message.queryId,
      load: withReserved(load, reserved),
      fits: fits(load, reserved, message.resources),
      utilization: utilizationAfter(load, reserved, message.resources)
    }
    // Held after the figure is taken, so that the next query here sees this one's demand.
    const holdId = report.fits ? this.#grant(sender.id, message.resources, this.#holdTtlMs()) : null
    this.#ports.transport.send(sender, holdId === null ? report : { ...report, holdId })
  }

  #onReserve (sender: Peer, message: Reserve): void {
    if (!isCount(message.reserveId) || !isAmounts(message.resources) || !isCount(message.ttlMs)) {
      this.stats.malformed++
      return
    }
    // A requester may ask for less time than this agent allows, never more.
    const ttlMs = Math.min(Math.max(1, message.ttlMs), this.config.reservationTtlMs)
    // The hold this reservation replaces goes first, so that it does not count against it.
    if (message.holdId !== undefined && isReservationId(message.holdId) && this.#reservations.get(message.holdId)?.holder === sender.id) {
      this.#reservations.delete(message.holdId)
    }
    const reservationId = this.#grant(sender.id, message.resources, ttlMs)
    const reply: ReserveReply = reservationId === null ? { kind: 'ReserveReply', reserveId: message.reserveId } : { kind: 'ReserveReply', reserveId: message.reserveId, reservationId }
    this.#ports.transport.send(sender, reply)
  }

  /** Holds `resources` for `holder` if they still fit beside the load and the other reservations. */
  #grant (holder: AgentId, resources: ResourceAmounts, ttlMs: number): string | null {
    if (this.#reservations.size >= RESERVATIONS_MAX || !fits(this.#ports.load(), this.reserved(), resources)) {
      this.stats.reservationsRefused++
      return null
    }
    const reservationId = `${this.#reservationPrefix}-${(this.#nextReservation++).toString(36)}`
    this.#reservations.set(reservationId, { holder, resources, expiresMs: this.#now() + ttlMs })
    this.stats.reservationsGranted++
    return reservationId
  }

  #onRelease (from: AgentId, message: Release): void {
    if (!isReservationId(message.reservationId)) {
      this.stats.malformed++
      return
    }
    const reservation = this.#reservations.get(message.reservationId)
    // Only its holder may give a reservation back.
    if (reservation === undefined || reservation.holder !== from) {
      this.stats.unmatched++
      return
    }
    this.#reservations.delete(message.reservationId)
    this.stats.reservationsReleased++
  }

  #now (): number {
    return this.#ports.clock.nowMs()
  }
}

/** The load as a candidate reports it: its reservations counted as used. */
function withReserved (load: CloudletLoad, reserved: ResourceAmounts): CloudletLoad {
  return {
    vcpus: { capacity: load.vcpus.capacity, used: load.vcpus.used + reserved.vcpus },
    memoryMb: { capacity: load.memoryMb.capacity, used: load.memoryMb.used + reserved.memoryMb },
    diskGb: { capacity: load.diskGb.capacity, used: load.diskGb.used + reserved.diskGb }
  }
}

// Defensive checks of what a peer sent. The agent checks every message against its schema
// first; these keep the node from throwing on anything that slipped through (or a simulator's bug).

function isCount (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function isAmount (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= AMOUNT_MAX
}

function isRatio (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function isAmounts (value: unknown): value is ResourceAmounts {
  return isRecord(value) && RESOURCE_CLASSES.every(k => isAmount(value[k]))
}

function isLoad (value: unknown): value is CloudletLoad {
  return isRecord(value) && RESOURCE_CLASSES.every(k => {
    const usage = value[k]
    return isRecord(usage) && isAmount(usage.capacity) && isAmount(usage.used)
  })
}

function isStringRecord (value: unknown): value is Record<string, string> {
  return isRecord(value) && !Array.isArray(value) && Object.values(value).every(v => typeof v === 'string')
}

function isPeer (value: unknown): value is PeerAddress {
  return isRecord(value) && typeof value.id === 'string' && value.id !== '' && typeof value.address === 'string'
}

function isMetadata (value: unknown): value is PeerMetadata {
  return isRecord(value) && typeof value.version === 'number' && typeof value.cloudlet === 'string' && typeof value.region === 'string' &&
    typeof value.availabilityZone === 'string' && isStringRecord(value.labels) && typeof value.software === 'string'
}

function isDescriptor (value: unknown): value is PeerDescriptor {
  return isPeer(value) && isMetadata((value as unknown as Record<string, unknown>).metadata)
}

function isFilter (value: unknown): value is WalkFilter {
  if (!isRecord(value)) return false
  if (value.availabilityZone !== undefined && typeof value.availabilityZone !== 'string') return false
  if (value.labels !== undefined && !isStringRecord(value.labels)) return false
  return value.notAgents === undefined || (Array.isArray(value.notAgents) && value.notAgents.every(a => typeof a === 'string'))
}

function isReservationId (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64
}
