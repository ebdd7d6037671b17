/**
 * The messages that spread token revocations between agents (beside the footprint's; kinds are
 * only ever added, and an agent ignores a kind it does not know):
 *
 * - RevocationPush: rumour mongering. An agent that learns revocation events from outside the
 *   gossip (a DELETE /v3/auth/tokens through it, or its poll of the identity provider) pushes
 *   them at once to a few peers; a peer for which some are new passes those on while `hopsLeft`
 *   lasts ("infect and die"). Also the carrier of an anti-entropy answer (hopsLeft 0).
 * - RevocationDigest: anti-entropy, push-pull. A node sends how many events it holds and an
 *   order-independent checksum of them; a peer whose own differ answers with its events (in
 *   bounded pushes) and, when `wantsReply`, with its digest, so that the sender sends its own.
 */
import type { RevocationEventRecord } from './revocations.ts'

export const REVOCATION_PROTOCOL_VERSION = 1

export interface RevocationPush {
  readonly kind: 'RevocationPush'
  readonly hopsLeft: number
  readonly events: readonly RevocationEventRecord[]
}

export interface RevocationDigest {
  readonly kind: 'RevocationDigest'
  readonly count: number
  /** The sum modulo 2^32 of each event's two 32-bit hashes, as two numbers (revocations.ts). */
  readonly checksum: readonly [number, number]
  readonly wantsReply: boolean
}

export type RevocationMessage = RevocationPush | RevocationDigest

export type RevocationMessageKind = RevocationMessage['kind']

export const REVOCATION_MESSAGE_KINDS: readonly RevocationMessageKind[] = ['RevocationPush', 'RevocationDigest']
