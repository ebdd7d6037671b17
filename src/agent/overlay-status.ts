/**
 * The overlay agent's status document, served at GET /p2p/v1/status for tests and operators:
 * who the agent is, its Cyclon cache, what its Cyclon and placement nodes and its transport
 * counted, the capacity it holds for placements in flight, and what it refused from peers, per
 * reason.
 */
import type { CyclonNode, CyclonStats } from '../protocol/cyclon/cyclon-node.ts'
import type { PlacementNode, PlacementStats } from '../protocol/placement/placement-node.ts'
import type { ResourceAmounts } from '../protocol/placement/placement-request.ts'
import type { PeerDescriptor } from '../protocol/cyclon/peer-descriptor.ts'
import type { PeerRejectionCounts, PeerRejections } from '../runtime/peer-rejections.ts'
import type { HttpPeerTransport, PeerTransportStats } from '../runtime/peer-transport.ts'

/** The path of the status document. Part of the agent's interface. */
export const OVERLAY_STATUS_PATH = '/p2p/v1/status'

export interface OverlayStatus {
  readonly protocolVersion: number
  readonly descriptor: PeerDescriptor
  readonly cache: readonly PeerDescriptor[]
  readonly cyclon: CyclonStats
  readonly placement: PlacementStats & { readonly reserved: ResourceAmounts }
  readonly transport: PeerTransportStats
  readonly rejections: PeerRejectionCounts
  readonly authentication: { readonly clusterKey: boolean, readonly mutualTls: boolean }
}

export function overlayStatus (parts: {
  node: CyclonNode
  placement: PlacementNode
  protocolVersion: number
  transport: HttpPeerTransport<unknown>
  rejections: PeerRejections
  authentication: OverlayStatus['authentication']
}): OverlayStatus {
  return {
    protocolVersion: parts.protocolVersion,
    descriptor: parts.node.descriptor,
    cache: parts.node.view(),
    cyclon: { ...parts.node.stats },
    placement: { ...parts.placement.stats, reserved: parts.placement.reserved() },
    transport: parts.transport.stats(),
    rejections: parts.rejections.counts(),
    authentication: parts.authentication
  }
}
