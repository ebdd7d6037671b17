/**
 * CyclonNode: one agent's side of Cyclon peer sampling (Voulgaris, Gavidia, van Steen, JNSM
 * 13(2), 2005, "enhanced shuffling"), as a pure, synchronous state machine. Time, randomness
 * and the network come in through ports; nothing here awaits or sets a timer. A driver calls
 * onTick() (the real agent on a timer, the simulator when nextWakeupMs() says there is work)
 * and onMessage() for each message; the node answers by sending messages.
 *
 * Every cycle the node ages its entries, picks Q (the oldest), sends Q ℓ entries — Q's own
 * replaced by a fresh entry for itself — and Q answers with ℓ random entries of its own; both
 * keep what they received, filling empty slots first and then the slots of the entries they
 * sent. A Q that does not answer in time has already been dropped. Newcomers get in through an
 * introducer's random walks; a node whose cache empties joins again, backing off; leaving tells
 * the neighbours.
 *
 * Layout (README.md): the simulator runs 100,000 of these. A cache slot is a peer handle (a
 * small integer from a PeerTable) and an age, as 32-bit integers in the node's region of a
 * NodeStorage, and the entry's id, address and metadata in its region of the storage's
 * references; the pending shuffles' records follow in the same regions. Entries are updated in
 * place and found by a scan of integers; keeping a received entry allocates nothing, and one
 * sent by a node of the same shared table (in the simulator) is not even looked up (see
 * PeerTable's tags). Only the messages sent are fresh objects.
 */
import { assert } from '../../core/assert.ts'
import type { Clock, PeerAddress, Random, Transport } from '../../core/ports.ts'
import type { CyclonConfig } from './cyclon-config.ts'
import { cyclonConfigProblems } from './cyclon-config.ts'
import type { CyclonMessage } from './messages.ts'
import { NodeStorage, REFS_PER_PEER, pendingRecordLength } from './node-storage.ts'
import { PendingShuffles } from './pending-shuffles.ts'
import type { AgentId, PeerDescriptor, PeerMetadata } from './peer-descriptor.ts'
import { NO_PEER, PeerTable, tagged, taggedAddress } from './peer-table.ts'

export interface CyclonPorts {
  readonly clock: Clock
  readonly random: Random
  readonly transport: Transport<CyclonMessage>
}

export interface CyclonSelf {
  readonly id: AgentId
  readonly address: string
  readonly metadata: PeerMetadata
}

export interface CyclonNodeOptions {
  /**
   * A PeerTable shared with other nodes in the same process (the simulator's, which interns
   * every agent up front). Without it the node keeps a table of its own and rebuilds it, with
   * only the peers it still holds, whenever it has grown well past what a cache needs.
   */
  readonly peers?: PeerTable
  /**
   * Where the node keeps its cache and pending shuffles: region `slot` of `storage`, shared with
   * other nodes (the simulator's, one region per agent). The node clears the region when it
   * starts. Without it the node has a storage of its own.
   */
  readonly storage?: { readonly storage: NodeStorage, readonly slot: number }
}

/** What a node counts; read by metrics and by the agent's status. */
export interface CyclonStats {
  shufflesStarted: number
  shufflesCompleted: number
  shufflesTimedOut: number
  /** Cycles skipped because too many shuffles were still awaiting replies. */
  shufflesSkipped: number
  shuffleRequestsReceived: number
  /** Replies whose shuffle had timed out or never existed; their entries only fill empty slots. */
  staleReplies: number
  joinRequestsSent: number
  joinRequestsReceived: number
  /** Join requests from a newcomer already helped within the backoff, ignored. */
  joinRequestsRepeated: number
  joinWalksForwarded: number
  joinWalksAccepted: number
  leavesReceived: number
  /** Messages that broke the protocol (a shuffle request without its sender first). */
  malformed: number
}

/** The most newcomers an introducer remembers, to ignore their repeated join requests. */
const RECENT_NEWCOMERS_MAX = 1024
/** An empty cache backs off up to this many times the base backoff. */
const REJOIN_BACKOFF_FACTOR_MAX = 16
/** A table of the node's own is rebuilt when it holds more peers than this (plus a few per cache slot). */
const OWN_TABLE_SLACK = 256

/**
 * Scratch for drawing random cache slots (#pickRandom) and for the peers a shuffle reply gives
 * away, shared by every node of the process: each use is over before the node sends anything,
 * so no other node can run in between.
 */
