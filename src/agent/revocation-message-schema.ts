/**
 * The schemas every revocation gossip message (protocol/state/revocation-messages.ts) must pass
 * at the boundary before the RevocationGossipNode sees it. Sizes are bounded: ids are
 * Keystone-sized (64 characters), a push carries at most `maxEventsPerMessage` events, a rumour
 * few hops. The node refuses, on top, events that name nothing or are dated too far ahead.
 */
import { z } from 'zod'
import { DEFAULT_REVOCATION_GOSSIP_CONFIG } from '../protocol/state/revocation-gossip-node.ts'
import { REVOCATION_PROTOCOL_VERSION } from '../protocol/state/revocation-messages.ts'
import type { RevocationMessage, RevocationMessageKind } from '../protocol/state/revocation-messages.ts'
import type { RevocationEventRecord } from '../protocol/state/revocations.ts'
import type { PeerMessageCodec } from '../runtime/peer-envelope.ts'

export const REVOCATION_MESSAGE_LIMITS = {
  maxIdLength: 64,
  maxHops: 32,
  maxEventsPerMessage: DEFAULT_REVOCATION_GOSSIP_CONFIG.maxEventsPerMessage
} as const

const L = REVOCATION_MESSAGE_LIMITS
const id = z.string().min(1).max(L.maxIdLength)
const uint32 = z.int().min(0).max(0xffffffff)

const eventSchema: z.ZodType<RevocationEventRecord> = z.object({
  auditId: id.optional(),
  auditChainId: id.optional(),
  userId: id.optional(),
  projectId: id.optional(),
  roleId: id.optional(),
  issuedBeforeMs: z.int().min(0).max(Number.MAX_SAFE_INTEGER)
}).transform(e => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as RevocationEventRecord)

type SchemasByKind = { readonly [K in RevocationMessageKind]: z.ZodType<Extract<RevocationMessage, { kind: K }>> }

const schemas: SchemasByKind = {
  RevocationPush: z.object({ kind: z.literal('RevocationPush'), hopsLeft: z.int().min(0).max(L.maxHops), events: z.array(eventSchema).max(L.maxEventsPerMessage) }),
  RevocationDigest: z.object({ kind: z.literal('RevocationDigest'), count: z.int().min(0).max(Number.MAX_SAFE_INTEGER), checksum: z.tuple([uint32, uint32]), wantsReply: z.boolean() })
}

export const revocationMessageCodec: PeerMessageCodec<RevocationMessage> = {
  protocolVersion: REVOCATION_PROTOCOL_VERSION,
  schemaFor: kind => Object.hasOwn(schemas, kind) ? schemas[kind as RevocationMessageKind] as z.ZodType<RevocationMessage> : null,
  // Pushes pass on other agents' events: none speaks for its sender alone.
  claimedSender: () => null
}
