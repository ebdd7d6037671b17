/**
 * The messages of the overlay, between agents. A discriminated union on `kind`; kinds are only
 * ever added, never renamed or reshaped (an agent ignores a kind it does not know), and the
 * envelope the transport puts around them carries CYCLON_PROTOCOL_VERSION.
 *
 * - ShuffleRequest/ShuffleReply: one Cyclon shuffle (Voulgaris et al. 2005, "enhanced
 *   shuffling"), matched by `shuffleId`; the request's first entry is its sender.
 * - JoinRequest: a newcomer asks an introducer (or a seed) to be let in.
 * - JoinWalk: the introducer's random walks carrying the newcomer; where a walk ends, that agent
 *   swaps one of its entries for the newcomer and sends the entry to the newcomer in a JoinReply.
 * - Leave: an agent leaving gracefully asks its neighbours to forget it.
 */
import type { AgentId, PeerDescriptor } from './peer-descriptor.ts'

export const CYCLON_PROTOCOL_VERSION = 1

export interface ShuffleRequest {
  readonly kind: 'ShuffleRequest'
  readonly shuffleId: number
  /** The sender's fresh entry (age 0) first, then up to ℓ−1 entries of its cache. */
  readonly entries: readonly PeerDescriptor[]
}

export interface ShuffleReply {
  readonly kind: 'ShuffleReply'
  readonly shuffleId: number
  readonly entries: readonly PeerDescriptor[]
}

export interface JoinRequest {
  readonly kind: 'JoinRequest'
  readonly newcomer: PeerDescriptor
}

export interface JoinWalk {
  readonly kind: 'JoinWalk'
  readonly newcomer: PeerDescriptor
  /**
   * Hops left after this one; the agent that receives it at 0 takes the newcomer in, unless it
   * already has it: then the walk goes on with ttl below 0, down to -joinWalkLength.
   */
  readonly ttl: number
}

export interface JoinReply {
  readonly kind: 'JoinReply'
  readonly entries: readonly PeerDescriptor[]
}

export interface Leave {
  readonly kind: 'Leave'
  readonly id: AgentId
}

export type CyclonMessage = ShuffleRequest | ShuffleReply | JoinRequest | JoinWalk | JoinReply | Leave

export type CyclonMessageKind = CyclonMessage['kind']

export const CYCLON_MESSAGE_KINDS: readonly CyclonMessageKind[] = ['ShuffleRequest', 'ShuffleReply', 'JoinRequest', 'JoinWalk', 'JoinReply', 'Leave']

/**
 * Bytes of the JSON envelope around a message, beyond its descriptors: version, sender id and
 * address, timestamp, nonce, kind and ids, as the peer transport writes them (measured at
 * 222–239 bytes for agent ids of 12 characters). HTTP headers are not counted.
 */
export const ENVELOPE_WIRE_BYTES = 232
