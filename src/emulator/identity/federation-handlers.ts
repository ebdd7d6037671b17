/**
 * OS-FEDERATION's configuration APIs, as a service provider: identity providers (created with
 * PUT at the id the caller chose; a domain of their own is made when none is given, and they
 * start disabled unless told otherwise, as in Keystone), mappings (rules checked against
 * Keystone's mapping schema) and the protocols that tie a provider to a mapping. All of it is
 * admin-only. Deleting a provider or protocol unlinks the shadow users it vouched for and
 * ends the federated tokens it issued.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { hexId } from '../../core/ids.ts'
import { BadRequest, Conflict, NotFound } from '../../openstack/faults.ts'
import { identityProviderView, mappingView, protocolListItemView, protocolView } from '../../openstack/identity/federation-views.ts'
import { validateMapping } from '../../openstack/identity/mapping-schema.ts'
import type { FederationProtocolRow, IdentityProviderRow, MappingRow } from '../../openstack/identity/model.ts'
import { identityProviderCreateSchema, identityProviderUpdateSchema, protocolCreateSchema, protocolUpdateSchema } from '../../openstack/identity/schemas.ts'
import { collectionLinks } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { checkMember, memberOf, requireAdmin } from './identity-deps.ts'
import type { IdentityState } from './identity-state.ts'

const FEDERATION = '/v3/OS-FEDERATION'

export function federationHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state } = deps
  const url = (context: RequestContext): string => context.serviceUrl

  const idpOr404 = (id: string): IdentityProviderRow => {
    const idp = state.identityProviders.get(id)
    if (idp === undefined) throw new NotFound(`Could not find Identity Provider: ${id}.`)
    return idp
  }
  const mappingOr404 = (id: string): MappingRow => {
    const m = state.mappings.get(id)
    if (m === undefined) throw new NotFound(`Could not find mapping: ${id}.`)
    return m
  }
  const protocolOr404 = (idpId: string, protocolId: string): FederationProtocolRow => {
    const p = state.protocols.get(`${idpId}/${protocolId}`)
    if (p === undefined) throw new NotFound(`Could not find federated protocol ${protocolId} for Identity Provider: ${idpId}.`)
    return p
  }
  /** Remote ids are unique across providers (Keystone's idp_remote_ids primary key). */
  const requireFreeRemoteIds = (remoteIds: readonly string[], idpId: string): void => {
    for (const other of state.identityProviders.values()) {
      if (other.id === idpId) continue
      const taken = remoteIds.find(r => other.remoteIds.includes(r))
      if (taken !== undefined) throw new Conflict(`Conflict occurred attempting to store identity_provider - Duplicate remote ID: ${taken}.`)
    }
  }
  /** Keystone's mapping rules, checked against its schema; the 400 lists every problem, one per line. */
  const mappingRules = async (context: RequestContext): Promise<unknown[]> => {
    const mapping = await memberOf(context, 'mapping')
    const problems = validateMapping(mapping)
    if (problems.length > 0) throw new BadRequest(problems.map(p => `${p}\n`).join(''))
    return (mapping as { rules: unknown[] }).rules
  }

  return {
    'identity-providers:list': context => {
      requireAdmin(context, 'list_identity_providers')
      const q = context.query
      const enabled = q.get('enabled')
      const idps = [...state.identityProviders.values()].filter(idp =>
        (q.get('id') === null || idp.id === q.get('id')) &&
        (enabled === null || idp.enabled === !['0', 'false', 'no', 'off'].includes(enabled.toLowerCase())))
      return jsonResponse(200, {
        identity_providers: idps.map(idp => identityProviderView(idp, url(context))),
        links: collectionLinks(`${url(context)}${FEDERATION}/identity_providers`)
      })
    },

    'identity-providers:show': context => {
      requireAdmin(context, 'get_identity_provider')
      return jsonResponse(200, { identity_provider: identityProviderView(idpOr404(context.param('idp_id')), url(context)) })
    },

    'identity-providers:create': async context => {
      requireAdmin(context, 'create_identity_provider')
      const id = context.param('idp_id')
      const body = checkMember(identityProviderCreateSchema, await memberOf(context, 'identity_provider'))
      if (body.domain_id != null && !state.domains.has(body.domain_id)) throw new NotFound(`Could not find domain: ${body.domain_id}.`)
      if (state.identityProviders.has(id)) throw new Conflict(`Conflict occurred attempting to store identity_provider - Duplicate entry: ${id}.`)
      const remoteIds = body.remote_ids ?? []
      requireFreeRemoteIds(remoteIds, id)
      const row = state.transaction(() => {
        let domainId = body.domain_id ?? null
        if (domainId === null) {
          domainId = hexId(deps.random)
          state.domains.put({ id: domainId, name: domainId, description: `Auto generated federated domain for Identity Provider: ${id}`, enabled: true, tags: [] })
        }
        return state.identityProviders.put({
          id,
          domainId,
          enabled: body.enabled ?? false,
          description: body.description ?? null,
          remoteIds,
          authorizationTtl: body.authorization_ttl ?? null
        })
      })
      state.changed()
      return jsonResponse(201, { identity_provider: identityProviderView(row, url(context)) })
    },

    'identity-providers:update': async context => {
      requireAdmin(context, 'update_identity_provider')
      const body = checkMember(identityProviderUpdateSchema, await memberOf(context, 'identity_provider'))
      const idp = idpOr404(context.param('idp_id'))
      const remoteIds = body.remote_ids === undefined ? idp.remoteIds : (body.remote_ids ?? [])
      requireFreeRemoteIds(remoteIds, idp.id)
      const row = state.identityProviders.put({
        ...idp,
        enabled: body.enabled ?? idp.enabled,
        description: body.description === undefined ? idp.description : body.description,
        remoteIds,
        authorizationTtl: body.authorization_ttl === undefined ? idp.authorizationTtl : body.authorization_ttl
      })
      state.changed()
      return jsonResponse(200, { identity_provider: identityProviderView(row, url(context)) })
    },

    'identity-providers:delete': context => {
      requireAdmin(context, 'delete_identity_provider')
      const idp = idpOr404(context.param('idp_id'))
      state.transaction(() => deleteIdentityProvider(state, idp.id))
      return emptyResponse(204)
    },

    'protocols:list': context => {
      requireAdmin(context, 'list_protocols')
      const idpId = context.param('idp_id')
      const protocols = state.protocols.filter(p => p.idpId === idpId)
      return jsonResponse(200, {
        protocols: protocols.map(p => protocolListItemView(p, url(context))),
        links: collectionLinks(`${url(context)}${FEDERATION}/identity_providers/${idpId}/protocols`)
      })
    },

    'protocols:show': context => {
      requireAdmin(context, 'get_protocol')
      return jsonResponse(200, { protocol: protocolView(protocolOr404(context.param('idp_id'), context.param('protocol_id')), url(context)) })
    },

    'protocols:create': async context => {
      requireAdmin(context, 'create_protocol')
      const idpId = context.param('idp_id')
      const protocolId = context.param('protocol_id')
      const body = checkMember(protocolCreateSchema, await memberOf(context, 'protocol'))
      if (!state.mappings.has(body.mapping_id)) throw new BadRequest(`Invalid mapping id: ${body.mapping_id}`)
      idpOr404(idpId)
      const id = `${idpId}/${protocolId}`
      if (state.protocols.has(id)) throw new Conflict(`Conflict occurred attempting to store federation_protocol - Duplicate entry found with ID ${protocolId}.`)
      const row = state.protocols.put({ id, idpId, protocolId, mappingId: body.mapping_id, remoteIdAttribute: body.remote_id_attribute ?? null })
      return jsonResponse(201, { protocol: protocolView(row, url(context)) })
    },

    'protocols:update': async context => {
      requireAdmin(context, 'update_protocol')
      const body = checkMember(protocolUpdateSchema, await memberOf(context, 'protocol'))
      if (body.mapping_id !== undefined && !state.mappings.has(body.mapping_id)) throw new BadRequest(`Invalid mapping id: ${body.mapping_id}`)
      const p = protocolOr404(context.param('idp_id'), context.param('protocol_id'))
      const row = state.protocols.put({
        ...p,
        mappingId: body.mapping_id ?? p.mappingId,
        remoteIdAttribute: body.remote_id_attribute ?? p.remoteIdAttribute
      })
      return jsonResponse(200, { protocol: protocolView(row, url(context)) })
    },

    'protocols:delete': context => {
      requireAdmin(context, 'delete_protocol')
      const p = protocolOr404(context.param('idp_id'), context.param('protocol_id'))
      state.transaction(() => {
        state.protocols.delete(p.id)
        unlinkShadowUsers(state, link => link.idpId === p.idpId && link.protocolId === p.protocolId)
      })
      state.changed()
      return emptyResponse(204)
    },

    'mappings:list': context => {
      requireAdmin(context, 'list_mappings')
      return jsonResponse(200, {
        mappings: [...state.mappings.values()].map(m => mappingView(m, url(context))),
        links: collectionLinks(`${url(context)}${FEDERATION}/mappings`)
      })
    },

    'mappings:show': context => {
      requireAdmin(context, 'get_mapping')
      return jsonResponse(200, { mapping: mappingView(mappingOr404(context.param('mapping_id')), url(context)) })
    },

    'mappings:create': async context => {
      requireAdmin(context, 'create_mapping')
      const id = context.param('mapping_id')
      const rules = await mappingRules(context)
      if (state.mappings.has(id)) throw new Conflict('Conflict occurred attempting to store mapping - Duplicate entry.')
      const row = state.mappings.put({ id, rules })
      return jsonResponse(201, { mapping: mappingView(row, url(context)) })
    },

    'mappings:update': async context => {
      requireAdmin(context, 'update_mapping')
      const rules = await mappingRules(context)
      const m = mappingOr404(context.param('mapping_id'))
      const row = state.mappings.put({ ...m, rules })
      return jsonResponse(200, { mapping: mappingView(row, url(context)) })
    },

    'mappings:delete': context => {
      requireAdmin(context, 'delete_mapping')
      state.mappings.delete(mappingOr404(context.param('mapping_id')).id)
      return emptyResponse(204)
    }
  }
}

/**
 * Deletes a provider with its protocols and the group memberships its logins made, and unlinks
 * its shadow users (who stay, as in Keystone). Its federated tokens stop validating.
 */
export function deleteIdentityProvider (state: IdentityState, idpId: string): void {
  for (const p of state.protocols.filter(p => p.idpId === idpId)) state.protocols.delete(p.id)
  for (const m of state.expiringMemberships.filter(m => m.idpId === idpId)) state.expiringMemberships.delete(m.id)
  unlinkShadowUsers(state, link => link.idpId === idpId)
  state.identityProviders.delete(idpId)
  state.changed()
}

function unlinkShadowUsers (state: IdentityState, matches: (link: { idpId: string, protocolId: string }) => boolean): void {
  for (const user of state.users.filter(u => u.federated.some(matches))) {
    state.users.put({ ...user, federated: user.federated.filter(link => !matches(link)) })
  }
}
