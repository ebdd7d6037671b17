/**
 * FootprintCluster: many FootprintNodes (protocol/state) on one simulated network in virtual
 * time, for the footprint's tests and bench/footprint-spread.ts. Views are fixed random
 * subsets (as pessimistic as Cyclon gets: they never change); messages have a uniform latency
 * and may be lost; a node can be stopped and restarted from what it persisted, as an agent
 * restarted from its SQLite file is. Watches record when a change reached every node that is up.
 */
import type { PeerAddress } from '../core/ports.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { AgentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { FootprintConfig } from '../protocol/state/footprint-config.ts'
import { DEFAULT_FOOTPRINT_CONFIG } from '../protocol/state/footprint-config.ts'
import { FootprintNode } from '../protocol/state/footprint-node.ts'
import { Footprint } from '../protocol/state/footprint.ts'
import type { FootprintMessage } from '../protocol/state/messages.ts'
import { EventQueue } from './event-queue.ts'
import { SeededRandom } from './seeded-random.ts'
import { VirtualClock } from './virtual-clock.ts'

export interface FootprintClusterOptions {
  readonly agents: number
  readonly viewSize: number
  readonly seed: string
  readonly lossProbability: number
  readonly latencyMinMs: number
  readonly latencyMaxMs: number
  readonly config: FootprintConfig
}

export const DEFAULT_FOOTPRINT_CLUSTER: Omit<FootprintClusterOptions, 'agents' | 'seed'> = {
  viewSize: 8,
  lossProbability: 0,
  latencyMinMs: 5,
  latencyMaxMs: 50,
  config: DEFAULT_FOOTPRINT_CONFIG
}

/** When (and after how many hops of delivery) a given write reached every node that is up. */
export interface FootprintWatch {
  readonly projectId: string
  readonly agentId: AgentId
  readonly version: number
  readonly startedMs: number
  /** Nodes that hold the write (or a newer one), by index. */
  readonly known: Uint8Array
  knownCount: number
  /** Virtual time when the last node up learned it; null until then. */
  allKnownAtMs: number | null
}

interface Delivery {
  readonly from: PeerAddress
  readonly message: FootprintMessage
}

const DELIVER = 0
const TICK = 1

export class FootprintCluster {
  readonly clock = new VirtualClock()
  readonly options: FootprintClusterOptions
  readonly nodes: FootprintNode[] = []
  readonly addresses: PeerAddress[] = []
  readonly up: boolean[] = []
  /** What each node persisted, as a restart would reload it. */
  readonly persisted: Footprint[] = []
  readonly counters = { sent: 0, lost: 0, toDownNode: 0, delivered: 0, bytes: 0 }
  readonly #queue = new EventQueue<Delivery>(4096)
  readonly #random: SeededRandom
  readonly #views: PeerAddress[][] = []
  readonly #indexOf = new Map<string, number>()
  /** The tick event each node has pending (its time), so a restart does not double it. */
  readonly #tickAt: number[] = []
  readonly #watches: FootprintWatch[] = []

