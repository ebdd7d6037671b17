/**
 * The emulated Keystone's data: domains, projects, users, groups, roles (with implied roles),
 * role assignments and the catalog, in Tables written through to the Store. It answers the
 * questions the other parts ask — who is this, what roles does a user have on a project — and
 * counts a generation that changes whenever an answer may have changed, so validated tokens
 * can be cached safely.
 */
import type { Store } from '../../core/ports.ts'
import type {
  AssignmentRow, AssignmentType, CatalogServiceRow, DomainRow, EndpointRow, GroupRow, ImpliedRoleRow,
  MembershipRow, ProjectRow, RegionRow, RoleRow, Scope, UserRow
} from '../../openstack/identity/model.ts'
import { Table } from '../table.ts'

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
  #generation = 0

  constructor (store: Store) {
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
  }

  /** Changes whenever users, projects, domains, roles or assignments change. */
  get generation (): number {
    return this.#generation
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

  groupIdsOf (userId: string): string[] {
    return this.memberships.filter(m => m.userId === userId).map(m => m.groupId)
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
