/**
 * OS-FEDERATION wire bodies as Keystone (Zed) renders them: identity providers with links to
 * their protocols, mappings with their rules verbatim, and protocols. A protocol shown on its
 * own carries only id, mapping_id and links; in a list it also shows idp_id and
 * remote_id_attribute, because Keystone filters the one and not the other.
 */
import type { FederationProtocolRow, IdentityProviderRow, MappingRow } from './model.ts'

const FEDERATION = '/v3/OS-FEDERATION'

export function identityProviderView (idp: IdentityProviderRow, identityUrl: string): Record<string, unknown> {
  const self = `${identityUrl}${FEDERATION}/identity_providers/${idp.id}`
  return {
    id: idp.id,
    domain_id: idp.domainId,
    enabled: idp.enabled,
    description: idp.description,
    remote_ids: idp.remoteIds,
    authorization_ttl: idp.authorizationTtl,
    links: { self, protocols: `${self}/protocols` }
  }
}

export function mappingView (m: MappingRow, identityUrl: string): Record<string, unknown> {
  return { id: m.id, rules: m.rules, links: { self: `${identityUrl}${FEDERATION}/mappings/${m.id}` } }
}

function protocolLinks (p: FederationProtocolRow, identityUrl: string): Record<string, string> {
  const idp = `${identityUrl}${FEDERATION}/identity_providers/${p.idpId}`
  return { identity_provider: idp, self: `${idp}/protocols/${p.protocolId}` }
}

export function protocolView (p: FederationProtocolRow, identityUrl: string): Record<string, unknown> {
  return { id: p.protocolId, mapping_id: p.mappingId, links: protocolLinks(p, identityUrl) }
}

export function protocolListItemView (p: FederationProtocolRow, identityUrl: string): Record<string, unknown> {
  return { id: p.protocolId, idp_id: p.idpId, mapping_id: p.mappingId, remote_id_attribute: p.remoteIdAttribute, links: protocolLinks(p, identityUrl) }
}
