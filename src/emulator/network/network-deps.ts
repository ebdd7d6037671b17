/**
 * What the Neutron handlers share: the state, the ports, the settings, and the caller as
 * Neutron's policy sees it (project, admin or not). Policy follows Neutron's defaults with
 * enforce_scope off: an admin sees and may change everything and may act for any project;
 * others see their own resources plus shared networks (and those networks' subnets), and a
 * resource they may not see does not exist for them (404, never 403).
 */
import { uuid } from '../../core/ids.ts'
import type { Clock, Logger, Random } from '../../core/ports.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { isAdmin } from '../../openstack/identity/auth-context.ts'
import type { NetworkRow, PortRow, SecurityGroupRow, SecurityGroupRuleRow, SubnetRow } from '../../openstack/network/model.ts'
import type { RequestContext } from '../request-context.ts'
import type { NetworkState } from './network-state.ts'

export interface NetworkSettings {
  /** The cloudlet's availability zone: every network's availability_zones. */
  readonly availabilityZone: string
}

export interface NetworkDeps {
  readonly state: NetworkState
  readonly clock: Clock
  readonly random: Random
  readonly logger: Logger
  readonly settings: NetworkSettings
}

/** The caller as Neutron's policy engine sees it. */
export interface Caller {
  readonly auth: AuthContext
  /** The token's project; null for a domain- or system-scoped token. */
  readonly projectId: string | null
  readonly isAdmin: boolean
}

export function callerOf (context: RequestContext): Caller {
  const auth = context.auth
  return { auth, projectId: auth.project?.id ?? null, isAdmin: isAdmin(auth) }
}

export function callerOfAuth (auth: AuthContext): Caller {
  return { auth, projectId: auth.project?.id ?? null, isAdmin: isAdmin(auth) }
}

function newId (deps: NetworkDeps): string {
  return uuid(deps.random)
}

export function nowMs (deps: NetworkDeps): number {
  return deps.clock.wallClockMs()
}

/** The standard attributes of a resource made now, for a project. */
export function freshStandardAttributes (deps: NetworkDeps, projectId: string, description: string): {
  id: string, projectId: string, description: string, tags: string[], createdAtMs: number, updatedAtMs: number, revisionNumber: number
} {
  const now = nowMs(deps)
  return { id: newId(deps), projectId, description, tags: [], createdAtMs: now, updatedAtMs: now, revisionNumber: 1 }
}

/** A row after a change: one revision later, updated now. */
export function revised<R extends { readonly revisionNumber: number, readonly updatedAtMs: number }> (deps: NetworkDeps, row: R): R {
  return { ...row, revisionNumber: row.revisionNumber + 1, updatedAtMs: nowMs(deps) }
}

const owns = (caller: Caller, projectId: string): boolean => caller.projectId !== null && caller.projectId === projectId

export function canSeeNetwork (network: NetworkRow, caller: Caller): boolean {
  return caller.isAdmin || owns(caller, network.projectId) || network.shared
}

export function canSeeSubnet (deps: NetworkDeps, subnet: SubnetRow, caller: Caller): boolean {
  if (caller.isAdmin || owns(caller, subnet.projectId)) return true
  return deps.state.networks.get(subnet.networkId)?.shared === true
}

/** Ports are visible to their owner and to the owner of their network. */
export function canSeePort (deps: NetworkDeps, port: PortRow, caller: Caller): boolean {
  if (caller.isAdmin || owns(caller, port.projectId)) return true
  const network = deps.state.networks.get(port.networkId)
  return network !== undefined && owns(caller, network.projectId)
}

export function canSeeSecurityGroup (group: SecurityGroupRow, caller: Caller): boolean {
  return caller.isAdmin || owns(caller, group.projectId)
}

/** Rules are visible to their owner and to the owner of their group. */
export function canSeeRule (deps: NetworkDeps, rule: SecurityGroupRuleRow, caller: Caller): boolean {
  if (caller.isAdmin || owns(caller, rule.projectId)) return true
  const group = deps.state.securityGroups.get(rule.securityGroupId)
  return group !== undefined && owns(caller, group.projectId)
}

export function isOwner (caller: Caller, projectId: string): boolean {
  return caller.isAdmin || owns(caller, projectId)
}

/** oslo.policy's printout of the check for an action and the attributes it looked at. */
export function policyRule (action: string, attributes: readonly string[]): string {
  let rule = `rule:${action}`
  for (const attribute of attributes) rule = `(${rule} and rule:${action}:${attribute})`
  return rule
}
