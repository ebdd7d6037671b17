/**
 * SimNetwork: the network between simulated agents. A message sent through an agent's
 * SimTransport is counted (messages and bytes, by sender), may be lost (a probability),
 * is dropped when a partition separates sender and receiver at the time of sending, and
 * otherwise becomes a delivery event on the event queue after a latency drawn from the model.
 * Whether the receiver is up is decided at delivery time by the simulation, which also owns
 * the agents; the network only knows agents by index. No JSON, no copies: the message object
 * itself travels, since CyclonNode never reuses a message it sent.
 */
import type { PeerAddress, Random, Transport } from '../core/ports.ts'
import type { EventSink } from './event-queue.ts'
import type { LatencyModel } from './latency.ts'
import { sampleLatencyMs, uniform01 } from './latency.ts'
import type { Clock } from '../core/ports.ts'

/** Agents in different groups cannot reach each other from `startMs` (included) to `endMs` (excluded). */
export interface Partition {
  readonly startMs: number
  readonly endMs: number
  /** The group of each agent, by index. */
  readonly groupOf: Int32Array
}

export interface SimNetworkConfig {
  readonly latency: LatencyModel
  /** Probability in [0, 1] that a message is lost. */
  readonly lossProbability: number
  readonly partitions: readonly Partition[]
}

export interface SimNetworkPorts<M> {
  readonly clock: Clock
  /** The network's own stream (latency and loss draws). */
  readonly random: Random
  readonly queue: EventSink<M>
  /** The event kind the simulation dispatches as "deliver payload from source to target". */
  readonly deliverKind: number
  /** The index of the agent at an address, or undefined for an id nobody has. */
  readonly indexOf: (to: PeerAddress) => number | undefined
  /** Bytes a message takes on the wire. */
  readonly wireBytes: (message: M) => number
}

/** What the network saw; totals since the start. */
export interface NetworkCounters {
  sent: number
  lost: number
  partitioned: number
  unknownDestination: number
  /** Arrived at an agent that was down (crashed or gone); counted by the simulation. */
  toDownAgent: number
  delivered: number
  bytes: number
}

export class SimNetwork<M> {
  readonly counters: NetworkCounters = { sent: 0, lost: 0, partitioned: 0, unknownDestination: 0, toDownAgent: 0, delivered: 0, bytes: 0 }
  /** Bytes sent by each agent since `resetCycleCounters()`. */
  readonly bytesSentInCycle: Float64Array
  /** Messages sent by each agent since `resetCycleCounters()`. */
  readonly messagesSentInCycle: Int32Array
  /**
   * While true, sends are discarded and not counted: the simulation sets caches up directly
   * before virtual time starts, and what agents send meanwhile is not part of the run.
   */
  muted = false
  readonly #ports: SimNetworkPorts<M>
  readonly #config: SimNetworkConfig

  constructor (agentCount: number, config: SimNetworkConfig, ports: SimNetworkPorts<M>) {
    this.#config = config
    this.#ports = ports
    this.bytesSentInCycle = new Float64Array(agentCount)
    this.messagesSentInCycle = new Int32Array(agentCount)
  }

  /** The Transport an agent sends through. */
  transportFor (index: number): Transport<M> {
    return new SimTransport(this, index)
  }

  /** Sends `message` from agent `from` (an index) to `to`. Never throws. */
  send (from: number, to: PeerAddress, message: M): void {
    if (this.muted) return
    const bytes = this.#ports.wireBytes(message)
    this.counters.sent++
    this.counters.bytes += bytes
    this.bytesSentInCycle[from] = (this.bytesSentInCycle[from] as number) + bytes
    this.messagesSentInCycle[from] = (this.messagesSentInCycle[from] as number) + 1
    const target = this.#ports.indexOf(to)
    if (target === undefined) {
      this.counters.unknownDestination++
      return
    }
    const config = this.#config
    const random = this.#ports.random
    if (config.lossProbability > 0 && uniform01(random) < config.lossProbability) {
      this.counters.lost++
      return
    }
    const now = this.#ports.clock.nowMs()
    if (this.#separated(from, target, now)) {
      this.counters.partitioned++
      return
    }
    this.#ports.queue.push(now + sampleLatencyMs(config.latency, random), this.#ports.deliverKind, target, from, message)
  }

  /** Whether an active partition puts the two agents in different groups at `nowMs`. */
  #separated (a: number, b: number, nowMs: number): boolean {
    for (const partition of this.#config.partitions) {
      if (nowMs >= partition.startMs && nowMs < partition.endMs && partition.groupOf[a] !== partition.groupOf[b]) return true
    }
    return false
  }

  resetCycleCounters (): void {
    this.bytesSentInCycle.fill(0)
    this.messagesSentInCycle.fill(0)
  }
}

/** One agent's end of the simulated network. */
export class SimTransport<M> implements Transport<M> {
  readonly #network: SimNetwork<M>
  readonly #from: number

  constructor (network: SimNetwork<M>, from: number) {
    this.#network = network
    this.#from = from
  }

  send (to: PeerAddress, message: M): void {
    this.#network.send(this.#from, to, message)
  }
}