  constructor (options: FootprintClusterOptions) {
    this.options = options
    this.#random = new SeededRandom(options.seed)
    for (let i = 0; i < options.agents; i++) {
      const id = `agent-${String(i).padStart(5, '0')}`
      this.addresses.push({ id, address: `http://10.0.${Math.floor(i / 250)}.${i % 250}:4000` })
      this.#indexOf.set(id, i)
    }
    const viewRandom = this.#random.fork('views')
    for (let i = 0; i < options.agents; i++) {
      const view = new Set<number>()
      const size = Math.min(options.viewSize, options.agents - 1)
      while (view.size < size) {
        const j = viewRandom.int(options.agents)
        if (j !== i) view.add(j)
      }
      this.#views.push([...view].map(j => this.addresses[j] as PeerAddress))
      this.persisted.push(new Footprint())
      this.up.push(true)
      this.#tickAt.push(Number.POSITIVE_INFINITY)
      this.nodes.push(this.#makeNode(i))
    }
  }

  /** Stops node `index`: messages to it are lost until restart(). */
  stop (index: number): void {
    this.up[index] = false
  }

  /** Builds node `index` anew from what it persisted, and starts it. */
  restart (index: number): void {
    this.nodes[index] = this.#makeNode(index)
    this.up[index] = true
    for (const watch of this.#watches) this.#check(watch, index)
  }

  /** Starts watching node `writer`'s current entry for `projectId`. */
  watch (writer: number, projectId: string): FootprintWatch {
    const node = this.nodes[writer] as FootprintNode
    const entry = node.entry(projectId, node.id)
    if (entry === undefined) throw new Error(`node ${writer} has no entry for ${projectId}`)
    const watch: FootprintWatch = { projectId, agentId: node.id, version: entry.version, startedMs: this.clock.nowMs(), known: new Uint8Array(this.nodes.length), knownCount: 0, allKnownAtMs: null }
    this.#watches.push(watch)
    for (let i = 0; i < this.nodes.length; i++) this.#check(watch, i)
    return watch
  }

  /** Runs events until virtual time `ms` (included). */
  runUntil (ms: number): void {
    const queue = this.#queue
    while (queue.peekTimeMs() <= ms) {
      queue.pop()
      const { atMs, kind, target, payload } = queue.popped
      this.clock.advanceTo(atMs)
      if (kind === TICK) {
        if (this.#tickAt[target] !== atMs) continue
        this.#tickAt[target] = Number.POSITIVE_INFINITY
        if (!this.up[target]) continue
        const node = this.nodes[target] as FootprintNode
        node.onTick()
        this.#scheduleTick(target)
        continue
      }
      const delivery = payload as Delivery
      if (!this.up[target]) {
        this.counters.toDownNode++
        continue
      }
      this.counters.delivered++
      ;(this.nodes[target] as FootprintNode).onMessage(delivery.from, delivery.message)
      for (const watch of this.#watches) this.#check(watch, target)
    }
    this.clock.advanceTo(Math.max(this.clock.nowMs(), ms))
  }

  /** Runs until `done()` or virtual time `limitMs`, checking every `stepMs`; true if done. */
  runUntilDone (done: () => boolean, stepMs: number, limitMs: number): boolean {
    while (!done()) {
      if (this.clock.nowMs() >= limitMs) return false
      this.runUntil(Math.min(limitMs, this.clock.nowMs() + stepMs))
    }
    return true
  }

  #makeNode (index: number): FootprintNode {
    const self = this.addresses[index] as PeerAddress
    const persisted = this.persisted[index] as Footprint
    const node = new FootprintNode(
      { id: agentId(self.id), address: self.address },
      {
        clock: this.clock,
        random: this.#random.fork(`node-${index}-${this.clock.nowMs()}`),
        transport: { send: (to, message) => this.#send(index, to, message) },
        view: () => this.#views[index] as PeerAddress[],
        persisted: change => {
          for (const entry of change.entries) persisted.apply(entry)
          for (const w of change.watermarks) persisted.raiseWatermark(w.agentId, w.version)
        }
      },
      this.options.config,
      persisted.snapshot()
    )
    this.#tickAt[index] = Number.POSITIVE_INFINITY
    this.nodes[index] = node
    this.#scheduleTick(index)
    return node
  }

  #scheduleTick (index: number): void {
    const at = Math.max(this.clock.nowMs(), (this.nodes[index] as FootprintNode).nextWakeupMs())
    if (at >= (this.#tickAt[index] as number)) return
    this.#tickAt[index] = at
    this.#queue.push(at, TICK, index, index)
  }

  #send (from: number, to: PeerAddress, message: FootprintMessage): void {
    this.counters.sent++
    this.counters.bytes += JSON.stringify(message).length
    const target = this.#indexOf.get(to.id)
    if (target === undefined) return
    const o = this.options
    if (o.lossProbability > 0 && this.#random.int(1_000_000) < o.lossProbability * 1_000_000) {
      this.counters.lost++
      return
    }
    const latency = o.latencyMinMs + this.#random.int(Math.max(1, o.latencyMaxMs - o.latencyMinMs + 1))
    this.#queue.push(this.clock.nowMs() + latency, DELIVER, target, from, { from: this.addresses[from] as PeerAddress, message })
  }

  #check (watch: FootprintWatch, index: number): void {
    if (watch.known[index] === 1) return
    const entry = (this.nodes[index] as FootprintNode).entry(watch.projectId, watch.agentId)
    if (entry === undefined || entry.version < watch.version) return
    watch.known[index] = 1
    watch.knownCount++
    if (watch.allKnownAtMs === null && this.#allUpKnow(watch)) watch.allKnownAtMs = this.clock.nowMs()
  }

  #allUpKnow (watch: FootprintWatch): boolean {
    for (let i = 0; i < this.nodes.length; i++) if (this.up[i] === true && watch.known[i] !== 1) return false
    return true
  }
}

/** The index of an agent id made by FootprintCluster. */
export function clusterIndex (id: string): number {
  return Number(id.slice('agent-'.length))
}
