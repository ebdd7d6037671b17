/**
 * RevocationGossipNode: one agent's side of spreading token revocations to every agent (issue 5
 * §2), as a pure, synchronous state machine like FootprintNode: time, randomness, the network
 * and the overlay's view come in through ports.
 *
 * - `spread(events)`: events this agent learned from outside the gossip (a token deleted through
 *   it, its poll of the identity provider). The new ones are pushed at once to `fanout` random
 *   peers; a peer for which some are new hands them to `learned` and passes those on while hops
 *   last (rumour mongering). Most agents hear of a revocation within a few network round trips.
 * - Every `antiEntropyPeriodMs` a push-pull with one random peer compares the two sets by count
 *   and checksum and, when they differ, each side sends the other all its events (in bounded
 *   messages): what a lost rumour, an agent that was down or a newcomer missed arrives within a
 *   few periods, whether or not the agent can reach the identity provider.
 *
 * The set only grows, up to `maxEvents` (oldest dropped first) and until an event can match no
 * valid token (issued_before older than the longest token lifetime): merge is a union. An event
 * that names nothing, is dated in the future beyond `maxFutureSkewMs` (it would revoke tokens not
 * yet issued) or is already too old to matter is refused and counted.
 */
import { assert } from '../../core/assert.ts'
import type { Clock, PeerAddress, Random, Transport } from '../../core/ports.ts'
import { randomPeers } from './random-peers.ts'
import type { RevocationDigest, RevocationMessage, RevocationPush } from './revocation-messages.ts'
import { namesSomething, revocationHashes, revocationKey } from './revocations.ts'
import type { RevocationEventRecord } from './revocations.ts'

export interface RevocationGossipConfig {
  readonly fanout: number
  readonly maxHops: number
  readonly antiEntropyPeriodMs: number
  /** Events in one push; more go in several. */
  readonly maxEventsPerMessage: number
  /** Pushes sent in answer to one digest; the rest waits for the next exchange. */
  readonly maxPushesPerDigest: number
  readonly maxEvents: number
  /** The longest lifetime of a token: an older event can match no valid token. */
  readonly maxTokenLifetimeMs: number
  /** How far in the future an event's issued_before may lie (clock skew between agents and provider). */
  readonly maxFutureSkewMs: number
}

export const DEFAULT_REVOCATION_GOSSIP_CONFIG: RevocationGossipConfig = {
  fanout: 3,
  maxHops: 8,
  antiEntropyPeriodMs: 5_000,
  maxEventsPerMessage: 256,
  maxPushesPerDigest: 16,
  maxEvents: 100_000,
  maxTokenLifetimeMs: 24 * 3600_000,
  maxFutureSkewMs: 60_000
}

export interface RevocationGossipPorts {
  readonly clock: Clock
  readonly random: Random
  readonly transport: Transport<RevocationMessage>
  /** The peers to gossip with now (CyclonNode.view()). */
  readonly view: () => readonly PeerAddress[]
  /** Called once with every event that is new here and came from a peer. */
  readonly learned: (event: RevocationEventRecord) => void
}

export interface RevocationGossipStats {
  /** Events given to spread() that were new here. */
  spread: number
  pushesSent: number
  pushesReceived: number
  /** Events from peers that were new here. */
  eventsLearned: number
  digestsSent: number
  digestsReceived: number
  /** Digests that differed from this node's set, answered with its events. */
  digestsDiffering: number
  /** Events refused: naming nothing, dated in the future, or too old to matter. */
  eventsRefused: number
  malformed: number
}

interface Held {
  readonly event: RevocationEventRecord
  readonly hashes: readonly [number, number]
}

const NO_PEER_RETRY_MS = 500

export class RevocationGossipNode {
  readonly config: RevocationGossipConfig
  readonly stats: RevocationGossipStats = {
    spread: 0, pushesSent: 0, pushesReceived: 0, eventsLearned: 0, digestsSent: 0, digestsReceived: 0, digestsDiffering: 0, eventsRefused: 0, malformed: 0
  }

  readonly #ports: RevocationGossipPorts
  readonly #selfId: string
  /** By key, in the order they arrived (the oldest is dropped first beyond maxEvents). */
  readonly #events = new Map<string, Held>()
  #sumA = 0
  #sumB = 0
  #nextAntiEntropyAtMs: number

  constructor (selfId: string, ports: RevocationGossipPorts, config: RevocationGossipConfig = DEFAULT_REVOCATION_GOSSIP_CONFIG) {
    assert(config.fanout >= 0 && config.maxHops >= 0 && config.antiEntropyPeriodMs > 0 && config.maxEventsPerMessage >= 1 && config.maxPushesPerDigest >= 1 && config.maxEvents >= 1,
      'invalid revocation gossip configuration')
    this.config = config
    this.#ports = ports
    this.#selfId = selfId
    // A new node knows nothing yet: it asks a peer as soon as it has one.
    this.#nextAntiEntropyAtMs = ports.clock.nowMs()
  }

  get size (): number {
    return this.#events.size
  }

  has (event: RevocationEventRecord): boolean {
    return this.#events.has(revocationKey(event))
  }