const picks: number[] = []
const repliedPeers: number[] = []

export class CyclonNode {
  readonly config: CyclonConfig
  readonly stats: CyclonStats = {
    shufflesStarted: 0,
    shufflesCompleted: 0,
    shufflesTimedOut: 0,
    shufflesSkipped: 0,
    shuffleRequestsReceived: 0,
    staleReplies: 0,
    joinRequestsSent: 0,
    joinRequestsReceived: 0,
    joinRequestsRepeated: 0,
    joinWalksForwarded: 0,
    joinWalksAccepted: 0,
    leavesReceived: 0,
    malformed: 0
  }

  // The ports, held one by one rather than as the ports object: one pointer less to follow.
  readonly #random: Random
  readonly #transport: Transport<CyclonMessage>
  readonly #clock: Clock
  /**
   * Cache slot k (k < #size) holds peer #ints[#base + k], of age #ints[#ageBase + k], with id,
   * address and metadata at #refs[#refBase + 3k …]; the pending shuffles' records follow in
   * the storage's numbers and references (PendingShuffles).
   */
  readonly #ints: Int32Array
  readonly #base: number
  readonly #ageBase: number
  readonly #refs: unknown[]
  readonly #refBase: number
  #size = 0
  readonly #pending: PendingShuffles
  #table: PeerTable
  #selfHandle: number
  /** This node as its peers see it (age 0); rebuilt when its metadata changes. */
  #selfDescriptor: PeerDescriptor
  #self: CyclonSelf
  readonly #ownsTable: boolean
  #nextShuffleId: number
  #nextShuffleAtMs: number
  #contacts: readonly PeerAddress[] = []
  #nextJoinAtMs: number | null = null
  #joinAttempts = 0
  /** Created when the node first acts as an introducer. */
  #recentNewcomers: Map<AgentId, number> | null = null
  #left = false

  constructor (self: CyclonSelf, ports: CyclonPorts, config: CyclonConfig, options: CyclonNodeOptions = {}) {
    const problems = cyclonConfigProblems(config)
    if (problems.length > 0) assert(false, `invalid Cyclon configuration: ${problems.join('; ')}`)
    this.#random = ports.random
    this.#transport = ports.transport
    this.#clock = ports.clock
    this.config = config
    const { storage, slot } = options.storage ?? { storage: new NodeStorage(config, 1), slot: 0 }
    assert(storage.fits(config) && slot >= 0 && slot < storage.nodes, 'the node\'s storage region does not fit its configuration')
    const c = config.cacheSize
    const numbersBase = slot * storage.numbersPerNode
    this.#ints = storage.ints
    this.#base = 2 * numbersBase
    this.#ageBase = this.#base + c
    this.#refs = storage.refs
    this.#refBase = slot * storage.refsPerNode
    // A region may have served an earlier node (an agent that restarted).
    storage.numbers.fill(0, numbersBase, numbersBase + storage.numbersPerNode)
    this.#refs.fill(undefined, this.#refBase, this.#refBase + storage.refsPerNode)
    // The cache's handles and ages (2c integers) take the room of c doubles; the records follow.
    this.#pending = new PendingShuffles(storage.numbers, numbersBase + c, this.#refs, this.#refBase + REFS_PER_PEER * c, config.maxPendingShuffles, pendingRecordLength(config))
    const table = options.peers ?? new PeerTable()
    this.#table = table
    this.#selfHandle = table.intern(self.id)
    this.#ownsTable = options.peers === undefined
    this.#selfDescriptor = this.#describe(this.#selfHandle, self.id, self.address, 0, self.metadata)
    this.#self = self
    // Random, so that a late reply meant for a previous run of this agent matches nothing.
    this.#nextShuffleId = 1 + ports.random.int(0x7fff_ffff)
    // A random phase, so that agents started together do not shuffle in lockstep.
    this.#nextShuffleAtMs = ports.clock.nowMs() + ports.random.int(Math.max(1, Math.floor(config.shufflePeriodMs)))
  }

  get id (): AgentId {
    return this.#self.id
  }

  /** This node as its peers see it: a fresh descriptor (age 0). Shared and immutable. */
  get descriptor (): PeerDescriptor {
    return this.#selfDescriptor
  }

