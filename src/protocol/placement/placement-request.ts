/**
 * What a placement asks for: the resources of the flavor, and where the server may go. Built by
 * the agent from a Nova create request (flavor, availability_zone, scheduler hints, server
 * group) and by the simulator directly; the placement step (placement-node.ts) only reads it.
 * Affinity is already resolved to agents here: the agent knows which cloudlet holds a server.
 */
import type { AgentId, PeerMetadata } from '../cyclon/peer-descriptor.ts'

/** Amounts of the three resource classes Nova's flavors claim from Placement. */
export interface ResourceAmounts {
  /** VCPU */
  readonly vcpus: number
  /** MEMORY_MB */
  readonly memoryMb: number
  /** DISK_GB */
  readonly diskGb: number
}

export const RESOURCE_CLASSES = ['vcpus', 'memoryMb', 'diskGb'] as const
export type ResourceClass = typeof RESOURCE_CLASSES[number]

/** Where a server may go. Every field is optional; all given ones must hold. */
export interface LocationRequirements {
  /** Nova's availability_zone: the cloudlet's metadata.availabilityZone must equal it. */
  readonly availabilityZone?: string
  /** Every key must be in the cloudlet's metadata.labels with this value (`region` and
   * `cloudlet` match metadata.region and metadata.cloudlet when no label has that key). */
  readonly labels?: Readonly<Record<string, string>>
  /** Affinity: the server must go to this agent's cloudlet (the cloudlet of the given servers). */
  readonly sameAgent?: AgentId
  /** Anti-affinity: not to these agents' cloudlets. */
  readonly notAgents?: readonly AgentId[]
  /** Round-trip time from the agent that received the request, at most this. */
  readonly maxRttMs?: number
}

export interface PlacementRequest {
  readonly resources: ResourceAmounts
  readonly requirements: LocationRequirements
}

/** The static part of the requirements: what a cloudlet's metadata alone decides. */
export function metadataMeets (metadata: PeerMetadata, requirements: LocationRequirements): boolean {
  if (requirements.availabilityZone !== undefined && metadata.availabilityZone !== requirements.availabilityZone) return false
  for (const [key, value] of Object.entries(requirements.labels ?? {})) {
    const actual = metadata.labels[key] ?? (key === 'region' ? metadata.region : key === 'cloudlet' ? metadata.cloudlet : undefined)
    if (actual !== value) return false
  }
  return true
}

/** Whether an agent may hold the server, by identity (affinity and anti-affinity). */
export function agentAllowed (agent: AgentId, requirements: LocationRequirements): boolean {
  if (requirements.sameAgent !== undefined && requirements.sameAgent !== agent) return false
  return !(requirements.notAgents ?? []).includes(agent)
}
