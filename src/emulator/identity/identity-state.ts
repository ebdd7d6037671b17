/**
 * The emulated Keystone's data: domains, projects, users, groups, roles (with implied roles),
 * role assignments, the catalog, application credentials and OS-FEDERATION, in Tables written
 * through to the Store. It answers the questions the other parts ask — who is this, what roles
 * does a user have on a project — and counts a generation that changes whenever an answer may
 * have changed, so validated tokens can be cached safely. Group memberships that a federated
 * login vouched for expire with time; nextMembershipExpiryMs() tells caches when.
 */
import type { Clock, Store } from '../../core/ports.ts'
import type {
  AccessRuleRow, ApplicationCredentialRow, AssignmentRow, AssignmentType, CatalogServiceRow, DomainRow, EndpointRow,
  ExpiringMembershipRow, FederationProtocolRow, GroupRow, IdentityProviderRow, ImpliedRoleRow, MappingRow,
  MembershipRow, ProjectRow, RegionRow, RoleRow, Scope, UserRow
} from '../../openstack/identity/model.ts'
import { Table } from '../table.ts'

/** Keystone's [federation] default_authorization_ttl: memberships from a login do not outlast it. */
export const DEFAULT_AUTHORIZATION_TTL_MINUTES = 0

export function assignmentId (type: AssignmentType, actorId: string, targetId: string, roleId: string): string {
  return `${type}:${actorId}:${targetId}:${roleId}`
}

export class IdentityState {
  readonly domains: Table<DomainRow>
  readonly projects: Table<ProjectRow>
  readonly users: Table<UserRow>
  readonly groups: Table<GroupRow>
  readonly memberships: Table<MembershipRow>
  readonly roles: Table<RoleRow>
  readonly impliedRoles: Table<ImpliedRoleRow>
  readonly assignments: Table<AssignmentRow>
  readonly regions: Table<RegionRow>
  readonly services: Table<CatalogServiceRow>
  readonly endpoints: Table<EndpointRow>
  readonly applicationCredentials: Table<ApplicationCredentialRow>
  readonly accessRules: Table<AccessRuleRow>
  readonly identityProviders: Table<IdentityProviderRow>
  readonly mappings: Table<MappingRow>
  readonly protocols: Table<FederationProtocolRow>
  readonly expiringMemberships: Table<ExpiringMembershipRow>
  readonly #clock: Pick<Clock, 'wallClockMs'>
  readonly #store: Store
  #generation = 0

  /** `clock` times federated group memberships; without one they never count (TTL 0). */
  constructor (store: Store, clock: Pick<Clock, 'wallClockMs'> = { wallClockMs: () => Number.POSITIVE_INFINITY }) {
    this.#clock = clock
    this.#store = store
    this.domains = new Table(store, 'identity.domain')
    this.projects = new Table(store, 'identity.project')
    this.users = new Table(store, 'identity.user')
    this.groups = new Table(store, 'identity.group')
    this.memberships = new Table(store, 'identity.membership')
    this.roles = new Table(store, 'identity.role')
    this.impliedRoles = new Table(store, 'identity.implied_role')
    this.assignments = new Table(store, 'identity.assignment')
    this.regions = new Table(store, 'identity.region')
    this.services = new Table(store, 'identity.service')
    this.endpoints = new Table(store, 'identity.endpoint')
    this.applicationCredentials = new Table(store, 'identity.application_credential')
    this.accessRules = new Table(store, 'identity.access_rule')
    this.identityProviders = new Table(store, 'identity.identity_provider')
    this.mappings = new Table(store, 'identity.mapping')
    this.protocols = new Table(store, 'identity.federation_protocol')
    this.expiringMemberships = new Table(store, 'identity.expiring_membership')
  }

  /** Changes whenever users, projects, domains, roles or assignments change. */
  get generation (): number {
    return this.#generation
  }

  /** Runs `fn` so that all its writes happen, or none (when it throws). */
  transaction<T> (fn: () => T): T {
    return this.#store.transaction(fn)
  }

  /** Records that something a validated token depends on has changed. */
  changed (): void {
    this.#generation++
  }

  domainByName (name: string): DomainRow | undefined {
    return this.domains.find(d => d.name === name)
  }

  projectByName (name: string, domainId: string): ProjectRow | undefined {
    return this.projects.find(p => p.name === name && p.domainId === domainId)
  }

  userByName (name: string, domainId: string): UserRow | undefined {
    return this.users.find(u => u.name === name && u.domainId === domainId)
  }

  roleByName (name: string): RoleRow | undefined {
    const lower = name.toLowerCase()
    return this.roles.find(r => r.domainId === null && r.name.toLowerCase() === lower)
  }

  groupByName (name: string, domainId: string): GroupRow | undefined {
    return this.groups.find(g => g.name === name && g.domainId === domainId)
  }

