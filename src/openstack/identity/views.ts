/**
 * Keystone's wire bodies: tokens (with the catalog), and the resources of the identity API.
 * Every resource carries `links.self`; every collection carries `links` with self, previous
 * and next, as Keystone renders them.
 */
import { isoMicrosNaive, isoMicrosZ } from '../timestamps.ts'
import type {
  AccessRuleRow, ApplicationCredentialRow, CatalogServiceRow, DomainRow, EndpointRow, GroupRow, ProjectRow, RegionRow, RoleRow,
  TokenInfo, UserRow
} from './model.ts'

export interface CatalogEntry {
  readonly service: CatalogServiceRow
  readonly endpoints: readonly EndpointRow[]
}

/** The catalog: every endpoint absolute, with both `region` and `region_id` (pkgcloud needs `region`). */
export function catalogView (entries: readonly CatalogEntry[], baseUrl: string): unknown[] {
  return entries.map(({ service, endpoints }) => ({
    endpoints: endpoints.map(e => ({ id: e.id, interface: e.interface, region_id: e.regionId, url: baseUrl + e.path, region: e.regionId })),
    id: service.id,
    type: service.type,
    name: service.name
  }))
}

export function tokenView (info: TokenInfo, catalog: unknown[] | null): unknown {
  const row = info.row
  const user: Record<string, unknown> = {
    domain: info.user.domain,
    id: info.user.id,
    name: info.user.name,
    password_expires_at: null
  }
  if (row.federation !== null) {
    delete user.password_expires_at
    user['OS-FEDERATION'] = {
      identity_provider: { id: row.federation.idpId },
      protocol: { id: row.federation.protocolId },
      groups: row.federation.groupIds.map(id => ({ id }))
    }
  }
  const token: Record<string, unknown> = {
    methods: row.methods,
    user,
    audit_ids: row.auditIds,
    expires_at: isoMicrosZ(row.expiresAtMs),
    issued_at: isoMicrosZ(row.issuedAtMs)
  }
  if (info.project !== null) {
    token.project = info.project
    token.is_domain = false
  } else if (info.domain !== null) {
    token.domain = info.domain
  } else if (info.system) {
    token.system = { all: true }
  }
  if (row.scope !== null) {
    token.roles = info.roles
    if (catalog !== null) token.catalog = catalog
  }
  if (row.applicationCredential !== null) {
    const credential: Record<string, unknown> = { id: row.applicationCredential.id, name: row.applicationCredential.name, restricted: row.applicationCredential.restricted }
    const rules = row.applicationCredential.accessRules ?? []
    if (rules.length > 0) credential.access_rules = rules.map(r => ({ id: r.id, service: r.service, path: r.path, method: r.method }))
    token.application_credential = credential
  }
  return { token }
}

export function collectionLinks (selfUrl: string): { self: string, previous: null, next: null } {
  return { self: selfUrl, previous: null, next: null }
}

export function domainView (d: DomainRow, identityUrl: string): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    tags: d.tags,
    options: {},
    links: { self: `${identityUrl}/v3/domains/${d.id}` }
  }
}

export function projectView (p: ProjectRow, identityUrl: string): Record<string, unknown> {
  return {
    ...p.extra,
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description,
    enabled: p.enabled,
    parent_id: p.parentId,
    is_domain: false,
    tags: p.tags,
    options: {},
    links: { self: `${identityUrl}/v3/projects/${p.id}` }
  }
}

export function userView (u: UserRow, identityUrl: string): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ...u.extra,
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    password_expires_at: null,
    options: {},
    links: { self: `${identityUrl}/v3/users/${u.id}` }
  }
  if (u.defaultProjectId !== null) view.default_project_id = u.defaultProjectId
  if (u.description !== null) view.description = u.description
  if (u.federated.length > 0) {
    view.federated = groupFederatedLinks(u.federated)
  }
  return view
}

