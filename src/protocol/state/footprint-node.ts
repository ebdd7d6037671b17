/**
 * FootprintNode: one agent's replica of the project footprint (footprint.ts) and its side of
 * the gossip that spreads it, as a pure, synchronous state machine like CyclonNode: time,
 * randomness, the network and the overlay's view come in through ports; nothing here awaits or
 * sets a timer.
 *
 * - The agent writes only its own entries: `add(projectId)` when it starts holding resources of
 *   a project, `withdraw(projectId)` when its last one is gone. Each write is pushed at once to
 *   `fanout` random peers of the Cyclon view; a peer that did not know it pushes it on, up to
 *   `maxHops` hops (rumour mongering, "infect and die"). Most agents learn a change within a
 *   few network round trips.
 * - Every `antiEntropyPeriodMs` the node reconciles with one random peer (push-pull over
 *   watermark digests, messages.ts), which repairs what the rumours missed: lost messages, an
 *   agent that was down, a newcomer.
 * - Every change is handed to `persisted` before the call returns, so the driver can write it
 *   durably; a restarted node is built from the snapshot it saved and resumes.
 *
 * The version counter: a node's own watermark is its counter. A node built without a snapshot
 * of its own writes starts counting at the wall clock's milliseconds, so that an agent whose
 * state was lost never reuses a version it gave out before; one that hears of an own entry newer
 * than its counter (from before a loss) adopts it and counts on from there.
 */
import { assert } from '../../core/assert.ts'
import type { Clock, PeerAddress, Random, Transport } from '../../core/ports.ts'
import type { AgentId } from '../cyclon/peer-descriptor.ts'
import type { FootprintConfig } from './footprint-config.ts'
import { DEFAULT_FOOTPRINT_CONFIG, footprintConfigProblems } from './footprint-config.ts'
import { Footprint } from './footprint.ts'
import type { FootprintAgent, FootprintEntry, FootprintSnapshot, FootprintWatermark } from './footprint.ts'
import type { FootprintClaim, FootprintDelta, FootprintDigest, FootprintMessage, FootprintPush } from './messages.ts'
import { randomPeers } from './random-peers.ts'

export interface FootprintPorts {
  readonly clock: Clock
  readonly random: Random
  readonly transport: Transport<FootprintMessage>
  /** The peers to gossip with now (CyclonNode.view()). */
  readonly view: () => readonly PeerAddress[]
  /** Called with every change before the call that made it returns; the driver persists it. */
  readonly persisted?: (change: FootprintChange) => void
}

/** What changed: entries now held and watermarks raised. */
export interface FootprintChange {
  readonly entries: readonly FootprintEntry[]
  readonly watermarks: readonly FootprintWatermark[]
}

export interface FootprintSelf {
  readonly id: AgentId
  readonly address: string
}

/** What a node counts; read by tests, the simulator and the agent's status. */
export interface FootprintStats {
  /** add()/withdraw() calls that changed an own entry. */
  writes: number
  pushesSent: number
  pushesReceived: number
  /** Pushes whose entry was new here (and so were passed on while hops lasted). */
  pushesNew: number
  digestsSent: number
  digestsReceived: number
  deltasSent: number
  deltasReceived: number
  /** Entries a delta brought that were new here. */
  entriesLearned: number
  /** Answers to a digest cut at maxDeltaMessagesPerDigest (the rest waits for the next exchange). */
  deltasTruncated: number
  /** New (project, agent) keys refused because maxEntries were held. */
  entriesRefused: number
  /** Own entries heard newer than this node's counter (its state was lost): adopted. */
  ownEntriesAdopted: number
  /** Messages that break the protocol: ignored. */
  malformed: number
}

const EMPTY_SNAPSHOT: FootprintSnapshot = { entries: [], watermarks: [] }

/** How soon a reconciliation that found no peer is tried again. */
const NO_PEER_RETRY_MS = 500

export class FootprintNode {
  readonly config: FootprintConfig
  readonly stats: FootprintStats = {
    writes: 0,
    pushesSent: 0,
    pushesReceived: 0,
    pushesNew: 0,
    digestsSent: 0,
    digestsReceived: 0,
    deltasSent: 0,
    deltasReceived: 0,
    entriesLearned: 0,
    deltasTruncated: 0,
    entriesRefused: 0,
    ownEntriesAdopted: 0,
    malformed: 0
  }

  readonly #self: FootprintSelf
  readonly #ports: FootprintPorts
  readonly #footprint: Footprint
  #counter: number
  #nextAntiEntropyAtMs: number

