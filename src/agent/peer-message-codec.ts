/**
 * The codec of everything agents say to each other: Cyclon's messages, placement's, the
 * footprint's (state replication) and the revocation gossip's, in one
 * envelope on one endpoint. Kinds are distinct across the protocols, so the kind says which
 * schema checks a message and which state machine receives it. The envelope's version is the
 * agent-to-agent interface's (AGENT_PROTOCOL_VERSION); each protocol versions its own kinds by
 * only ever adding them.
 */
import type { CyclonMessage, CyclonMessageKind } from '../protocol/cyclon/messages.ts'
import { CYCLON_MESSAGE_KINDS } from '../protocol/cyclon/messages.ts'
import type { PlacementMessage } from '../protocol/placement/messages.ts'
import { FOOTPRINT_MESSAGE_KINDS } from '../protocol/state/messages.ts'
import type { FootprintMessage, FootprintMessageKind } from '../protocol/state/messages.ts'
import { REVOCATION_MESSAGE_KINDS } from '../protocol/state/revocation-messages.ts'
import type { RevocationMessage, RevocationMessageKind } from '../protocol/state/revocation-messages.ts'
import type { PeerMessageCodec } from '../runtime/peer-envelope.ts'
import { cyclonMessageCodec } from './overlay-message-schema.ts'
import { placementMessageCodec } from './placement-message-schema.ts'
import { revocationMessageCodec } from './revocation-message-schema.ts'
import { stateMessageCodec } from './state-message-schema.ts'

export const AGENT_PROTOCOL_VERSION = 1

export type AgentMessage = CyclonMessage | PlacementMessage | FootprintMessage | RevocationMessage

const cyclonKinds: ReadonlySet<string> = new Set<CyclonMessageKind>(CYCLON_MESSAGE_KINDS)
const footprintKinds: ReadonlySet<string> = new Set<FootprintMessageKind>(FOOTPRINT_MESSAGE_KINDS)
const revocationKinds: ReadonlySet<string> = new Set<RevocationMessageKind>(REVOCATION_MESSAGE_KINDS)

export function isCyclonMessage (message: AgentMessage): message is CyclonMessage {
  return cyclonKinds.has(message.kind)
}

export function isFootprintMessage (message: AgentMessage): message is FootprintMessage {
  return footprintKinds.has(message.kind)
}

export function isRevocationMessage (message: AgentMessage): message is RevocationMessage {
  return revocationKinds.has(message.kind)
}

/** Checks Cyclon messages (at most `cacheSize` descriptors each), placement, footprint and revocation messages. */
export function agentMessageCodec (cacheSize: number): PeerMessageCodec<AgentMessage> {
  const cyclon = cyclonMessageCodec(cacheSize)
  const placement = placementMessageCodec
  const state = stateMessageCodec
  return {
    protocolVersion: AGENT_PROTOCOL_VERSION,
    schemaFor: kind => cyclonKinds.has(kind)
      ? cyclon.schemaFor(kind)
      : footprintKinds.has(kind) ? state.schemaFor(kind) : revocationKinds.has(kind) ? revocationMessageCodec.schemaFor(kind) : placement.schemaFor(kind),
    claimedSender: message => isCyclonMessage(message)
      ? cyclon.claimedSender(message)
      : isFootprintMessage(message)
        ? state.claimedSender(message)
        : isRevocationMessage(message) ? revocationMessageCodec.claimedSender(message) : placement.claimedSender(message)
  }
}