function groupFederatedLinks (links: UserRow['federated']): unknown[] {
  const byIdp = new Map<string, Array<{ protocol_id: string, unique_id: string }>>()
  for (const link of links) {
    const protocols = byIdp.get(link.idpId) ?? []
    protocols.push({ protocol_id: link.protocolId, unique_id: link.uniqueId })
    byIdp.set(link.idpId, protocols)
  }
  return [...byIdp].map(([idpId, protocols]) => ({ idp_id: idpId, protocols }))
}

export function roleView (r: RoleRow, identityUrl: string): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    domain_id: r.domainId,
    description: r.description,
    options: {},
    links: { self: `${identityUrl}/v3/roles/${r.id}` }
  }
}

export function regionView (r: RegionRow, identityUrl: string): Record<string, unknown> {
  return { id: r.id, description: r.description, parent_region_id: null, links: { self: `${identityUrl}/v3/regions/${r.id}` } }
}

export function serviceView (s: CatalogServiceRow, identityUrl: string): Record<string, unknown> {
  return { id: s.id, type: s.type, name: s.name, description: s.description, enabled: s.enabled, links: { self: `${identityUrl}/v3/services/${s.id}` } }
}

export function endpointView (e: EndpointRow, baseUrl: string, identityUrl: string): Record<string, unknown> {
  return {
    id: e.id,
    interface: e.interface,
    region_id: e.regionId,
    region: e.regionId,
    service_id: e.serviceId,
    url: baseUrl + e.path,
    enabled: e.enabled,
    links: { self: `${identityUrl}/v3/endpoints/${e.id}` }
  }
}

/** A group; `membershipExpiresAtMs` is given only in a user's group list, for memberships a federated login made. */
export function groupView (g: GroupRow, identityUrl: string, membershipExpiresAtMs?: number): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ...g.extra,
    id: g.id,
    name: g.name,
    domain_id: g.domainId,
    description: g.description,
    links: { self: `${identityUrl}/v3/groups/${g.id}` }
  }
  if (membershipExpiresAtMs !== undefined) view.membership_expires_at = isoMicrosNaive(membershipExpiresAtMs)
  return view
}

/** A role as an application credential lists it: id, name, domain_id. */
function credentialRoleView (r: RoleRow): Record<string, unknown> {
  return { id: r.id, name: r.name, domain_id: r.domainId }
}

export function accessRuleView (r: AccessRuleRow): Record<string, unknown> {
  return { id: r.id, service: r.service, path: r.path, method: r.method }
}

/** An access rule on its own, as GET /v3/users/{user_id}/access_rules shows it. */
export function accessRuleResourceView (r: AccessRuleRow, identityUrl: string): Record<string, unknown> {
  return { ...accessRuleView(r), links: { self: `${identityUrl}/v3/access_rules/${r.id}` } }
}

/**
 * An application credential as Keystone shows it: never the secret, except in the answer to
 * its creation (`secret`); `access_rules` only when it has some; expires_at naive, with microseconds.
 */
export function applicationCredentialView (
  c: ApplicationCredentialRow,
  roles: readonly RoleRow[],
  rules: readonly AccessRuleRow[],
  identityUrl: string,
  secret?: string
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: c.id,
    name: c.name,
    description: c.description,
    expires_at: c.expiresAtMs === null ? null : isoMicrosNaive(c.expiresAtMs),
    project_id: c.projectId,
    roles: roles.map(credentialRoleView),
    unrestricted: c.unrestricted,
    links: { self: `${identityUrl}/v3/users/${c.userId}/application_credentials/${c.id}` }
  }
  if (rules.length > 0) view.access_rules = rules.map(accessRuleView)
  if (secret !== undefined) view.secret = secret
  return view
}

/** A role inside a role inference: id, name and link. */
export function roleBriefView (r: RoleRow, identityUrl: string): Record<string, unknown> {
  return { id: r.id, name: r.name, links: { self: `${identityUrl}/v3/roles/${r.id}` } }
}
