/**
 * The messages of footprint replication, between agents (added beside Cyclon's and placement's;
 * kinds are only ever added, and an agent ignores a kind it does not know):
 *
 * - FootprintPush: rumour mongering. A writer pushes each change of its own entries at once to
 *   a few peers; a peer for which the entry is new passes it on to a few more while `hopsLeft`
 *   lasts, and one that already knew it stops ("infect and die"). `previousVersion` is the
 *   writer's counter before this write, so a peer whose watermark for the writer is at least
 *   that learns it is now complete up to the entry's version.
 * - FootprintDigest: anti-entropy, push-pull. A node sends its watermarks for the writers whose
 *   ids fall in [fromId, toId) (toId null: to the end; a writer of the range not listed counts
 *   as 0); the peer answers with FootprintDelta messages of what the sender lacks and, when
 *   `wantsReply`, its own digest of the same range so that the sender sends what it lacks. A
 *   large digest goes as several ranges, each exchange independent.
 * - FootprintDelta: entries, and claims: "with these entries you hold all of W's writes in
 *   (since, version]". A receiver whose watermark for W is at least `since` raises it to
 *   `version`. Each message is complete by itself, so losing one only makes the others' claims
 *   wait for the next exchange, never wrong.
 */
import type { AgentId } from '../cyclon/peer-descriptor.ts'
import type { FootprintEntry, FootprintWatermark } from './footprint.ts'

export const FOOTPRINT_PROTOCOL_VERSION = 1

export interface FootprintPush {
  readonly kind: 'FootprintPush'
  readonly hopsLeft: number
  readonly previousVersion: number
  readonly entry: FootprintEntry
}

export interface FootprintDigest {
  readonly kind: 'FootprintDigest'
  readonly fromId: string
  readonly toId: string | null
  readonly watermarks: readonly FootprintWatermark[]
  readonly wantsReply: boolean
}

/** In a delta: the receiver, once complete up to `since` for `agentId`, is complete up to `version`. */
export interface FootprintClaim {
  readonly agentId: AgentId
  readonly since: number
  readonly version: number
}

export interface FootprintDelta {
  readonly kind: 'FootprintDelta'
  readonly entries: readonly FootprintEntry[]
  readonly claims: readonly FootprintClaim[]
}

export type FootprintMessage = FootprintPush | FootprintDigest | FootprintDelta

export type FootprintMessageKind = FootprintMessage['kind']

export const FOOTPRINT_MESSAGE_KINDS: readonly FootprintMessageKind[] = ['FootprintPush', 'FootprintDigest', 'FootprintDelta']