  /** Every event held, oldest first. */
  events (): RevocationEventRecord[] {
    return [...this.#events.values()].map(h => h.event)
  }

  /** This node's digest: how many events and their checksum. */
  digest (): { count: number, checksum: readonly [number, number] } {
    return { count: this.#events.size, checksum: [this.#sumA, this.#sumB] }
  }

  /** Events learned outside the gossip: the new ones are kept and pushed to peers. */
  spread (events: readonly RevocationEventRecord[]): void {
    const fresh = events.filter(e => this.#accept(e))
    this.stats.spread += fresh.length
    if (fresh.length > 0) this.#push(fresh, this.config.maxHops, null)
  }

  nextWakeupMs (): number {
    return this.#nextAntiEntropyAtMs
  }

  /** Prunes what can no longer matter and starts a reconciliation with one random peer when one is due. */
  onTick (): void {
    const now = this.#ports.clock.nowMs()
    if (now < this.#nextAntiEntropyAtMs) return
    this.#prune()
    const [peer] = this.#pickPeers(1, null)
    if (peer === undefined) {
      this.#nextAntiEntropyAtMs = now + Math.min(this.config.antiEntropyPeriodMs, NO_PEER_RETRY_MS)
      return
    }
    this.#nextAntiEntropyAtMs = now + this.config.antiEntropyPeriodMs
    this.#sendDigest(peer, true)
  }

  onMessage (from: PeerAddress, message: RevocationMessage): void {
    switch (message.kind) {
      case 'RevocationPush': return this.#onPush(from, message)
      case 'RevocationDigest': return this.#onDigest(from, message)
      default: this.stats.malformed++
    }
  }

  #onPush (from: PeerAddress, message: RevocationPush): void {
    if (!Array.isArray(message.events) || message.events.length > this.config.maxEventsPerMessage || !isCount(message.hopsLeft)) {
      this.stats.malformed++
      return
    }
    this.stats.pushesReceived++
    const fresh: RevocationEventRecord[] = []
    for (const event of message.events) {
      if (!isEvent(event)) {
        this.stats.malformed++
        continue
      }
      if (!this.#accept(event)) continue
      fresh.push(event)
      this.stats.eventsLearned++
      this.#ports.learned(event)
    }
    if (fresh.length > 0 && message.hopsLeft > 0) this.#push(fresh, Math.min(message.hopsLeft, this.config.maxHops) - 1, from.id)
  }

  #onDigest (from: PeerAddress, message: RevocationDigest): void {
    if (!isCount(message.count) || !Array.isArray(message.checksum) || message.checksum.length !== 2 || !message.checksum.every(isCount)) {
      this.stats.malformed++
      return
    }
    this.stats.digestsReceived++
    if (message.count === this.#events.size && message.checksum[0] === this.#sumA && message.checksum[1] === this.#sumB) return
    this.stats.digestsDiffering++
    const all = this.events()
    const size = this.config.maxEventsPerMessage
    for (let i = 0, sent = 0; i < all.length && sent < this.config.maxPushesPerDigest; i += size, sent++) {
      this.stats.pushesSent++
      this.#ports.transport.send(from, { kind: 'RevocationPush', hopsLeft: 0, events: all.slice(i, i + size) })
    }
    if (message.wantsReply) this.#sendDigest(from, false)
  }

  /** Keeps an event that is new and sound; true if it was. */
  #accept (event: RevocationEventRecord): boolean {
    const key = revocationKey(event)
    if (this.#events.has(key)) return false
    const now = this.#ports.clock.wallClockMs()
    if (!namesSomething(event) || event.issuedBeforeMs > now + this.config.maxFutureSkewMs || event.issuedBeforeMs < now - this.config.maxTokenLifetimeMs) {
      this.stats.eventsRefused++
      return false
    }
    const hashes = revocationHashes(key)
    this.#events.set(key, { event, hashes })
    this.#sumA = (this.#sumA + hashes[0]) >>> 0
    this.#sumB = (this.#sumB + hashes[1]) >>> 0
    while (this.#events.size > this.config.maxEvents) {
      const oldest = this.#events.keys().next().value
      if (oldest === undefined) break
      this.#drop(oldest)
    }
    return true
  }

  #prune (): void {
    const horizon = this.#ports.clock.wallClockMs() - this.config.maxTokenLifetimeMs
    for (const [key, held] of this.#events) if (held.event.issuedBeforeMs < horizon) this.#drop(key)
  }

  #drop (key: string): void {
    const held = this.#events.get(key)
    if (held === undefined) return
    this.#events.delete(key)
    this.#sumA = (this.#sumA - held.hashes[0]) >>> 0
    this.#sumB = (this.#sumB - held.hashes[1]) >>> 0
  }

  #push (events: readonly RevocationEventRecord[], hopsLeft: number, except: string | null): void {
    const size = this.config.maxEventsPerMessage
    for (const peer of this.#pickPeers(this.config.fanout, except)) {
      for (let i = 0; i < events.length; i += size) {
        this.stats.pushesSent++
        this.#ports.transport.send(peer, { kind: 'RevocationPush', hopsLeft, events: events.slice(i, i + size) })
      }
    }
  }

  #sendDigest (peer: PeerAddress, wantsReply: boolean): void {
    this.stats.digestsSent++
    this.#ports.transport.send(peer, { kind: 'RevocationDigest', count: this.#events.size, checksum: [this.#sumA, this.#sumB], wantsReply })
  }

  #pickPeers (count: number, except: string | null): PeerAddress[] {
    return randomPeers(this.#ports.view(), this.#ports.random, count, this.#selfId, except)
  }
}

function isCount (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function isEvent (value: unknown): value is RevocationEventRecord {
  if (typeof value !== 'object' || value === null) return false
  const e = value as Record<string, unknown>
  for (const name of ['auditId', 'auditChainId', 'userId', 'projectId', 'roleId']) {
    if (e[name] !== undefined && typeof e[name] !== 'string') return false
  }
  return Number.isSafeInteger(e.issuedBeforeMs)
}