  /** The cache now, as copies. */
  view (): PeerDescriptor[] {
    const view: PeerDescriptor[] = []
    for (let k = 0; k < this.#size; k++) view.push({ id: this.#idAt(k), address: this.#addressAt(k), age: this.#ageAt(k), metadata: this.#metadataAt(k) })
    return view
  }

  /** The ids in the cache now (for metrics over many nodes). */
  neighbourIds (): AgentId[] {
    const ids: AgentId[] = []
    for (let k = 0; k < this.#size; k++) ids.push(this.#idAt(k))
    return ids
  }

  /**
   * The cache's peers as handles of the node's PeerTable (the one given in its options),
   * written into `into` from `at`; returns how many. For a simulator measuring many nodes
   * without allocating.
   */
  copyNeighbourHandles (into: Int32Array, at: number): number {
    const ints = this.#ints
    const base = this.#base
    for (let k = 0; k < this.#size; k++) into[at + k] = ints[base + k] as number
    return this.#size
  }

  get cacheSize (): number {
    return this.#size
  }

  get hasLeft (): boolean {
    return this.#left
  }

  /** The peers whose shuffles await a reply (their entries are out of the cache until then). */
  pendingPeers (): AgentId[] {
    const ids: AgentId[] = []
    for (let i = 0; i < this.#pending.count; i++) ids.push(this.#pending.peerId(i))
    return ids
  }

  /** Changes this node's metadata; its version goes up so peers replace the old description. */
  setMetadata (metadata: Omit<PeerMetadata, 'version'>): void {
    this.#self = { ...this.#self, metadata: { ...metadata, version: this.#self.metadata.version + 1 } }
    this.#selfDescriptor = this.#describe(this.#selfHandle, this.#self.id, this.#self.address, 0, this.#self.metadata)
  }

  /**
   * Puts known peers in the cache without asking anyone, into empty slots only: a cache kept
   * on disk across a restart, or a simulation's starting topology.
   */
  seed (entries: readonly PeerDescriptor[]): void {
    this.#left = false
    this.#merge(entries, NO_SLOTS, 0, 0)
    this.#compactTableIfLarge()
  }

  /**
   * Enters the overlay through `contacts`: an introducer, or seed agents. Seeds are also put in
   * the cache at once (they are known peers); one contact at a time is asked to let this node
   * in, again and again with a growing backoff while the cache stays empty. Calling it again
   * replaces the contacts.
   */
  join (contacts: readonly PeerAddress[], options: { seedsInCache?: boolean } = {}): void {
    this.#left = false
    // Kept as given when this node is not among them (no copy per node for a shared list).
    this.#contacts = contacts.some(c => c.id === this.#self.id) ? contacts.filter(c => c.id !== this.#self.id) : contacts
    if (options.seedsInCache === true) {
      this.#merge(this.#contacts.map(c => ({ id: c.id as AgentId, address: c.address, age: 0, metadata: UNKNOWN_METADATA })), NO_SLOTS, 0, 0)
      this.#compactTableIfLarge()
    }
    this.#joinAttempts = 0
    this.#sendJoin()
  }

  /** Leaves gracefully: tells every neighbour to forget this node, and stops taking part. */
  leave (): void {
    const size = this.#size
    this.#size = 0
    for (let k = 0; k < size; k++) this.#transport.send(this.#addressOfSlot(k), { kind: 'Leave', id: this.#self.id })
    this.#refs.fill(undefined, this.#refBase, this.#refBase + REFS_PER_PEER * size)
    this.#pending.clear()
    this.#left = true
  }

  /** When onTick() next has something to do (a shuffle, a timeout, a join); a driver may sleep until then. */
  nextWakeupMs (): number {
    if (this.#left) return Number.POSITIVE_INFINITY
    let next = this.#nextShuffleAtMs
    if (this.#pending.count > 0) next = Math.min(next, this.#pending.earliestDeadlineMs())
    if (this.#size === 0 && this.#nextJoinAtMs !== null && this.#nextJoinAtMs < next) next = this.#nextJoinAtMs
    return next
  }

  /** Does what is due: expires unanswered shuffles, rejoins with an empty cache, starts a shuffle. Runs to completion. */
  onTick (): void {
    const now = this.#clock.nowMs()
    const pending = this.#pending
    for (let i = 0; i < pending.count;) {
      if (pending.deadlineMs(i) <= now) {
        pending.removeAt(i)
        this.stats.shufflesTimedOut++
      } else {
        i++
      }
    }
    if (this.#left) return
    if (this.#size === 0) {
      if (this.#nextJoinAtMs !== null && now >= this.#nextJoinAtMs) this.#sendJoin()
      while (this.#nextShuffleAtMs <= now) this.#nextShuffleAtMs += this.config.shufflePeriodMs
      return
    }
    this.#joinAttempts = 0
    if (now >= this.#nextShuffleAtMs) {
      while (this.#nextShuffleAtMs <= now) this.#nextShuffleAtMs += this.config.shufflePeriodMs
      this.#shuffle(now)
    }
  }

  /** Handles one message from a peer. Runs to completion; a message it cannot use is counted and ignored. */
  onMessage (from: AgentId, message: CyclonMessage): void {
    if (this.#left) return
    switch (message.kind) {
      case 'ShuffleRequest': this.#onShuffleRequest(from, message.shuffleId, message.entries); break
      case 'ShuffleReply': this.#onShuffleReply(message.shuffleId, message.entries); break
      case 'JoinRequest': this.#onJoinRequest(message.newcomer); break
      case 'JoinWalk': this.#onJoinWalk(message.newcomer, message.ttl); break
      case 'JoinReply': this.#merge(message.entries, NO_SLOTS, 0, 0); break
      case 'Leave': this.#onLeave(from); break
    }
    this.#compactTableIfLarge()
  }

  #shuffle (now: number): void {
    const ints = this.#ints
    const ageBase = this.#ageBase
    for (let k = 0; k < this.#size; k++) ints[ageBase + k] = (ints[ageBase + k] as number) + 1
    if (this.#pending.full) {
      this.stats.shufflesSkipped++
      return
    }
    const oldest = this.#oldestSlot()
    const to = this.#addressOfSlot(oldest)
    const shuffleId = this.#nextShuffleId++
    // Q leaves the cache for the pending shuffle's record until the reply comes.
    const record = this.#pending.open(shuffleId, now + this.config.replyTimeoutMs, this.#peerAt(oldest), this.#idAt(oldest), this.#addressAt(oldest), this.#metadataAt(oldest))
    this.#removeSwappingLast(oldest)
    const count = this.#pickRandom(this.config.shuffleLength - 1, NO_PEER)
    const entries = new Array<PeerDescriptor>(count + 1)
    entries[0] = this.#selfDescriptor
    for (let i = 0; i < count; i++) {
      const k = picks[i] as number
      entries[i + 1] = this.#descriptorAt(k)
      this.#pending.addSent(record, this.#peerAt(k))
    }
    this.stats.shufflesStarted++
    this.#transport.send(to, { kind: 'ShuffleRequest', shuffleId, entries })
  }

  #onShuffleRequest (from: AgentId, shuffleId: number, entries: readonly PeerDescriptor[]): void {
    const sender = entries[0]
    if (sender === undefined || sender.id !== from) {
      this.stats.malformed++
      return
    }
    this.stats.shuffleRequestsReceived++
    const count = this.#pickRandom(this.config.shuffleLength, this.#handleOf(sender))
    const replied = new Array<PeerDescriptor>(count)
    for (let i = 0; i < count; i++) {
      const k = picks[i] as number
      replied[i] = this.#descriptorAt(k)
      repliedPeers[i] = this.#peerAt(k)
    }
    // Merged before the reply goes (it holds copies): the scratch arrays are then free again
    // should the transport deliver synchronously.
    this.#merge(entries, repliedPeers, 0, count)
    this.#transport.send(sender, { kind: 'ShuffleReply', shuffleId, entries: replied })
  }

  #onShuffleReply (shuffleId: number, entries: readonly PeerDescriptor[]): void {
    const pending = this.#pending
    const index = pending.indexOf(shuffleId)
    if (index < 0) {
      // Late (its shuffle timed out) or unknown: what it brings may still fill empty slots.
      this.stats.staleReplies++
      this.#merge(entries, NO_SLOTS, 0, 0)
      return
    }
    this.stats.shufflesCompleted++
    const q = pending.peer(index)
    const qId = pending.peerId(index)
    const qAddress = pending.peerAddress(index)
    const qMetadata = pending.peerMetadata(index)
    this.#merge(entries, pending.sentHandles(), pending.sentStart(index), pending.sentCount(index))
    pending.removeAt(index)
    // Q answered, so it is alive: keep it where there is room (in a cluster of two, Q is the only peer).
    if (this.#size < this.config.cacheSize && this.#slotOf(q) < 0) this.#insert(q, 0, qId, qAddress, qMetadata)
  }

  #onJoinRequest (newcomer: PeerDescriptor): void {
    this.stats.joinRequestsReceived++
    if (newcomer.id === this.#self.id) return
    const now = this.#clock.nowMs()
    const recent = this.#recentNewcomers ??= new Map()
    const last = recent.get(newcomer.id)
    if (last !== undefined && now - last < this.config.rejoinBackoffMs) {
      this.stats.joinRequestsRepeated++
      return
    }
    this.#rememberNewcomer(recent, newcomer.id, now)
    // The introducer always gives the newcomer itself: in a badly damaged overlay the walks may
    // all die, and the newcomer still needs one live peer to shuffle with. It ages out like any entry.
    this.#transport.send(newcomer, { kind: 'JoinReply', entries: [this.#selfDescriptor] })
    if (this.#size < this.config.shuffleLength) {
      // Too few neighbours to walk from: take the newcomer in directly, as the overlay's seed.
      this.#merge([newcomer], NO_SLOTS, 0, 0)
      if (this.#size === 1) return
    }
    for (let walk = 0; walk < this.config.cacheSize; walk++) {
      if (this.config.joinWalkLength === 0) this.#onJoinWalk(newcomer, 0)
      else this.#forwardWalk(newcomer, this.config.joinWalkLength - 1)
    }
  }

  #onJoinWalk (newcomer: PeerDescriptor, ttl: number): void {
    if (newcomer.id === this.#self.id) return
    const handle = this.#handleOf(newcomer)
    const known = handle === NO_PEER ? -1 : this.#slotOf(handle)
    // A walk goes on while it has hops left; one that ends where the newcomer already is goes on
    // a little further (ttl below 0, up to joinWalkLength more hops), so walks land apart.
    const goesOn = ttl > 0 || (known >= 0 && ttl > -this.config.joinWalkLength)
    if (goesOn && this.#size > (known < 0 ? 0 : 1)) {
      this.#forwardWalk(newcomer, ttl - 1)
      return
    }
    this.stats.joinWalksAccepted++
    if (known >= 0 || this.#size < this.config.cacheSize) {
      if (known < 0) this.#insert(handle === NO_PEER ? this.#table.intern(newcomer.id) : handle, 0, newcomer.id, newcomer.address, newcomer.metadata)
      this.#transport.send(newcomer, { kind: 'JoinReply', entries: [this.#selfDescriptor] })
      return
    }
    // Swap: one of our entries goes to the newcomer, and its slot now points at the newcomer.
    const slot = this.#random.int(this.#size)
    const given = this.#descriptorAt(slot)
    const peer = handle === NO_PEER ? this.#table.intern(newcomer.id) : handle
    this.#assign(slot, peer, 0, newcomer.id, newcomer.address, newcomer.metadata)
    this.#transport.send(newcomer, { kind: 'JoinReply', entries: [given] })
  }

  #forwardWalk (newcomer: PeerDescriptor, ttl: number): void {
    const n = this.#size
    if (n === 0 || (n === 1 && this.#idAt(0) === newcomer.id)) return
    let next: number
    do next = this.#random.int(n)
    while (this.#idAt(next) === newcomer.id)
    this.stats.joinWalksForwarded++
    this.#transport.send(this.#addressOfSlot(next), { kind: 'JoinWalk', newcomer, ttl })
  }

  #onLeave (id: AgentId): void {
    this.stats.leavesReceived++
    const handle = this.#table.handleOf(id)
    const slot = handle === NO_PEER ? -1 : this.#slotOf(handle)
    if (slot < 0) return
    // Keep the order of the others (it decides later draws).
    for (let k = slot; k < this.#size - 1; k++) this.#assign(k, this.#peerAt(k + 1), this.#ageAt(k + 1), this.#idAt(k + 1), this.#addressAt(k + 1), this.#metadataAt(k + 1))
    this.#size--
    this.#clearRefs(this.#size)
  }

  #sendJoin (): void {
    const contacts = this.#contacts
    const now = this.#clock.nowMs()
    // Exponential backoff with jitter, so a crowd of empty caches does not storm the introducer.
    const factor = Math.min(2 ** this.#joinAttempts, REJOIN_BACKOFF_FACTOR_MAX)
    const base = this.config.rejoinBackoffMs * factor
    this.#nextJoinAtMs = now + base / 2 + this.#random.int(Math.max(1, Math.floor(base)))
    this.#joinAttempts++
    if (contacts.length === 0) return
    const contact = contacts[this.#random.int(contacts.length)] as PeerAddress
    this.stats.joinRequestsSent++
    this.#transport.send(contact, { kind: 'JoinRequest', newcomer: this.#selfDescriptor })
  }

  #rememberNewcomer (recent: Map<AgentId, number>, id: AgentId, now: number): void {
    if (recent.size >= RECENT_NEWCOMERS_MAX) {
      for (const [known, at] of recent) if (now - at >= this.config.rejoinBackoffMs) recent.delete(known)
      if (recent.size >= RECENT_NEWCOMERS_MAX) recent.clear()
    }
    recent.set(id, now)
  }

  /**
   * Keeps received entries: never this node, never a duplicate (a fresher copy, or a newer
   * description, of a known peer updates it), empty slots first, then the slots of the peers
   * `replaceable[from … from + count)`.
   */
  #merge (received: readonly PeerDescriptor[], replaceable: ArrayLike<number>, from: number, count: number): void {
    const table = this.#table
    const end = from + count
    let next = from
    for (let r = 0; r < received.length; r++) {
      const incoming = received[r] as PeerDescriptor
      let peer = table.handleOfAddress(incoming)
      if (peer === this.#selfHandle) continue
      const known = peer === NO_PEER ? -1 : this.#slotOf(peer)
      if (known >= 0) {
        this.#update(known, incoming)
        continue
      }
      if (this.#size < this.config.cacheSize) {
        if (peer === NO_PEER) peer = table.intern(incoming.id)
        this.#insert(peer, incoming.age, incoming.id, incoming.address, incoming.metadata)
        continue
      }
      while (next < end) {
        const slot = this.#slotOf(replaceable[next++] as number)
        if (slot >= 0) {
          if (peer === NO_PEER) peer = table.intern(incoming.id)
          this.#assign(slot, peer, incoming.age, incoming.id, incoming.address, incoming.metadata)
          break
        }
      }
    }
  }

  /** A known peer arrives again: a fresher copy brings its age and address, a newer description its metadata. */
  #update (slot: number, incoming: PeerDescriptor): void {
    if (incoming.age < this.#ageAt(slot)) {
      this.#ints[this.#ageBase + slot] = incoming.age
      this.#refs[this.#refBase + REFS_PER_PEER * slot + 1] = incoming.address
    }
    const held = this.#metadataAt(slot)
    if (incoming.metadata !== held && incoming.metadata.version > held.version) this.#refs[this.#refBase + REFS_PER_PEER * slot + 2] = incoming.metadata
  }

  #peerAt (slot: number): number {
    return this.#ints[this.#base + slot] as number
  }

  #ageAt (slot: number): number {
    return this.#ints[this.#ageBase + slot] as number
  }

  #idAt (slot: number): AgentId {
    return this.#refs[this.#refBase + REFS_PER_PEER * slot] as AgentId
  }

  #addressAt (slot: number): string {
    return this.#refs[this.#refBase + REFS_PER_PEER * slot + 1] as string
  }

  #metadataAt (slot: number): PeerMetadata {
    return this.#refs[this.#refBase + REFS_PER_PEER * slot + 2] as PeerMetadata
  }

  #insert (peer: number, age: number, id: AgentId, address: string, metadata: PeerMetadata): void {
    this.#assign(this.#size++, peer, age, id, address, metadata)
  }

  #assign (slot: number, peer: number, age: number, id: AgentId, address: string, metadata: PeerMetadata): void {
    this.#ints[this.#base + slot] = peer
    this.#ints[this.#ageBase + slot] = age
    const ref = this.#refBase + REFS_PER_PEER * slot
    this.#refs[ref] = id
    this.#refs[ref + 1] = address
    this.#refs[ref + 2] = metadata
  }

  #clearRefs (slot: number): void {
    const ref = this.#refBase + REFS_PER_PEER * slot
    this.#refs[ref] = undefined
    this.#refs[ref + 1] = undefined
    this.#refs[ref + 2] = undefined
  }

  /** The entry in `slot` as a descriptor to send. */
  #descriptorAt (slot: number): PeerDescriptor {
    return this.#describe(this.#peerAt(slot), this.#idAt(slot), this.#addressAt(slot), this.#ageAt(slot), this.#metadataAt(slot))
  }

  /**
   * A descriptor to send: tagged with the peer's handle when the table is shared with the
   * receivers (see PeerTable), a plain one when it is the node's own — a real agent's
   * messages stay plain data.
   */
  #describe (peer: number, id: AgentId, address: string, age: number, metadata: PeerMetadata): PeerDescriptor {
    return this.#ownsTable ? { id, address, age, metadata } : tagged(peer, id, address, age, metadata)
  }

  /** Where the peer in `slot` is, to send to it (tagged like descriptors). */
  #addressOfSlot (slot: number): PeerAddress {
    const id = this.#idAt(slot)
    const address = this.#addressAt(slot)
    return this.#ownsTable ? { id, address } : taggedAddress(this.#peerAt(slot), id, address)
  }

  /** The handle of the peer `descriptor` describes, or NO_PEER when the table does not know it. */
  #handleOf (descriptor: PeerDescriptor): number {
    return this.#table.handleOfAddress(descriptor)
  }

  /** The slot of peer `handle`, or −1: a scan of integers, which for c ≤ a few dozen beats any index. */
  #slotOf (handle: number): number {
    const ints = this.#ints
    const base = this.#base
    for (let k = 0; k < this.#size; k++) if (ints[base + k] === handle) return k
    return -1
  }

  /** The slot of the oldest entry (ties broken at random). */
  #oldestSlot (): number {
    const ints = this.#ints
    const ageBase = this.#ageBase
    let oldest = 0
    let ties = 1
    for (let k = 1; k < this.#size; k++) {
      const age = ints[ageBase + k] as number
      const best = ints[ageBase + oldest] as number
      if (age > best) {
        oldest = k
        ties = 1
      } else if (age === best && this.#random.int(++ties) === 0) {
        oldest = k
      }
    }
    return oldest
  }