  /** The groups a user is in: by membership, and by federated logins whose memberships have not expired. */
  groupIdsOf (userId: string): string[] {
    const ids = this.memberships.filter(m => m.userId === userId).map(m => m.groupId)
    if (this.expiringMemberships.size > 0) {
      const now = this.#clock.wallClockMs()
      for (const m of this.expiringMemberships.values()) {
        if (m.userId === userId && this.membershipExpiresAtMs(m) > now && !ids.includes(m.groupId)) ids.push(m.groupId)
      }
    }
    return ids
  }

  /** When a federated membership stops counting: last login plus the provider's authorization_ttl. */
  membershipExpiresAtMs (m: ExpiringMembershipRow): number {
    const ttlMinutes = this.identityProviders.get(m.idpId)?.authorizationTtl ?? DEFAULT_AUTHORIZATION_TTL_MINUTES
    return m.lastVerifiedMs + ttlMinutes * 60_000
  }

  /** The earliest future time at which one of the user's federated memberships expires; Infinity when none will. */
  nextMembershipExpiryMs (userId: string): number {
    if (this.expiringMemberships.size === 0) return Number.POSITIVE_INFINITY
    const now = this.#clock.wallClockMs()
    let next = Number.POSITIVE_INFINITY
    for (const m of this.expiringMemberships.values()) {
      if (m.userId !== userId) continue
      const at = this.membershipExpiresAtMs(m)
      if (at > now && at < next) next = at
    }
    return next
  }

  /**
   * The role ids a user holds in a scope — directly or through a group — with implied roles
   * added, as Keystone computes them when it validates a token.
   */
  effectiveRoleIds (userId: string, scope: Scope, extraGroupIds: readonly string[] = []): string[] {
    const targetId = scope.kind === 'system' ? 'system' : scope.id
    const userType: AssignmentType = scope.kind === 'project' ? 'UserProject' : scope.kind === 'domain' ? 'UserDomain' : 'UserSystem'
    const groupType: AssignmentType = scope.kind === 'project' ? 'GroupProject' : scope.kind === 'domain' ? 'GroupDomain' : 'GroupSystem'
    const groups = new Set([...this.groupIdsOf(userId), ...extraGroupIds])
    const direct = new Set<string>()
    for (const a of this.assignments.values()) {
      if (a.targetId !== targetId) continue
      if ((a.type === userType && a.actorId === userId) || (a.type === groupType && groups.has(a.actorId))) direct.add(a.roleId)
    }
    return this.withImpliedRoles([...direct])
  }

  /** Adds every role implied, transitively, by the given roles. */
  withImpliedRoles (roleIds: readonly string[]): string[] {
    const result = new Set(roleIds)
    const queue = [...roleIds]
    while (queue.length > 0) {
      const prior = queue.pop() as string
      for (const rule of this.impliedRoles.values()) {
        if (rule.priorRoleId === prior && !result.has(rule.impliedRoleId)) {
          result.add(rule.impliedRoleId)
          queue.push(rule.impliedRoleId)
        }
      }
    }
    return [...result]
  }

  /** Projects on which the user (or a group of theirs) holds any role. */
  projectsOf (userId: string, extraGroupIds: readonly string[] = []): ProjectRow[] {
    const groups = new Set([...this.groupIdsOf(userId), ...extraGroupIds])
    const ids = new Set<string>()
    for (const a of this.assignments.values()) {
      if ((a.type === 'UserProject' && a.actorId === userId) || (a.type === 'GroupProject' && groups.has(a.actorId))) ids.add(a.targetId)
    }
    return [...ids].map(id => this.projects.get(id)).filter((p): p is ProjectRow => p !== undefined)
  }

  /** Domains on which the user (or a group of theirs) holds any role. */
  domainsOf (userId: string, extraGroupIds: readonly string[] = []): DomainRow[] {
    const groups = new Set([...this.groupIdsOf(userId), ...extraGroupIds])
    const ids = new Set<string>()
    for (const a of this.assignments.values()) {
      if ((a.type === 'UserDomain' && a.actorId === userId) || (a.type === 'GroupDomain' && groups.has(a.actorId))) ids.add(a.targetId)
    }
    return [...ids].map(id => this.domains.get(id)).filter((d): d is DomainRow => d !== undefined)
  }

  grant (type: AssignmentType, actorId: string, targetId: string, roleId: string): void {
    this.assignments.put({ id: assignmentId(type, actorId, targetId, roleId), type, actorId, targetId, roleId })
    this.changed()
  }

  revoke (type: AssignmentType, actorId: string, targetId: string, roleId: string): boolean {
    const id = assignmentId(type, actorId, targetId, roleId)
    if (!this.assignments.has(id)) return false
    this.assignments.delete(id)
    this.changed()
    return true
  }
}