  constructor (self: FootprintSelf, ports: FootprintPorts, config: FootprintConfig = DEFAULT_FOOTPRINT_CONFIG, snapshot: FootprintSnapshot = EMPTY_SNAPSHOT) {
    const problems = footprintConfigProblems(config)
    assert(problems.length === 0, `invalid footprint configuration: ${problems.join('; ')}`)
    this.#self = self
    this.#ports = ports
    this.config = config
    this.#footprint = Footprint.from(snapshot)
    const known = Math.max(this.#footprint.watermark(self.id), this.#footprint.highestVersion(self.id))
    this.#counter = known > 0 ? known : Math.max(0, Math.floor(ports.clock.wallClockMs()))
    this.#footprint.raiseWatermark(self.id, this.#counter)
    // A random phase, so that agents started together do not reconcile in lockstep; an agent
    // that knows nothing of the others (a first start, or its state was lost) asks at once.
    const knowsOthers = this.#footprint.snapshot().watermarks.some(w => w.agentId !== self.id)
    this.#nextAntiEntropyAtMs = ports.clock.nowMs() + (knowsOthers ? ports.random.int(Math.max(1, Math.floor(config.antiEntropyPeriodMs))) : 0)
    // Restarted at another address: the own entries say where this agent is now.
    for (const projectId of this.#footprint.projectsOf(self.id)) {
      if (this.#footprint.get(projectId, self.id)?.address !== self.address) this.#write(projectId, true)
    }
  }

  get id (): AgentId {
    return this.#self.id
  }

  /** This agent holds resources of `projectId` (again): its entry says so, and spreads. */
  add (projectId: string): void {
    this.#write(projectId, true)
  }

  /** This agent's last resource of `projectId` is gone: its entry says so, and spreads. */
  withdraw (projectId: string): void {
    this.#write(projectId, false)
  }

  /** Whether this agent's own entry says it holds resources of `projectId`. */
  holds (projectId: string): boolean {
    return this.#footprint.get(projectId, this.#self.id)?.present === true
  }

  /** The agents holding resources of `projectId`, as this replica knows them, sorted by id. */
  agentsOf (projectId: string): FootprintAgent[] {
    return this.#footprint.agentsOf(projectId)
  }

  /** Every agent holding resources of some project (its newest address), sorted by id: an admin's all_tenants list. */
  allAgents (): FootprintAgent[] {
    return this.#footprint.allAgents()
  }

  /** The projects `agentId` holds resources of, as this replica knows them. */
  projectsOf (agentId: AgentId): string[] {
    return this.#footprint.projectsOf(agentId)
  }

  /** The entry held for (project, agent), tombstones included. */
  entry (projectId: string, agentId: AgentId): FootprintEntry | undefined {
    return this.#footprint.get(projectId, agentId)
  }

  /** How many entries this replica holds (tombstones included). */
  get size (): number {
    return this.#footprint.size
  }

  /** The whole replica, to persist at once or to compare in tests. */
  snapshot (): FootprintSnapshot {
    return this.#footprint.snapshot()
  }

  /** When onTick() next has something to do (the next reconciliation). */
  nextWakeupMs (): number {
    return this.#nextAntiEntropyAtMs
  }

  /** Starts a reconciliation with one random peer when one is due. Runs to completion. */
  onTick (): void {
    const now = this.#ports.clock.nowMs()
    if (now < this.#nextAntiEntropyAtMs) return
    while (this.#nextAntiEntropyAtMs <= now) this.#nextAntiEntropyAtMs += this.config.antiEntropyPeriodMs
    const [peer] = this.#pickPeers(1, null)
    if (peer === undefined) {
      // No peer yet (just started or rejoining): try again soon rather than a whole period later.
      this.#nextAntiEntropyAtMs = now + Math.min(this.config.antiEntropyPeriodMs, NO_PEER_RETRY_MS)
      return
    }
    this.#sendDigests(peer, '', null, true)
  }

  /** Handles one message from a peer. Runs to completion; a message it cannot use is counted and ignored. */
  onMessage (from: PeerAddress, message: FootprintMessage): void {
    switch (message.kind) {
      case 'FootprintPush': return this.#onPush(from, message)
      case 'FootprintDigest': return this.#onDigest(from, message)
      case 'FootprintDelta': return this.#onDelta(message)
      default: this.stats.malformed++
    }
  }

  // ---------------------------------------------------------------- own writes and rumours

  #write (projectId: string, present: boolean): void {
    const held = this.#footprint.get(projectId, this.#self.id)
    if (present && held?.present === true && held.address === this.#self.address) return
    if (!present && held?.present !== true) return
    const previousVersion = this.#counter
    const entry: FootprintEntry = { projectId, agentId: this.#self.id, address: this.#self.address, present, version: ++this.#counter }
    this.#footprint.apply(entry)
    this.#footprint.raiseWatermark(this.#self.id, entry.version)
    this.stats.writes++
    this.#persist([entry], [{ agentId: this.#self.id, version: entry.version }])
    this.#push({ kind: 'FootprintPush', hopsLeft: this.config.maxHops, previousVersion, entry }, null)
  }

  #push (message: FootprintPush, except: string | null): void {
    for (const peer of this.#pickPeers(this.config.fanout, except)) {
      if (peer.id === message.entry.agentId) continue
      this.stats.pushesSent++
      this.#ports.transport.send(peer, message)
    }
  }

  #onPush (from: PeerAddress, message: FootprintPush): void {
    if (!isEntry(message.entry) || !isCount(message.hopsLeft) || !isCount(message.previousVersion) || message.previousVersion >= message.entry.version) {
      this.stats.malformed++
      return
    }
    this.stats.pushesReceived++
    const entry = message.entry
    const changed: FootprintEntry[] = []
    const learned = this.#learn(entry, changed)
    // Complete up to the write before this one, and holding this one: complete up to it.
    const held = this.#footprint.get(entry.projectId, entry.agentId)
    const raised = entry.agentId !== this.#self.id && held !== undefined && held.version >= entry.version &&
      this.#footprint.watermark(entry.agentId) >= message.previousVersion && this.#footprint.raiseWatermark(entry.agentId, entry.version)
    this.#persist(changed, raised ? [{ agentId: entry.agentId, version: entry.version }] : [])
    if (!learned) return
    this.stats.pushesNew++
    if (message.hopsLeft > 0) this.#push({ ...message, hopsLeft: message.hopsLeft - 1 }, from.id)
  }

  /** Applies a peer's entry (adopting a newer own one); true if it was new here. */
  #learn (entry: FootprintEntry, changed: FootprintEntry[]): boolean {
    const own = entry.agentId === this.#self.id
    if (own) {
      if (entry.version <= this.#counter) return false
      // Written by this agent before it lost its state: the newest word, and the counter goes on from it.
      this.stats.ownEntriesAdopted++
      this.#counter = entry.version
      this.#footprint.raiseWatermark(this.#self.id, entry.version)
    } else if (this.#footprint.get(entry.projectId, entry.agentId) === undefined && this.#footprint.size >= this.config.maxEntries) {
      this.stats.entriesRefused++
      return false
    }
    if (!this.#footprint.apply(entry)) return false
    changed.push(entry)
    return true
  }

  // ---------------------------------------------------------------- anti-entropy

  /** Sends this node's watermarks for the writers in [fromId, toId), cut into digests of maxWritersPerDigest. */
  #sendDigests (peer: PeerAddress, fromId: string, toId: string | null, wantsReply: boolean): void {
    const inRange: FootprintWatermark[] = []
    for (const agentId of this.#footprint.writersIn(fromId, toId)) {
      const version = this.#footprint.watermark(agentId)
      if (version > 0) inRange.push({ agentId, version })
    }
    const size = this.config.maxWritersPerDigest
    let start = fromId
    for (let i = 0; ; i += size) {
      const piece = inRange.slice(i, i + size)
      const next = inRange[i + size]
      const end = next === undefined ? toId : next.agentId
      this.stats.digestsSent++
      this.#ports.transport.send(peer, { kind: 'FootprintDigest', fromId: start, toId: end, watermarks: piece, wantsReply })
      if (next === undefined) return
      start = next.agentId
    }
  }

  #onDigest (from: PeerAddress, message: FootprintDigest): void {
    if (typeof message.fromId !== 'string' || (message.toId !== null && typeof message.toId !== 'string') || !Array.isArray(message.watermarks) ||
      message.watermarks.length > this.config.maxWritersPerDigest || !message.watermarks.every(isWatermark)) {
      this.stats.malformed++
      return
    }
    this.stats.digestsReceived++
    const theirs = new Map<string, number>()
    for (const w of message.watermarks) theirs.set(w.agentId, w.version)
    const limit = this.config.maxEntriesPerMessage
    let entries: FootprintEntry[] = []
    let claims: FootprintClaim[] = []
    let sent = 0
    const flush = (): boolean => {
      if (entries.length + claims.length === 0) return true
      if (sent === this.config.maxDeltaMessagesPerDigest) return false
      sent++
      this.stats.deltasSent++
      this.#ports.transport.send(from, { kind: 'FootprintDelta', entries, claims })
      entries = []
      claims = []
      return true
    }
    let truncated = false
    writers: for (const writer of this.#footprint.writersIn(message.fromId, message.toId)) {
      const known = theirs.get(writer) ?? 0
      const mine = this.#footprint.watermark(writer)
      // Entries go in ascending versions; each message claims only what its own entries complete.
      let since = known
      let last = known
      for (const entry of this.#footprint.entriesOf(writer)) {
        if (entry.version <= known) continue
        if (entries.length + claims.length + 2 > limit) {
          const upTo = Math.min(mine, last)
          if (upTo > since) {
            claims.push({ agentId: writer, since, version: upTo })
            since = upTo
          }
          if (!flush()) {
            truncated = true
            break writers
          }
        }
        entries.push(entry)
        last = entry.version
      }
      if (mine > since) {
        // Room is kept for this claim after the writer's entries; only a claim alone can need a new message.
        if (entries.length + claims.length + 1 > limit && !flush()) {
          truncated = true
          break
        }
        claims.push({ agentId: writer, since, version: mine })
      }
    }
    if (!truncated && !flush()) truncated = true
    if (truncated) this.stats.deltasTruncated++
    if (message.wantsReply) this.#sendDigests(from, message.fromId, message.toId, false)
  }

  #onDelta (message: FootprintDelta): void {
    if (!Array.isArray(message.entries) || !Array.isArray(message.claims) ||
      message.entries.length + message.claims.length > this.config.maxEntriesPerMessage ||
      !message.entries.every(isEntry) || !message.claims.every(isClaim)) {
      this.stats.malformed++
      return
    }
    this.stats.deltasReceived++
    const changed: FootprintEntry[] = []
    // A writer one of whose entries was refused here is not complete here: no claim for it.
    const incomplete = new Set<string>()
    for (const entry of message.entries) {
      if (this.#learn(entry, changed)) this.stats.entriesLearned++
      else if ((this.#footprint.get(entry.projectId, entry.agentId)?.version ?? 0) < entry.version) incomplete.add(entry.agentId)
    }
    const raised: FootprintWatermark[] = []
    for (const claim of message.claims) {
      if (claim.agentId === this.#self.id || incomplete.has(claim.agentId)) continue
      if (this.#footprint.watermark(claim.agentId) < claim.since) continue
      if (this.#footprint.raiseWatermark(claim.agentId, claim.version)) raised.push({ agentId: claim.agentId, version: claim.version })
    }
    this.#persist(changed, raised)
  }

  // ---------------------------------------------------------------- helpers

  #persist (entries: readonly FootprintEntry[], watermarks: readonly FootprintWatermark[]): void {
    if (entries.length === 0 && watermarks.length === 0) return
    this.#ports.persisted?.({ entries, watermarks })
  }

  /** Up to `count` distinct random peers of the view, not this agent nor `except`. */
  #pickPeers (count: number, except: string | null): PeerAddress[] {
    return randomPeers(this.#ports.view(), this.#ports.random, count, this.#self.id, except)
  }
}

// Defensive checks of what a peer sent. The agent checks every message against its schema
// first; these keep the node from throwing on anything that slipped through (or a simulator's bug).

function isCount (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function isEntry (value: unknown): value is FootprintEntry {
  if (typeof value !== 'object' || value === null) return false
  const e = value as Record<string, unknown>
  return typeof e.projectId === 'string' && e.projectId !== '' && typeof e.agentId === 'string' && e.agentId !== '' &&
    typeof e.address === 'string' && typeof e.present === 'boolean' && isCount(e.version) && (e.version as number) > 0
}

function isClaim (value: unknown): value is FootprintClaim {
  return isWatermark(value) && isCount((value as unknown as Record<string, unknown>).since) && (value as FootprintClaim).since < (value as FootprintClaim).version
}

function isWatermark (value: unknown): value is FootprintWatermark {
  if (typeof value !== 'object' || value === null) return false
  const w = value as Record<string, unknown>
  return typeof w.agentId === 'string' && w.agentId !== '' && isCount(w.version)
}
