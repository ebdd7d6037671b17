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
 * introducer's random walks; a node whose cache empties joins again; leaving tells the neighbours.
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

/** What a node counts; read by metrics and by the agent's /metrics. */
export interface CyclonStats {
  shufflesStarted: number
  shufflesCompleted: number
  shufflesTimedOut: number
  /** Cycles skipped because too many shuffles were still awaiting replies. */
  shufflesSkipped: number
  shuffleRequestsReceived: number
  /** Replies whose shuffle had already timed out or never existed. */
  staleReplies: number
  joinRequestsSent: number
  joinRequestsReceived: number
  joinWalksForwarded: number
  joinWalksAccepted: number
  leavesReceived: number
}

/** A cache slot: a mutable copy kept by this node (descriptors in messages are never shared). */
interface Entry {
  id: AgentId
  address: string
  age: number
  metadata: PeerMetadata
}

interface PendingShuffle {
  readonly peer: PeerAddress
  /** The ids of the entries sent, whose slots the reply may take. */
  readonly sentIds: readonly AgentId[]
  readonly deadlineMs: number
}

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
    joinWalksForwarded: 0,
    joinWalksAccepted: 0,
    leavesReceived: 0
  }

  readonly #ports: CyclonPorts
  #self: CyclonSelf
  readonly #cache: Entry[] = []
  readonly #pending = new Map<number, PendingShuffle>()
  #nextShuffleId = 1
  #nextShuffleAtMs: number
  #contacts: readonly PeerAddress[] = []
  #nextJoinAtMs: number | null = null
  #left = false

  constructor (self: CyclonSelf, ports: CyclonPorts, config: CyclonConfig) {
    const problems = cyclonConfigProblems(config)
    assert(problems.length === 0, `invalid Cyclon configuration: ${problems.join('; ')}`)
    this.#self = self
    this.#ports = ports
    this.config = config
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
    return this.#cache.map(e => ({ id: e.id, address: e.address, age: e.age, metadata: e.metadata }))
  }

  /** The ids in the cache now (no copies; for metrics over many nodes). */
  neighbourIds (): AgentId[] {
    return this.#cache.map(e => e.id)
  }

  get cacheSize (): number {
    return this.#cache.length
  }

  get hasLeft (): boolean {
    return this.#left
  }

  /** Changes this node's metadata; its version goes up so peers replace the old description. */
  setMetadata (metadata: Omit<PeerMetadata, 'version'>): void {
    this.#self = { ...this.#self, metadata: { ...metadata, version: this.#self.metadata.version + 1 } }
  }

  /**
   * Enters the overlay through `contacts`: an introducer, or seed agents. Seeds are also put in
   * the cache at once (they are known peers); every contact may be asked to start join walks,
   * one at a time, until the cache holds an entry. Calling it again replaces the contacts.
   */
  join (contacts: readonly PeerAddress[], options: { seedsInCache?: boolean } = {}): void {
    this.#left = false
    this.#contacts = contacts.filter(c => c.id !== this.#self.id)
    if (options.seedsInCache === true) {
      this.#merge(this.#contacts.map(c => ({ id: c.id as AgentId, address: c.address, age: 0, metadata: { version: -1, cloudlet: '', region: '', availabilityZone: '', labels: {}, software: '' } })), [])
    }
    this.#nextJoinAtMs = this.#ports.clock.nowMs()
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
    if (now >= this.#nextShuffleAtMs) {
      while (this.#nextShuffleAtMs <= now) this.#nextShuffleAtMs += this.config.shufflePeriodMs
      this.#shuffle(now)
    }
  }

  /** Handles one message from a peer. Runs to completion; a message it cannot use is counted and ignored. */
  onMessage (from: AgentId, message: CyclonMessage): void {
    if (this.#left) return
    switch (message.kind) {
      case 'ShuffleRequest': return this.#onShuffleRequest(message.shuffleId, message.sender, message.entries)
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
    const others = this.#randomEntries(this.config.shuffleLength - 1, null)
    const self = this.descriptor
    const shuffleId = this.#nextShuffleId++
    this.#pending.set(shuffleId, { peer: { id: q.id, address: q.address }, sentIds: others.map(e => e.id), deadlineMs: now + this.config.replyTimeoutMs })
    this.stats.shufflesStarted++
    this.#ports.transport.send({ id: q.id, address: q.address }, { kind: 'ShuffleRequest', shuffleId, sender: self, entries: [self, ...others.map(copy)] })
  }

  #onShuffleRequest (shuffleId: number, sender: PeerDescriptor, entries: readonly PeerDescriptor[]): void {
    this.stats.shuffleRequestsReceived++
    const replied = this.#randomEntries(this.config.shuffleLength, sender.id)
    this.#ports.transport.send({ id: sender.id, address: sender.address }, { kind: 'ShuffleReply', shuffleId, entries: replied.map(copy) })
    this.#merge(entries, replied.map(e => e.id))
  }

  #onShuffleReply (shuffleId: number, entries: readonly PeerDescriptor[]): void {
    const pending = this.#pending.get(shuffleId)
    if (pending === undefined) {
      this.stats.staleReplies++
      return
    }
    this.#pending.delete(shuffleId)
    this.stats.shufflesCompleted++
    this.#merge(entries, pending.sentIds)
  }

  #onJoinRequest (newcomer: PeerDescriptor): void {
    this.stats.joinRequestsReceived++
    if (newcomer.id === this.#self.id) return
    if (this.#cache.length < this.config.shuffleLength) {
      // Too few neighbours to walk from: take the newcomer in directly, as the overlay's seed.
      this.#ports.transport.send(newcomer, { kind: 'JoinReply', entries: [this.descriptor] })
      this.#merge([newcomer], [])
      if (this.#cache.length === 1) return
    }
    for (let walk = 0; walk < this.config.cacheSize; walk++) this.#forwardWalk(newcomer, this.config.joinWalkLength)
  }

  #onJoinWalk (newcomer: PeerDescriptor, ttl: number): void {
    if (newcomer.id === this.#self.id) return
    const existing = this.#cache.findIndex(e => e.id === newcomer.id)
    // A walk goes on while it has hops left; one that ends where the newcomer already is goes on
    // a little further (ttl below 0, up to joinWalkLength more hops), so walks land apart.
    const goesOn = ttl > 0 || (existing >= 0 && ttl > -this.config.joinWalkLength)
    if (goesOn && this.#cache.some(e => e.id !== newcomer.id)) {
      this.#forwardWalk(newcomer, ttl - 1)
      return
    }
    this.stats.joinWalksAccepted++
    if (existing >= 0 || this.#cache.length < this.config.cacheSize) {
      if (existing < 0) this.#cache.push(fromDescriptor({ ...newcomer, age: 0 }))
      this.#ports.transport.send(newcomer, { kind: 'JoinReply', entries: [this.descriptor] })
      return
    }
    // Swap: one of our entries goes to the newcomer, and its slot points at the newcomer.
    const index = this.#ports.random.int(this.#cache.length)
    const given = this.#cache[index] as Entry
    this.#cache[index] = fromDescriptor({ ...newcomer, age: 0 })
    this.#ports.transport.send(newcomer, { kind: 'JoinReply', entries: [copy(given)] })
  }

  #forwardWalk (newcomer: PeerDescriptor, ttl: number): void {
    const candidates = this.#cache.filter(e => e.id !== newcomer.id)
    if (candidates.length === 0) return
    const next = candidates[this.#ports.random.int(candidates.length)] as Entry
    this.stats.joinWalksForwarded++
    this.#ports.transport.send(next, { kind: 'JoinWalk', newcomer, ttl })
  }

  #onLeave (id: AgentId): void {
    this.stats.leavesReceived++
    const index = this.#cache.findIndex(e => e.id === id)
    if (index >= 0) this.#cache.splice(index, 1)
  }

  #sendJoin (): void {
    const contacts = this.#contacts
    this.#nextJoinAtMs = this.#ports.clock.nowMs() + this.config.rejoinBackoffMs
    if (contacts.length === 0) return
    const contact = contacts[this.#ports.random.int(contacts.length)] as PeerAddress
    this.stats.joinRequestsSent++
    this.#ports.transport.send(contact, { kind: 'JoinRequest', newcomer: this.descriptor })
  }

  /**
   * Keeps received entries: never this node, never a duplicate (a fresher copy, or a newer
   * description, of a known peer updates it), empty slots first, then the slots of `sentIds`.
   */
  #merge (received: readonly PeerDescriptor[], sentIds: readonly AgentId[]): void {
    const replaceable = [...sentIds]
    for (const incoming of received) {
      if (incoming.id === this.#self.id) continue
      const known = this.#cache.find(e => e.id === incoming.id)
      if (known !== undefined) {
        if (incoming.age < known.age) {
          known.age = incoming.age
          known.address = incoming.address
        }
        if (incoming.metadata.version > known.metadata.version) known.metadata = incoming.metadata
        continue
      }
      if (this.#cache.length < this.config.cacheSize) {
        this.#cache.push(fromDescriptor(incoming))
        continue
      }
      while (replaceable.length > 0) {
        const index = this.#cache.findIndex(e => e.id === replaceable[0])
        replaceable.shift()
        if (index >= 0) {
          this.#cache[index] = fromDescriptor(incoming)
          break
        }
      }
    }
  }

  /** Removes and returns the oldest entry (ties broken at random). */
  #removeOldest (): Entry {
    let oldest = -1
    let ties = 0
    for (let i = 0; i < this.#cache.length; i++) {
      const age = (this.#cache[i] as Entry).age
      const best = oldest < 0 ? -1 : (this.#cache[oldest] as Entry).age
      if (age > best) {
        oldest = i
        ties = 1
      } else if (age === best && this.#ports.random.int(++ties) === 0) {
        oldest = i
      }
    }
    const [entry] = this.#cache.splice(oldest, 1)
    return entry as Entry
  }

  /** Up to `count` distinct random entries, not `excluded` (a partial Fisher–Yates over indexes). */
  #randomEntries (count: number, excluded: AgentId | null): Entry[] {
    const pool = excluded === null ? [...this.#cache] : this.#cache.filter(e => e.id !== excluded)
    const n = Math.min(count, pool.length)
    for (let i = 0; i < n; i++) {
      const j = i + this.#ports.random.int(pool.length - i)
      const t = pool[i] as Entry
      pool[i] = pool[j] as Entry
      pool[j] = t
    }
    pool.length = n
    return pool
  }
}

function copy (entry: Entry): PeerDescriptor {
  return { id: entry.id, address: entry.address, age: entry.age, metadata: entry.metadata }
}

function fromDescriptor (descriptor: PeerDescriptor): Entry {
  return { id: descriptor.id, address: descriptor.address, age: descriptor.age, metadata: descriptor.metadata }
}
