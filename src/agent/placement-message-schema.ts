/**
 * The schemas every placement message must pass at the boundary before the PlacementNode sees it
 * (CONVENTIONS.md §3.6: peer messages are validated once, in the runtime, and the core trusts
 * its types). Sizes are bounded so that no message can make an agent hold or do much: a walk's
 * hops are few, its filter names few agents and labels, amounts are finite and non-negative,
 * a reservation lasts at most a day. Descriptors are checked by the overlay's schema, so a
 * sample is held to the same bounds as a Cyclon entry. The map is typed by kind, so a kind added
 * to PlacementMessage without a schema here does not compile.
 */
import { z } from 'zod'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { CloudletLoad, ResourceUsage } from '../protocol/placement/cloudlet-load.ts'
import { PLACEMENT_PROTOCOL_VERSION } from '../protocol/placement/messages.ts'
import type { PlacementMessage, PlacementMessageKind, WalkFilter } from '../protocol/placement/messages.ts'
import type { ResourceAmounts } from '../protocol/placement/placement-request.ts'
import { peerAddressSchema, peerIdSchema } from '../runtime/peer-envelope.ts'
import type { PeerMessageCodec } from '../runtime/peer-envelope.ts'
import { OVERLAY_MESSAGE_LIMITS, peerDescriptorSchema } from './overlay-message-schema.ts'

/** The bounds on what a message may carry. Part of the wire: lowering one refuses older agents' messages. */
export const PLACEMENT_MESSAGE_LIMITS = {
  /** A walk's hops (walkLength) and its extra hops looking for an agent that meets the filter. */
  maxWalkHops: 64,
  maxExtraHops: 256,
  /** Agents a walk's filter excludes: the request's anti-affinity and the agents that failed it. */
  maxNotAgents: 64,
  /** Any amount or capacity, in the class's unit (VCPU, MB, GB); sums over a cloudlet's hosts fit. */
  maxAmount: 1e12,
  /** The longest reservation a requester may ask for: a day. */
  maxTtlMs: 86_400_000,
  maxReservationIdLength: 64
} as const

const L = PLACEMENT_MESSAGE_LIMITS
const O = OVERLAY_MESSAGE_LIMITS

const agentIdSchema = peerIdSchema.transform(agentId)
const correlationId = z.int().min(0)
const amount = z.number().min(0).max(L.maxAmount)

const resourcesSchema: z.ZodType<ResourceAmounts> = z.object({ vcpus: amount, memoryMb: amount, diskGb: amount })

const usageSchema: z.ZodType<ResourceUsage> = z.object({ capacity: amount, used: amount })
const loadSchema: z.ZodType<CloudletLoad> = z.object({ vcpus: usageSchema, memoryMb: usageSchema, diskGb: usageSchema })

const labelsSchema = z.record(z.string().min(1).max(O.labelKeyLength), z.string().max(O.labelValueLength))
  .refine(labels => Object.keys(labels).length <= O.labelCount, `at most ${O.labelCount} labels`)

const walkFilterSchema: z.ZodType<WalkFilter> = z.object({
  availabilityZone: z.string().max(O.textLength).exactOptional(),
  labels: labelsSchema.exactOptional(),
  notAgents: z.array(agentIdSchema).max(L.maxNotAgents).exactOptional()
})

const reservationIdSchema = z.string().regex(/^[A-Za-z0-9._:-]+$/).max(L.maxReservationIdLength)

type SchemasByKind = { readonly [K in PlacementMessageKind]: z.ZodType<Extract<PlacementMessage, { kind: K }>> }

const schemas: SchemasByKind = {
  SampleWalk: z.object({
    kind: z.literal('SampleWalk'),
    walkId: correlationId,
    origin: z.object({ id: agentIdSchema, address: peerAddressSchema }),
    hopsLeft: z.int().min(0).max(L.maxWalkHops),
    extraHopsLeft: z.int().min(0).max(L.maxExtraHops),
    filter: walkFilterSchema.exactOptional()
  }),
  SampleFound: z.object({ kind: z.literal('SampleFound'), walkId: correlationId, candidate: peerDescriptorSchema }),
  LoadQuery: z.object({ kind: z.literal('LoadQuery'), queryId: correlationId, resources: resourcesSchema }),
  LoadReport: z.object({
    kind: z.literal('LoadReport'),
    queryId: correlationId,
    load: loadSchema,
    fits: z.boolean(),
    // A ratio of bounded amounts; above 1 it does not fit, and any finite value is harmless.
    utilization: z.number().min(0),
    holdId: reservationIdSchema.exactOptional()
  }),
  Reserve: z.object({ kind: z.literal('Reserve'), reserveId: correlationId, resources: resourcesSchema, ttlMs: z.int().min(1).max(L.maxTtlMs), holdId: reservationIdSchema.exactOptional() }),
  ReserveReply: z.object({ kind: z.literal('ReserveReply'), reserveId: correlationId, reservationId: reservationIdSchema.exactOptional() }),
  Release: z.object({ kind: z.literal('Release'), reservationId: reservationIdSchema })
}

/** The codec the peer transport checks placement messages with. */
export const placementMessageCodec: PeerMessageCodec<PlacementMessage> = {
  protocolVersion: PLACEMENT_PROTOCOL_VERSION,
  schemaFor: kind => Object.hasOwn(schemas, kind) ? schemas[kind as PlacementMessageKind] as z.ZodType<PlacementMessage> : null,
  claimedSender
}

/**
 * Whom a message speaks for: a sample is its sender reporting itself (an agent may not offer
 * another as a candidate). A walk is passed on by others, so its origin is not its sender; the
 * rest carry no identity beyond the envelope's.
 */
function claimedSender (message: PlacementMessage): string | null {
  switch (message.kind) {
    case 'SampleFound': return message.candidate.id
    case 'SampleWalk':
    case 'LoadQuery':
    case 'LoadReport':
    case 'Reserve':
    case 'ReserveReply':
    case 'Release':
      return null
  }
}
