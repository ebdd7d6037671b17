/**
 * Who the simulated agents are: for each index an AgentId, an address and metadata shaped like
 * a real agent's (cloudlet, region, availability zone, a site label, software version), so
 * descriptors have realistic sizes on the wire; and each agent's contacts for joining (the
 * introducer, agent 0, plus optional seed agents). Objects that many agents would hold alike
 * (label maps, the introducer-only contact list) are shared to keep per-agent memory small.
 * Names are numbered with a fixed width (agent-000042), so every agent's descriptor has the
 * same size on the wire and counting bytes needs only each descriptor's age. `peers` is the
 * PeerTable every simulated CyclonNode shares, with the agents interned in index order, so that
 * a node's cache handles are agent indexes; the agents' descriptors are made from it (tagged),
 * so a node given one to seed its cache does not look its id up.
 */
import { assert } from '../core/assert.ts'
import type { PeerAddress, Random } from '../core/ports.ts'
import { agentId, descriptorWireBytes } from '../protocol/cyclon/peer-descriptor.ts'
import type { AgentId, PeerDescriptor, PeerMetadata } from '../protocol/cyclon/peer-descriptor.ts'
import { PeerTable, tagged, taggedAddress } from '../protocol/cyclon/peer-table.ts'

export const INTRODUCER_INDEX = 0

const ID_PREFIX = 'agent-'

export class SimAgents {
  readonly count: number
  readonly ids: AgentId[]
  /** Each agent as a fresh descriptor (age 0), tagged with its handle in `peers`; shared, never mutated. */
  readonly descriptors: PeerDescriptor[]
  readonly contacts: Array<readonly PeerAddress[]>
  /** Every agent, interned in index order: the handle of agent i is i. */
  readonly peers = new PeerTable()
  readonly #indexById: Map<string, number>
  /** descriptorWireBytes of any agent's descriptor, less its age's digits: the same for all. */
  readonly #bytesBeforeAge: number

  /**
   * `seedContacts` other agents besides the introducer, drawn from `random`; when `seedsJoinedEarlier`,
   * only among agents with a lower index (those that joined before, in the 'join' topology).
   */
  constructor (count: number, seedContacts: number, random: Random, seedsJoinedEarlier: boolean) {
    this.count = count
    this.ids = new Array<AgentId>(count)
    this.descriptors = new Array<PeerDescriptor>(count)
    this.#indexById = new Map()
    const labels: Array<Readonly<Record<string, string>>> = []
    for (let s = 0; s < 100; s++) labels.push({ site: `site-${String(s).padStart(2, '0')}` })
    const width = Math.max(6, String(count - 1).length)
    const addresses = new Array<string>(count)
    const metadata = new Array<PeerMetadata>(count)
    for (let i = 0; i < count; i++) {
      const number = String(i).padStart(width, '0')
      const id = agentId(`${ID_PREFIX}${number}`)
      metadata[i] = {
        version: 1,
        cloudlet: `cloudlet-${number}`,
        region: `region-${i % 8}`,
        availabilityZone: `az-${i % 3}`,
        labels: labels[i % 100] as Readonly<Record<string, string>>,
        software: '0.1.0'
      }
      addresses[i] = `sim://${id}`
      this.ids[i] = id
      const handle = this.peers.intern(id)
      assert(handle === i, 'agents are interned in index order')
      this.#indexById.set(id, i)
    }
    // The descriptors made in a loop of their own, so that they lie together in memory: the
    // starting caches are planted from them, two million reads in random order at 100,000 agents.
    for (let i = 0; i < count; i++) this.descriptors[i] = tagged(i, this.ids[i] as AgentId, addresses[i] as string, 0, metadata[i] as PeerMetadata)
    // Every descriptor's JSON has the same length, so descriptorWireBytes (the JSON's length less
    // a constant) gives them all the same size; checked on the JSON to keep 100,000 metadata
    // objects out of descriptorWireBytes' cache.
    const sizes = new Set(this.descriptors.map(d => JSON.stringify(d).length))
    assert(sizes.size === 1, 'simulated agents\' descriptors must all have the same size on the wire')
    const first = this.descriptors[0] as PeerDescriptor
    this.#bytesBeforeAge = descriptorWireBytes(first) - String(first.age).length
    const introducer = this.address(INTRODUCER_INDEX)
    const introducerOnly: readonly PeerAddress[] = [introducer]
    this.contacts = new Array<readonly PeerAddress[]>(count)
    for (let i = 0; i < count; i++) {
      const pool = seedsJoinedEarlier ? i : count
      const seeds = Math.min(seedContacts, Math.max(0, pool - 2))
      if (seeds === 0) {
        this.contacts[i] = introducerOnly
        continue
      }
      const chosen: PeerAddress[] = [introducer]
      while (chosen.length < seeds + 1) {
        const candidate = random.int(pool)
        if (candidate === i || chosen.some(c => c.id === this.ids[candidate])) continue
        chosen.push(this.address(candidate))
      }
      this.contacts[i] = chosen
    }
  }

  address (index: number): PeerAddress {
    const d = this.descriptors[index] as PeerDescriptor
    return taggedAddress(index, d.id, d.address)
  }

  /**
   * The index of the agent at `to`: read from its tag when a simulated node made it (see
   * PeerTable), else found by its id.
   */
  indexOfAddress (to: PeerAddress): number | undefined {
    const handle = this.peers.handleOfAddress(to)
    return handle >= 0 ? handle : this.indexOf(to.id)
  }

  /**
   * The index of an agent id. Ids are `agent-<index>`, so the index is read from the digits
   * (checked against the id kept for it) rather than looked up in a map: at 100,000 agents this
   * runs for every message and every cache entry measured, and the map's probes miss the CPU cache.
   */
  indexOf (id: string): number | undefined {
    let index = 0
    const length = id.length
    if (length > ID_PREFIX.length && length <= ID_PREFIX.length + 9) {
      for (let k = ID_PREFIX.length; k < length; k++) {
        const digit = id.charCodeAt(k) - 48
        if (digit < 0 || digit > 9) return this.#indexById.get(id)
        index = index * 10 + digit
      }
      if (index < this.count && this.ids[index] === id) return index
    }
    return this.#indexById.get(id)
  }

  /**
   * descriptorWireBytes of a descriptor of one of these agents. Every descriptor in the simulator
   * carries its agent's own id, address and metadata, and those are the same size for all agents,
   * so only the age's digits vary: the same figure without following the descriptor's pointers
   * (a WeakMap lookup and three cache misses per descriptor, most of a second per cycle at
   * 100,000 agents).
   */
  descriptorWireBytes (descriptor: PeerDescriptor): number {
    const age = descriptor.age
    return this.#bytesBeforeAge + (age >= 0 && age < 10 ? 1 : age >= 10 && age < 100 ? 2 : String(age).length)
  }

  /** The mean size on the wire of the agents' descriptors (bytes), for the O8 bound. */
  meanDescriptorBytes (measure: (descriptor: PeerDescriptor) => number): number {
    let sum = 0
    for (const d of this.descriptors) sum += measure(d)
    return sum / this.count
  }
}
