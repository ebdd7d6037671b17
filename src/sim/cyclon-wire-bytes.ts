/**
 * The size of a Cyclon message on the wire, for the bytes-per-agent metric (O8), without
 * serialising it: the envelope (ENVELOPE_WIRE_BYTES: kind, version, sender id and address,
 * timestamp, nonce) plus the JSON of every descriptor the message carries, as
 * descriptorWireBytes measures it. A ShuffleRequest's first entry is its sender.
 */
import { ENVELOPE_WIRE_BYTES } from '../protocol/cyclon/messages.ts'
import type { CyclonMessage } from '../protocol/cyclon/messages.ts'
import { descriptorWireBytes } from '../protocol/cyclon/peer-descriptor.ts'
import type { PeerDescriptor } from '../protocol/cyclon/peer-descriptor.ts'

/**
 * `descriptorBytes` measures one descriptor: descriptorWireBytes itself, or a faster equivalent
 * (SimAgents.descriptorWireBytes gives the same figure from a per-agent table).
 */
export function cyclonMessageWireBytes (message: CyclonMessage, descriptorBytes: (descriptor: PeerDescriptor) => number = descriptorWireBytes): number {
  switch (message.kind) {
    case 'ShuffleRequest': return ENVELOPE_WIRE_BYTES + descriptorsWireBytes(message.entries, descriptorBytes)
    case 'ShuffleReply': return ENVELOPE_WIRE_BYTES + descriptorsWireBytes(message.entries, descriptorBytes)
    case 'JoinRequest': return ENVELOPE_WIRE_BYTES + descriptorBytes(message.newcomer)
    case 'JoinWalk': return ENVELOPE_WIRE_BYTES + descriptorBytes(message.newcomer)
    case 'JoinReply': return ENVELOPE_WIRE_BYTES + descriptorsWireBytes(message.entries, descriptorBytes)
    case 'Leave': return ENVELOPE_WIRE_BYTES
    default: return ENVELOPE_WIRE_BYTES
  }
}

function descriptorsWireBytes (descriptors: readonly PeerDescriptor[], descriptorBytes: (descriptor: PeerDescriptor) => number): number {
  let bytes = 0
  for (let i = 0; i < descriptors.length; i++) bytes += descriptorBytes(descriptors[i] as PeerDescriptor)
  return bytes
}
