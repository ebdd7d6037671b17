/**
 * The overlay agent's status document, served at GET /p2p/v1/status for tests and operators:
 * who the agent is, its Cyclon cache, what its node and its transport counted, and what it
 * refused from peers, per reason.
 */
import type { CyclonNode, CyclonStats } from '../protocol/cyclon/cyclon-node.ts'
import { CYCLON_PROTOCOL_VERSION } from '../protocol/cyclon/messages.ts'
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
  readonly transport: PeerTransportStats
  readonly rejections: PeerRejectionCounts
  readonly authentication: { readonly clusterKey: boolean, readonly mutualTls: boolean }
}

export function overlayStatus (parts: {
  node: CyclonNode
  transport: HttpPeerTransport<unknown>
  rejections: PeerRejections
  authentication: OverlayStatus['authentication']
}): OverlayStatus {
  return {
    protocolVersion: CYCLON_PROTOCOL_VERSION,
    descriptor: parts.node.descriptor,
    cache: parts.node.view(),
    cyclon: { ...parts.node.stats },
    transport: parts.transport.stats(),
    rejections: parts.rejections.counts(),
    authentication: parts.authentication
  }
}
