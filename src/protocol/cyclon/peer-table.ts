/**
 * PeerTable: interns the peers CyclonNodes know — agent id ↔ handle, a small integer — so that
 * a cache holds handles and compares entries as integers rather than id strings.
 *
 * A real agent's node owns a table of its own (and compacts it, see CyclonNode); the simulator
 * gives one table to all of its nodes, interning its agents in index order first, so that a
 * handle is the agent's index.
 *
 * Descriptors (and addresses) sent by a node whose table is shared carry, under a symbol key,
 * the handle of the peer they describe (`tagged`), so that a node of the same table in the same
 * process (the simulator) takes the handle from the descriptor instead of hashing its id — at
 * 100,000 agents those lookups, each a few cache misses, were a third of the simulation's time.
 * JSON never sees a symbol key, and a node with a table of its own (a real agent) sends plain
 * descriptors anyway. A tag is only a hint: it is used when the receiving table holds the
 * descriptor's id under that handle (`tagOf`), which is then the right handle whichever table
 * made it.
 */
import type { PeerAddress } from '../../core/ports.ts'
import type { AgentId, PeerDescriptor, PeerMetadata } from './peer-descriptor.ts'

/** Returned for an id the table does not hold. */
export const NO_PEER = -1

/** The key of a descriptor's tag (one constant, so that V8 builds tagged descriptors as fast as plain ones). */
const PEER_HANDLE = Symbol('p2pstack.cyclon.peerHandle')

interface Tagged {
  readonly [PEER_HANDLE]?: number
}

export class PeerTable {
  readonly #handles = new Map<string, number>()
  readonly #ids: AgentId[] = []

  /** Peers interned so far (handles are 0 … size−1). */
  get size (): number {
    return this.#ids.length
  }

  /** The handle of `id`, or NO_PEER. */
  handleOf (id: string): number {
    return this.#handles.get(id) ?? NO_PEER
  }

  /** The handle of `id`, interning it when it is new. */
  intern (id: AgentId): number {
    const known = this.#handles.get(id)
    if (known !== undefined) return known
    const handle = this.#ids.length
    this.#handles.set(id, handle)
    this.#ids.push(id)
    return handle
  }

  /** The peer's id. */
  idOf (handle: number): AgentId {
    return this.#ids[handle] as AgentId
  }

  /**
   * The handle a descriptor or an address made by a node of this table carries, when it still
   * names the peer the table holds under it; else NO_PEER (untagged, another table's, or altered).
   */
  tagOf (to: PeerAddress): number {
    const handle = (to as Tagged)[PEER_HANDLE]
    return handle !== undefined && this.#ids[handle] === to.id ? handle : NO_PEER
  }

  /** The handle of the peer `descriptor` (or address) names: from its tag, else by its id; NO_PEER when unknown. */
  handleOfAddress (to: PeerAddress): number {
    const tagged = this.tagOf(to)
    return tagged === NO_PEER ? this.handleOf(to.id) : tagged
  }
}

/** A descriptor of peer `handle` (of the sender's table), carrying the handle under a symbol key (invisible to JSON). */
export function tagged (handle: number, id: AgentId, address: string, age: number, metadata: PeerMetadata): PeerDescriptor {
  const descriptor: PeerDescriptor & Tagged = { id, address, age, metadata, [PEER_HANDLE]: handle }
  return descriptor
}

/** An address of peer `handle`, tagged likewise. */
export function taggedAddress (handle: number, id: AgentId, address: string): PeerAddress {
  const address_: PeerAddress & Tagged = { id, address, [PEER_HANDLE]: handle }
  return address_
}
