/**
 * What an agent knows of a peer: its id and address, the entry's age in shuffle cycles, and a
 * small versioned description of the peer (cloudlet, region, availability zone, labels,
 * software). The metadata travels with every descriptor, so location-aware placement can pick
 * candidates without asking; its version lets a newer description replace an older one.
 */

/** An agent's id: stable across restarts, unique in the cluster. */
export type AgentId = string & { readonly __brand: 'AgentId' }

export function agentId (text: string): AgentId {
  return text as AgentId
}

export interface PeerMetadata {
  /** Increases whenever the agent changes its metadata; a higher version wins. */
  readonly version: number
  readonly cloudlet: string
  readonly region: string
  readonly availabilityZone: string
  /** Operator labels: site, country, anything. Keys and values are short strings. */
  readonly labels: Readonly<Record<string, string>>
  /** The agent's software version. */
  readonly software: string
  /**
   * The API version ranges its cloudlet serves, by service type, e.g. { compute: '2.1-2.79' }:
   * the agents advertise what every cloudlet honours. Added later: older agents send none.
   */
  readonly apis?: Readonly<Record<string, string>>
}

export interface PeerDescriptor {
  readonly id: AgentId
  readonly address: string
  /** Cycles since the descriptor was made by its peer (Cyclon's age). */
  readonly age: number
  readonly metadata: PeerMetadata
}

export const EMPTY_METADATA: PeerMetadata = { version: 0, cloudlet: '', region: '', availabilityZone: '', labels: {}, software: '' }

/**
 * The size of a descriptor on the wire (its JSON), for the bytes-per-cycle metric; computed once
 * per metadata object and cached, because the simulator counts millions of them.
 */
export function descriptorWireBytes (descriptor: PeerDescriptor): number {
  let metadataBytes = metadataSizes.get(descriptor.metadata)
  if (metadataBytes === undefined) {
    metadataBytes = JSON.stringify(descriptor.metadata).length
    metadataSizes.set(descriptor.metadata, metadataBytes)
  }
  // {"id":"…","address":"…","age":N,"metadata":…}
  return 36 + descriptor.id.length + descriptor.address.length + String(descriptor.age).length + metadataBytes
}

const metadataSizes = new WeakMap<PeerMetadata, number>()