  /** Empties `slot` by moving the last entry into it. */
  #removeSwappingLast (slot: number): void {
    const last = --this.#size
    if (slot !== last) this.#assign(slot, this.#peerAt(last), this.#ageAt(last), this.#idAt(last), this.#addressAt(last), this.#metadataAt(last))
    this.#clearRefs(last)
  }

  /**
   * Draws up to `count` distinct random slots, not the one of peer `excluded`, into `picks`
   * (a partial Fisher–Yates over slots); returns how many were drawn.
   */
  #pickRandom (count: number, excluded: number): number {
    const ints = this.#ints
    const base = this.#base
    let eligible = 0
    for (let k = 0; k < this.#size; k++) if (ints[base + k] !== excluded) picks[eligible++] = k
    const n = Math.min(count, eligible)
    for (let i = 0; i < n; i++) {
      const j = i + this.#random.int(eligible - i)
      const t = picks[i] as number
      picks[i] = picks[j] as number
      picks[j] = t
    }
    return n
  }

  /**
   * A table of the node's own grows with every peer it ever hears of; once it holds far more
   * than the cache needs, it is rebuilt with only the peers still held (the cache, the pending
   * shuffles' peers and entries sent). Runs only between messages, when no handle is in use.
   */
  #compactTableIfLarge (): void {
    if (!this.#ownsTable || this.#table.size <= OWN_TABLE_SLACK + 4 * this.config.cacheSize) return
    const old = this.#table
    const table = new PeerTable()
    this.#selfHandle = table.intern(this.#self.id)
    this.#selfDescriptor = this.#describe(this.#selfHandle, this.#self.id, this.#self.address, 0, this.#self.metadata)
    for (let k = 0; k < this.#size; k++) this.#ints[this.#base + k] = table.intern(this.#idAt(k))
    this.#pending.remap(handle => table.intern(old.idOf(handle)))
    this.#table = table
  }
}

const UNKNOWN_METADATA: PeerMetadata = { version: -1, cloudlet: '', region: '', availabilityZone: '', labels: {}, software: '' }

/** For merges that may only fill empty slots. */
const NO_SLOTS: readonly number[] = []
