/**
 * Shadow users: the local users that stand for federated identities, made the way Keystone's
 * shadow_federated_user makes them. A user is found again by (identity provider, protocol,
 * unique id); a new one lives in the provider's domain with the id Keystone's sha256 id
 * generator gives it, sha256(domain_id + "user" + unique_id), so the same person gets the same
 * id on every cloudlet that trusts the same provider. The mapping's groups become group
 * memberships that last the provider's authorization_ttl, and its projects are created when
 * missing and granted to the user (auto-provisioning).
 */
import { hexId } from '../../core/ids.ts'
import { Forbidden, NotFound } from '../../openstack/faults.ts'
import type { MappedProperties } from '../../openstack/identity/mapping-engine.ts'
import type { IdentityProviderRow, RoleRow, UserRow } from '../../openstack/identity/model.ts'
import type { IdentityDeps } from './identity-deps.ts'

export interface ShadowIdentity {
  readonly idp: IdentityProviderRow
  readonly protocolId: string
  /** Keystone's unique_id: the mapped user id (or name), URL-quoted. */
  readonly uniqueId: string
  readonly displayName: string
  readonly email: string | undefined
}

/** Keystone's public id for a federated user: sha256 over domain_id, entity type and local id, in key order. */
export function federatedUserId (deps: IdentityDeps, domainId: string, uniqueId: string): string {
  const hash = deps.hashing.create('sha256')
  hash.update(new TextEncoder().encode(`${domainId}user${uniqueId}`))
  return hash.digestHex()
}

/**
 * Creates or refreshes the shadow user, records the federated group memberships and provisions
 * the mapped projects. Checks the projects' roles before it writes anything.
 */
export function shadowFederatedUser (deps: IdentityDeps, identity: ShadowIdentity, groupIds: readonly string[], projects: MappedProperties['projects']): UserRow {
  const { state } = deps
  const roles = projectRoles(deps, identity.idp, projects)
  return state.transaction(() => {
    const user = upsertUser(deps, identity)
    const now = deps.clock.wallClockMs()
    for (const groupId of groupIds) {
      state.expiringMemberships.put({ id: `${user.id}:${groupId}:${identity.idp.id}`, userId: user.id, groupId, idpId: identity.idp.id, lastVerifiedMs: now })
    }
    for (const project of projects) {
      const existing = state.projectByName(project.name, identity.idp.domainId)
      const row = existing ?? state.projects.put({
        id: hexId(deps.random),
        name: project.name,
        domainId: identity.idp.domainId,
        parentId: identity.idp.domainId,
        description: '',
        enabled: true,
        tags: [],
        extra: {}
      })
      for (const role of project.roles) {
        const roleRow = roles.get(role.name)
        if (roleRow !== undefined) state.grant('UserProject', user.id, row.id, roleRow.id)
      }
    }
    state.changed()
    return user
  })
}

function upsertUser (deps: IdentityDeps, identity: ShadowIdentity): UserRow {
  const { state } = deps
  const linked = state.users.find(u => u.federated.some(link =>
    link.idpId === identity.idp.id && link.protocolId === identity.protocolId && link.uniqueId === identity.uniqueId))
  const email = identity.email === undefined ? {} : { email: identity.email }
  if (linked !== undefined) {
    return state.users.put({ ...linked, name: identity.displayName, extra: { ...linked.extra, ...email } })
  }
  const id = federatedUserId(deps, identity.idp.domainId, identity.uniqueId)
  const link = { idpId: identity.idp.id, protocolId: identity.protocolId, uniqueId: identity.uniqueId }
  const known = state.users.get(id)
  if (known !== undefined) {
    return state.users.put({ ...known, name: identity.displayName, federated: [...known.federated, link], extra: { ...known.extra, ...email } })
  }
  return state.users.put({
    id,
    name: identity.displayName,
    domainId: identity.idp.domainId,
    enabled: true,
    passwordHash: null,
    defaultProjectId: null,
    description: null,
    federated: [link],
    extra: email
  })
}

/** The roles the mapped projects name: each must exist, and a domain-specific one must be the provider's domain's. */
function projectRoles (deps: IdentityDeps, idp: IdentityProviderRow, projects: MappedProperties['projects']): Map<string, RoleRow> {
  const byName = new Map<string, RoleRow>()
  for (const role of deps.state.roles.values()) byName.set(role.name, role)
  for (const project of projects) {
    for (const { name } of project.roles) {
      const role = byName.get(name)
      if (role === undefined) throw new NotFound(`Could not find role: ${name}.`)
      if (role.domainId !== null && role.domainId !== idp.domainId) throw new Forbidden('You are not authorized to perform the requested action.')
    }
  }
  return byName
}
