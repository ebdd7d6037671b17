/**
 * Security groups. Every project gets a "default" group the first time it uses the network
 * API, with the four rules Neutron's default template gives it (egress to anywhere over IPv4
 * and IPv6, ingress from members of the group itself); any other new group starts with the
 * two egress rules. Deleting a group in use, or the default group without being admin, is a
 * 409, as in Neutron.
 */
import {
  securityGroupCannotRemoveDefault, securityGroupCannotUpdateDefault, securityGroupInUse, securityGroupNotFound
} from '../../openstack/network/faults.ts'
import type { SecurityGroupRow, SecurityGroupRuleRow } from '../../openstack/network/model.ts'
import { SECURITY_GROUP_ATTRIBUTES } from '../../openstack/network/port-schemas.ts'
import { securityGroupRuleView, securityGroupView } from '../../openstack/network/views.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { canSeeSecurityGroup, freshStandardAttributes, isOwner, revised } from './network-deps.ts'
import type { ResourceSpec } from './resource-controller.ts'

const DEFAULT_SG_DESCRIPTION = 'Default security group'

interface TemplateRule {
  readonly direction: 'ingress' | 'egress'
  readonly ethertype: 'IPv4' | 'IPv6'
  /** The rule allows traffic from the group itself. */
  readonly fromParent: boolean
  readonly inDefaultGroup: boolean
  readonly inOtherGroups: boolean
}

/** Neutron's default security group rule template (securitygroupdefaultrules). */
const TEMPLATE: readonly TemplateRule[] = [
  { direction: 'egress', ethertype: 'IPv4', fromParent: false, inDefaultGroup: true, inOtherGroups: true },
  { direction: 'egress', ethertype: 'IPv6', fromParent: false, inDefaultGroup: true, inOtherGroups: true },
  { direction: 'ingress', ethertype: 'IPv4', fromParent: true, inDefaultGroup: true, inOtherGroups: false },
  { direction: 'ingress', ethertype: 'IPv6', fromParent: true, inDefaultGroup: true, inOtherGroups: false }
]

/** How many rules a new group gets from the template. */
const TEMPLATE_RULES_FOR_NEW_GROUP = TEMPLATE.filter(t => t.inOtherGroups).length

function addTemplateRules (deps: NetworkDeps, group: SecurityGroupRow): void {
  for (const t of TEMPLATE) {
    if (group.isDefault ? !t.inDefaultGroup : !t.inOtherGroups) continue
    const rule: SecurityGroupRuleRow = {
      ...freshStandardAttributes(deps, group.projectId, ''),
      securityGroupId: group.id,
      direction: t.direction,
      ethertype: t.ethertype,
      protocol: null,
      portRangeMin: null,
      portRangeMax: null,
      remoteIpPrefix: null,
      remoteGroupId: t.fromParent ? group.id : null
    }
    deps.state.rules.put(rule)
  }
}

/** The project's default group, made (with its rules) if it does not exist yet. */
export function ensureDefaultSecurityGroup (deps: NetworkDeps, projectId: string): SecurityGroupRow {
  const existing = deps.state.defaultSecurityGroupOf(projectId)
  if (existing !== undefined) return existing
  const group: SecurityGroupRow = {
    ...freshStandardAttributes(deps, projectId, DEFAULT_SG_DESCRIPTION),
    name: 'default',
    stateful: true,
    isDefault: true
  }
  deps.state.securityGroups.put(group)
  addTemplateRules(deps, group)
  return group
}

function ruleViews (deps: NetworkDeps, group: SecurityGroupRow): Array<Record<string, unknown>> {
  return deps.state.rulesOf(group.id).map(rule => securityGroupRuleView(rule, group.isDefault))
}

export function securityGroupSpec (deps: NetworkDeps): ResourceSpec<SecurityGroupRow> {
  const { state } = deps
  return {
    resource: 'security_group',
    collection: 'security_groups',
    idParam: 'security_group_id',
    quotaResource: 'security_group',
    attributes: SECURITY_GROUP_ATTRIBUTES,
    table: state.securityGroups,
    notFound: securityGroupNotFound,
    canSee: canSeeSecurityGroup,
    canModify: (row, caller) => isOwner(caller, row.projectId),
    view: row => securityGroupView(row, ruleViews(deps, row)),
    extraQuota: () => ({ security_group_rule: TEMPLATE_RULES_FOR_NEW_GROUP }),
    create: item => {
      const projectId = String(item.project_id)
      ensureDefaultSecurityGroup(deps, projectId)
      const group: SecurityGroupRow = {
        ...freshStandardAttributes(deps, projectId, String(item.description ?? '')),
        name: String(item.name ?? ''),
        stateful: item.stateful !== false,
        isDefault: false
      }
      state.securityGroups.put(group)
      addTemplateRules(deps, group)
      return group
    },
    update: (row, changes) => {
      if (row.isDefault && typeof changes.name === 'string' && changes.name !== row.name) throw securityGroupCannotUpdateDefault()
      return {
        ...row,
        name: typeof changes.name === 'string' ? changes.name : row.name,
        description: typeof changes.description === 'string' ? changes.description : row.description,
        stateful: typeof changes.stateful === 'boolean' ? changes.stateful : row.stateful
      }
    },
    delete: (row, caller: Caller) => {
      if (row.isDefault && !caller.isAdmin) throw securityGroupCannotRemoveDefault()
      if (state.ports.find(p => p.securityGroupIds.includes(row.id)) !== undefined) throw securityGroupInUse(row.id)
      for (const rule of state.rules.filter(r => r.securityGroupId === row.id || r.remoteGroupId === row.id)) {
        state.rules.delete(rule.id)
        const parent = state.securityGroups.get(rule.securityGroupId)
        if (parent !== undefined && parent.id !== row.id) state.securityGroups.put(revised(deps, parent))
      }
      state.securityGroups.delete(row.id)
    }
  }
}
