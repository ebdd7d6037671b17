/**
 * The schemas every footprint message (protocol/state/messages.ts) must pass at the boundary
 * before the FootprintNode sees it (CONVENTIONS.md §3.6: peer messages are validated once, in
 * the runtime, and the core trusts its types). Sizes are bounded so that no message can make an
 * agent hold or do much: project ids are Keystone-sized, a delta carries at most
 * `maxEntriesPerMessage` entries and claims together, a digest at most `maxWatermarks`, a
 * rumour few hops; versions are positive safe integers. The FootprintNode's configuration must
 * stay within these (maxEntriesPerMessage, maxWritersPerDigest, maxHops). The map is typed by
 * kind, so a kind added to FootprintMessage without a schema here does not compile.
 */
import { z } from 'zod'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { FootprintEntry, FootprintWatermark } from '../protocol/state/footprint.ts'
import { FOOTPRINT_PROTOCOL_VERSION } from '../protocol/state/messages.ts'
import type { FootprintClaim, FootprintMessage, FootprintMessageKind } from '../protocol/state/messages.ts'
import { peerAddressSchema, peerIdSchema } from '../runtime/peer-envelope.ts'
import type { PeerMessageCodec } from '../runtime/peer-envelope.ts'

/** The bounds on what a message may carry. Part of the wire: lowering one refuses older agents' messages. */
export const STATE_MESSAGE_LIMITS = {
  /** Keystone's project id column is 64 characters. */
  maxProjectIdLength: 64,
  maxHops: 32,
  /** Entries plus claims in one delta: at most about 500 bytes each, half the peer body limit (256 KiB). */
  maxEntriesPerMessage: 256,
  /** Watermarks in one digest: at most about 160 bytes each. */
  maxWatermarks: 512
} as const

const L = STATE_MESSAGE_LIMITS

const agentIdSchema = peerIdSchema.transform(agentId)
const version = z.int().min(1).max(Number.MAX_SAFE_INTEGER)
const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER)
const projectIdSchema = z.string().regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ -').min(1).max(L.maxProjectIdLength)

const entrySchema: z.ZodType<FootprintEntry> = z.object({
  projectId: projectIdSchema,
  agentId: agentIdSchema,
  address: peerAddressSchema,
  present: z.boolean(),
  version
})

const watermarkSchema: z.ZodType<FootprintWatermark> = z.object({ agentId: agentIdSchema, version: count })

const claimSchema: z.ZodType<FootprintClaim> = z.object({ agentId: agentIdSchema, since: count, version })
  .refine(c => c.since < c.version, 'since must be below version')

type SchemasByKind = { readonly [K in FootprintMessageKind]: z.ZodType<Extract<FootprintMessage, { kind: K }>> }

const schemas: SchemasByKind = {
  FootprintPush: z.object({ kind: z.literal('FootprintPush'), hopsLeft: z.int().min(0).max(L.maxHops), previousVersion: count, entry: entrySchema })
    .refine(m => m.previousVersion < m.entry.version, 'previousVersion must be below the entry\'s version'),
  FootprintDigest: z.object({
    kind: z.literal('FootprintDigest'),
    // A range of writer ids: from '' (the start) or an id, to an id or null (the end).
    fromId: z.union([z.literal(''), peerIdSchema]),
    toId: peerIdSchema.nullable(),
    watermarks: z.array(watermarkSchema).max(L.maxWatermarks),
    wantsReply: z.boolean()
  }),
  FootprintDelta: z.object({
    kind: z.literal('FootprintDelta'),
    entries: z.array(entrySchema).max(L.maxEntriesPerMessage),
    claims: z.array(claimSchema).max(L.maxEntriesPerMessage)
  }).refine(m => m.entries.length + m.claims.length <= L.maxEntriesPerMessage, `at most ${L.maxEntriesPerMessage} entries and claims together`)
}

/** The codec the peer transport checks footprint messages with. */
export const stateMessageCodec: PeerMessageCodec<FootprintMessage> = {
  protocolVersion: FOOTPRINT_PROTOCOL_VERSION,
  schemaFor: kind => Object.hasOwn(schemas, kind) ? schemas[kind as FootprintMessageKind] as z.ZodType<FootprintMessage> : null,
  // Rumours and deltas carry other agents' entries, passed on: none speaks for its sender alone.
  claimedSender: () => null
}
