/**
 * The size of a placement message on the wire, for the bytes-per-placement figure: the
 * envelope the peer transport puts around every message (ENVELOPE_WIRE_BYTES, as for Cyclon)
 * plus the message's JSON. Placement messages are small and few beside Cyclon's, so they are
 * measured by serialising them rather than by a formula that could drift from the shapes.
 */
import { ENVELOPE_WIRE_BYTES } from '../../protocol/cyclon/messages.ts'
import type { PlacementMessage } from '../../protocol/placement/messages.ts'

export function placementMessageWireBytes (message: PlacementMessage): number {
  return ENVELOPE_WIRE_BYTES + JSON.stringify(message).length
}
