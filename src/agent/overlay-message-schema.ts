/**
 * The schemas every Cyclon message must pass at the boundary before the node sees it
 * (CONVENTIONS.md §3.6: peer messages are validated once, in the runtime, and the core trusts
 * its types). Sizes are bounded so that no message can make an agent hold much: ids and
 * addresses are short strings, a message carries at most `cacheSize` descriptors, metadata
 * strings and labels are few and short. The map is typed by kind, so a kind added to
 * CyclonMessage without a schema here does not compile.
 */
import { z } from 'zod'
import { CYCLON_PROTOCOL_VERSION } from '../protocol/cyclon/messages.ts'
import type { CyclonMessage, CyclonMessageKind } from '../protocol/cyclon/messages.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { PeerDescriptor, PeerMetadata } from '../protocol/cyclon/peer-descriptor.ts'
import { peerAddressSchema, peerIdSchema } from '../runtime/peer-envelope.ts'
import type { PeerMessageCodec } from '../runtime/peer-envelope.ts'

/** The bounds on what a message may carry. Part of the wire: lowering one refuses older agents' messages. */
export const OVERLAY_MESSAGE_LIMITS = {
  labelCount: 16,
  labelKeyLength: 64,
  labelValueLength: 256,
  textLength: 128,
  maxAge: 1_000_000,
  /** A walk's ttl counts down from joinWalkLength, and on below 0 by as much again. */
  maxWalkTtl: 64
} as const

const L = OVERLAY_MESSAGE_LIMITS

const agentIdSchema = peerIdSchema.transform(agentId)
const text = z.string().max(L.textLength)

export const peerMetadataSchema: z.ZodType<PeerMetadata> = z.object({
  // -1 marks a seed's placeholder description, which any real one replaces.
  version: z.int().min(-1),
  cloudlet: text,
  region: text,
  availabilityZone: text,
  labels: z.record(z.string().min(1).max(L.labelKeyLength), z.string().max(L.labelValueLength))
    .refine(labels => Object.keys(labels).length <= L.labelCount, `at most ${L.labelCount} labels`),
  software: text,
  apis: z.record(z.string().min(1).max(32), z.string().max(32))
    .refine(apis => Object.keys(apis).length <= 8, 'at most 8 API ranges').optional()
}).transform(m => (m.apis === undefined ? { version: m.version, cloudlet: m.cloudlet, region: m.region, availabilityZone: m.availabilityZone, labels: m.labels, software: m.software } : m) as PeerMetadata)

export const peerDescriptorSchema: z.ZodType<PeerDescriptor> = z.object({
  id: agentIdSchema,
  address: peerAddressSchema,
  age: z.int().min(0).max(L.maxAge),
  metadata: peerMetadataSchema
})

type SchemasByKind = { readonly [K in CyclonMessageKind]: z.ZodType<Extract<CyclonMessage, { kind: K }>> }

/** The codec the peer transport checks Cyclon messages with; at most `cacheSize` descriptors a message. */
export function cyclonMessageCodec (cacheSize: number): PeerMessageCodec<CyclonMessage> {
  const entries = z.array(peerDescriptorSchema).max(cacheSize)
  const shuffleId = z.int().min(0)
  const schemas: SchemasByKind = {
    ShuffleRequest: z.object({ kind: z.literal('ShuffleRequest'), shuffleId, entries: entries.min(1) }),
    ShuffleReply: z.object({ kind: z.literal('ShuffleReply'), shuffleId, entries }),
    JoinRequest: z.object({ kind: z.literal('JoinRequest'), newcomer: peerDescriptorSchema }),
    JoinWalk: z.object({ kind: z.literal('JoinWalk'), newcomer: peerDescriptorSchema, ttl: z.int().min(-L.maxWalkTtl).max(L.maxWalkTtl) }),
    JoinReply: z.object({ kind: z.literal('JoinReply'), entries }),
    Leave: z.object({ kind: z.literal('Leave'), id: agentIdSchema })
  }
  return {
    protocolVersion: CYCLON_PROTOCOL_VERSION,
    schemaFor: kind => Object.hasOwn(schemas, kind) ? schemas[kind as CyclonMessageKind] as z.ZodType<CyclonMessage> : null,
    claimedSender
  }
}

/** Whom a message speaks for: a shuffle's sender, a join's newcomer, a leaving agent; walks and replies carry others. */
function claimedSender (message: CyclonMessage): string | null {
  switch (message.kind) {
    case 'ShuffleRequest': return message.entries[0]?.id ?? null
    case 'JoinRequest': return message.newcomer.id
    case 'Leave': return message.id
    case 'ShuffleReply':
    case 'JoinWalk':
    case 'JoinReply':
      return null
  }
}
