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
 * the neighbours. Cache slots are updated in place and found by a scan (no per-node Map), because the simulator
 * runs 100,000 of these and allocation and scans were most of its time.
 */
import { assert } from '../../core/assert.ts'
import type { Clock, PeerAddress, Random, Transport } from '../../core/ports.ts'
import type { CyclonConfig } from './cyclon-config.ts'
import { cyclonConfigProblems } from './cyclon-config.ts'
import type { CyclonMessage } from './messages.ts'
import type { AgentId, PeerDescriptor, PeerMetadata } from './peer-descriptor.ts'

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

/** A cache slot, owned by this node and changed in place; messages carry copies. */
interface Entry {
  id: AgentId
  address: string
  age: number
  metadata: PeerMetadata
}

interface PendingShuffle {
  readonly peer: Entry
  /** The ids of the entries sent, whose slots the reply may take. */
  readonly sentIds: readonly AgentId[]
  readonly deadlineMs: number
}

/** The most newcomers an introducer remembers, to ignore their repeated join requests. */
const RECENT_NEWCOMERS_MAX = 1024
/** An empty cache backs off up to this many times the base backoff. */
const REJOIN_BACKOFF_FACTOR_MAX = 16

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

  readonly #ports: CyclonPorts
  #self: CyclonSelf
  readonly #cache: Entry[] = []
  readonly #pending = new Map<number, PendingShuffle>()
  /** Scratch for drawing random entries without copying the cache. */
  readonly #picks: number[] = []
  #nextShuffleId: number
  #nextShuffleAtMs: number
  #contacts: readonly PeerAddress[] = []
  #nextJoinAtMs: number | null = null
  #joinAttempts = 0
  readonly #recentNewcomers = new Map<AgentId, number>()
  #left = false

  constructor (self: CyclonSelf, ports: CyclonPorts, config: CyclonConfig) {
    const problems = cyclonConfigProblems(config)
    assert(problems.length === 0, `invalid Cyclon configuration: ${problems.join('; ')}`)
    this.#self = self
    this.#ports = ports
    this.config = config
    // Random, so that a late reply meant for a previous run of this agent matches nothing.
    this.#nextShuffleId = 1 + ports.random.int(0x7fff_ffff)
    // A random phase, so that agents started together do not shuffle in lockstep.
    this.#nextShuffleAtMs = ports.clock.nowMs() + ports.random.int(Math.max(1, Math.floor(config.shufflePeriodMs)))
  }

  get id (): AgentId {
    return this.#self.id
  }

  /** This node as its peers see it: a fresh descriptor (age 0). */
  get descriptor (): PeerDescriptor {
    return { id: this.#self.id, address: this.#self.address, age: 0, metadata: this.#self.metadata }
  }

  /** The cache now, as copies. */
  view (): PeerDescriptor[] {
    return this.#cache.map(copy)
  }

  /** The ids in the cache now (for metrics over many nodes). */
  neighbourIds (): AgentId[] {
    return this.#cache.map(e => e.id)
  }

  get cacheSize (): number {
    return this.#cache.length
  }

  get hasLeft (): boolean {
    return this.#left
  }

  /** The peers whose shuffles await a reply (their entries are out of the cache until then). */
  pendingPeers (): AgentId[] {
    return [...this.#pending.values()].map(p => p.peer.id)
  }

  /** Changes this node's metadata; its version goes up so peers replace the old description. */
  setMetadata (metadata: Omit<PeerMetadata, 'version'>): void {
    this.#self = { ...this.#self, metadata: { ...metadata, version: this.#self.metadata.version + 1 } }
  }

  /**
   * Puts known peers in the cache without asking anyone, into empty slots only: a cache kept
   * on disk across a restart, or a simulation's starting topology.
   */
  seed (entries: readonly PeerDescriptor[]): void {
    this.#left = false
    this.#merge(entries, [])
  }

  /**
   * Enters the overlay through `contacts`: an introducer, or seed agents. Seeds are also put in
   * the cache at once (they are known peers); one contact at a time is asked to let this node
   * in, again and again with a growing backoff while the cache stays empty. Calling it again
   * replaces the contacts.
   */
  join (contacts: readonly PeerAddress[], options: { seedsInCache?: boolean } = {}): void {
    this.#left = false
    this.#contacts = contacts.filter(c => c.id !== this.#self.id)
    if (options.seedsInCache === true) {
      this.#merge(this.#contacts.map(c => ({ id: c.id as AgentId, address: c.address, age: 0, metadata: UNKNOWN_METADATA })), [])
    }
    this.#joinAttempts = 0
    this.#sendJoin()
  }

  /** Leaves gracefully: tells every neighbour to forget this node, and stops taking part. */
  leave (): void {
    for (const entry of this.#cache) this.#ports.transport.send(entry, { kind: 'Leave', id: this.#self.id })
    this.#cache.length = 0
    this.#pending.clear()
    this.#left = true
  }

  /** When onTick() next has something to do (a shuffle, a timeout, a join); a driver may sleep until then. */
  nextWakeupMs (): number {
    if (this.#left) return Number.POSITIVE_INFINITY
    let next = this.#nextShuffleAtMs
    for (const p of this.#pending.values()) if (p.deadlineMs < next) next = p.deadlineMs
    if (this.#cache.length === 0 && this.#nextJoinAtMs !== null && this.#nextJoinAtMs < next) next = this.#nextJoinAtMs
    return next
  }

  /** Does what is due: expires unanswered shuffles, rejoins with an empty cache, starts a shuffle. Runs to completion. */
  onTick (): void {
    const now = this.#ports.clock.nowMs()
    for (const [shuffleId, pending] of this.#pending) {
      if (pending.deadlineMs <= now) {
        this.#pending.delete(shuffleId)
        this.stats.shufflesTimedOut++
      }
    }
    if (this.#left) return
    if (this.#cache.length === 0) {
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
      case 'ShuffleRequest': return this.#onShuffleRequest(from, message.shuffleId, message.entries)
      case 'ShuffleReply': return this.#onShuffleReply(message.shuffleId, message.entries)
      case 'JoinRequest': return this.#onJoinRequest(message.newcomer)
      case 'JoinWalk': return this.#onJoinWalk(message.newcomer, message.ttl)
      case 'JoinReply': return this.#merge(message.entries, [])
      case 'Leave': return this.#onLeave(from)
    }
  }

  #shuffle (now: number): void {
    for (const entry of this.#cache) entry.age++
    if (this.#pending.size >= this.config.maxPendingShuffles) {
      this.stats.shufflesSkipped++
      return
    }
    const q = this.#removeOldest()
    const count = this.#pickRandom(this.config.shuffleLength - 1, null)
    const self = this.descriptor
    const entries: PeerDescriptor[] = [self]
    const sentIds: AgentId[] = []
    for (let i = 0; i < count; i++) {
      const entry = this.#cache[this.#picks[i] as number] as Entry
      entries.push(copy(entry))
      sentIds.push(entry.id)
    }
    const shuffleId = this.#nextShuffleId++
    this.#pending.set(shuffleId, { peer: q, sentIds, deadlineMs: now + this.config.replyTimeoutMs })
    this.stats.shufflesStarted++
    this.#ports.transport.send(q, { kind: 'ShuffleRequest', shuffleId, entries })
  }

  #onShuffleRequest (from: AgentId, shuffleId: number, entries: readonly PeerDescriptor[]): void {
    const sender = entries[0]
    if (sender === undefined || sender.id !== from) {
      this.stats.malformed++
      return
    }
    this.stats.shuffleRequestsReceived++
    const count = this.#pickRandom(this.config.shuffleLength, sender.id)
    const replied: PeerDescriptor[] = []
    const repliedIds: AgentId[] = []
    for (let i = 0; i < count; i++) {
      const entry = this.#cache[this.#picks[i] as number] as Entry
      replied.push(copy(entry))
      repliedIds.push(entry.id)
    }
    this.#ports.transport.send(sender, { kind: 'ShuffleReply', shuffleId, entries: replied })
    this.#merge(entries, repliedIds)
  }

  #onShuffleReply (shuffleId: number, entries: readonly PeerDescriptor[]): void {
    const pending = this.#pending.get(shuffleId)
    if (pending === undefined) {
      // Late (its shuffle timed out) or unknown: what it brings may still fill empty slots.
      this.stats.staleReplies++
      this.#merge(entries, [])
      return
    }
    this.#pending.delete(shuffleId)
    this.stats.shufflesCompleted++
    this.#merge(entries, pending.sentIds)
    // Q answered, so it is alive: keep it where there is room (in a cluster of two, Q is the only peer).
    if (this.#cache.length < this.config.cacheSize && this.#find(pending.peer.id) === undefined) {
      pending.peer.age = 0
      this.#insert(pending.peer)
    }
  }

  #onJoinRequest (newcomer: PeerDescriptor): void {
    this.stats.joinRequestsReceived++
    if (newcomer.id === this.#self.id) return
    const now = this.#ports.clock.nowMs()
    const last = this.#recentNewcomers.get(newcomer.id)
    if (last !== undefined && now - last < this.config.rejoinBackoffMs) {
      this.stats.joinRequestsRepeated++
      return
    }
    this.#rememberNewcomer(newcomer.id, now)
    // The introducer always gives the newcomer itself: in a badly damaged overlay the walks may
    // all die, and the newcomer still needs one live peer to shuffle with. It ages out like any entry.
    this.#ports.transport.send(newcomer, { kind: 'JoinReply', entries: [this.descriptor] })
    if (this.#cache.length < this.config.shuffleLength) {
      // Too few neighbours to walk from: take the newcomer in directly, as the overlay's seed.
      this.#merge([newcomer], [])
      if (this.#cache.length === 1) return
    }
    for (let walk = 0; walk < this.config.cacheSize; walk++) {
      if (this.config.joinWalkLength === 0) this.#onJoinWalk(newcomer, 0)
      else this.#forwardWalk(newcomer, this.config.joinWalkLength - 1)
    }
  }

  #onJoinWalk (newcomer: PeerDescriptor, ttl: number): void {
    if (newcomer.id === this.#self.id) return
    const known = this.#find(newcomer.id)
    // A walk goes on while it has hops left; one that ends where the newcomer already is goes on
    // a little further (ttl below 0, up to joinWalkLength more hops), so walks land apart.
    const goesOn = ttl > 0 || (known !== undefined && ttl > -this.config.joinWalkLength)
    if (goesOn && this.#cache.length > (known === undefined ? 0 : 1)) {
      this.#forwardWalk(newcomer, ttl - 1)
      return
    }
    this.stats.joinWalksAccepted++
    if (known !== undefined || this.#cache.length < this.config.cacheSize) {
      if (known === undefined) this.#insert(fromDescriptor(newcomer, 0))
      this.#ports.transport.send(newcomer, { kind: 'JoinReply', entries: [this.descriptor] })
      return
    }
    // Swap: one of our entries goes to the newcomer, and its slot now points at the newcomer.
    const slot = this.#cache[this.#ports.random.int(this.#cache.length)] as Entry
    const given = copy(slot)
    assign(slot, newcomer, 0)
    this.#ports.transport.send(newcomer, { kind: 'JoinReply', entries: [given] })
  }

  #forwardWalk (newcomer: PeerDescriptor, ttl: number): void {
    const n = this.#cache.length
    if (n === 0 || (n === 1 && this.#cache[0]?.id === newcomer.id)) return
    let next: Entry
    do next = this.#cache[this.#ports.random.int(n)] as Entry
    while (next.id === newcomer.id)
    this.stats.joinWalksForwarded++
    this.#ports.transport.send(next, { kind: 'JoinWalk', newcomer, ttl })
  }

  #onLeave (id: AgentId): void {
    this.stats.leavesReceived++
    const entry = this.#find(id)
    if (entry === undefined) return
    this.#cache.splice(this.#cache.indexOf(entry), 1)
  }

  #sendJoin (): void {
    const contacts = this.#contacts
    const now = this.#ports.clock.nowMs()
    // Exponential backoff with jitter, so a crowd of empty caches does not storm the introducer.
    const factor = Math.min(2 ** this.#joinAttempts, REJOIN_BACKOFF_FACTOR_MAX)
    const base = this.config.rejoinBackoffMs * factor
    this.#nextJoinAtMs = now + base / 2 + this.#ports.random.int(Math.max(1, Math.floor(base)))
    this.#joinAttempts++
    if (contacts.length === 0) return
    const contact = contacts[this.#ports.random.int(contacts.length)] as PeerAddress
    this.stats.joinRequestsSent++
    this.#ports.transport.send(contact, { kind: 'JoinRequest', newcomer: this.descriptor })
  }

  #rememberNewcomer (id: AgentId, now: number): void {
    if (this.#recentNewcomers.size >= RECENT_NEWCOMERS_MAX) {
      for (const [known, at] of this.#recentNewcomers) if (now - at >= this.config.rejoinBackoffMs) this.#recentNewcomers.delete(known)
      if (this.#recentNewcomers.size >= RECENT_NEWCOMERS_MAX) this.#recentNewcomers.clear()
    }
    this.#recentNewcomers.set(id, now)
  }

  /**
   * Keeps received entries: never this node, never a duplicate (a fresher copy, or a newer
   * description, of a known peer updates it), empty slots first, then the slots of `sentIds`.
   */
  #merge (received: readonly PeerDescriptor[], sentIds: readonly AgentId[]): void {
    let replaceable = 0
    for (const incoming of received) {
      if (incoming.id === this.#self.id) continue
      const known = this.#find(incoming.id)
      if (known !== undefined) {
        if (incoming.age < known.age) {
          known.age = incoming.age
          known.address = incoming.address
        }
        if (incoming.metadata.version > known.metadata.version) known.metadata = incoming.metadata
        continue
      }
      if (this.#cache.length < this.config.cacheSize) {
        this.#insert(fromDescriptor(incoming, incoming.age))
        continue
      }
      while (replaceable < sentIds.length) {
        const slot = this.#find(sentIds[replaceable++] as AgentId)
        if (slot !== undefined) {
          assign(slot, incoming, incoming.age)
          break
        }
      }
    }
  }

  #insert (entry: Entry): void {
    this.#cache.push(entry)
  }

  /** The entry for `id`: a scan, which for c ≤ a few dozen beats a Map (no hashing, no per-node table). */
  #find (id: AgentId): Entry | undefined {
    const cache = this.#cache
    for (let i = 0; i < cache.length; i++) {
      const entry = cache[i] as Entry
      if (entry.id === id) return entry
    }
    return undefined
  }

  /** Removes and returns the oldest entry (ties broken at random). */
  #removeOldest (): Entry {
    let oldest = 0
    let ties = 1
    for (let i = 1; i < this.#cache.length; i++) {
      const age = (this.#cache[i] as Entry).age
      const best = (this.#cache[oldest] as Entry).age
      if (age > best) {
        oldest = i
        ties = 1
      } else if (age === best && this.#ports.random.int(++ties) === 0) {
        oldest = i
      }
    }
    const entry = this.#cache[oldest] as Entry
    const last = this.#cache.pop() as Entry
    if (last !== entry) this.#cache[oldest] = last
    return entry
  }

  /**
   * Draws up to `count` distinct random cache indexes, not the one of `excluded`, into #picks
   * (a partial Fisher–Yates over indexes); returns how many were drawn.
   */
  #pickRandom (count: number, excluded: AgentId | null): number {
    const picks = this.#picks
    picks.length = 0
    for (let i = 0; i < this.#cache.length; i++) if ((this.#cache[i] as Entry).id !== excluded) picks.push(i)
    const n = Math.min(count, picks.length)
    for (let i = 0; i < n; i++) {
      const j = i + this.#ports.random.int(picks.length - i)
      const t = picks[i] as number
      picks[i] = picks[j] as number
      picks[j] = t
    }
    return n
  }
}

const UNKNOWN_METADATA: PeerMetadata = { version: -1, cloudlet: '', region: '', availabilityZone: '', labels: {}, software: '' }

function copy (entry: Entry): PeerDescriptor {
  return { id: entry.id, address: entry.address, age: entry.age, metadata: entry.metadata }
}

function fromDescriptor (descriptor: PeerDescriptor, age: number): Entry {
  return { id: descriptor.id, address: descriptor.address, age, metadata: descriptor.metadata }
}

function assign (slot: Entry, descriptor: PeerDescriptor, age: number): void {
  slot.id = descriptor.id
  slot.address = descriptor.address
  slot.age = age
  slot.metadata = descriptor.metadata
}
