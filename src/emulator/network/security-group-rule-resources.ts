/**
 * Security group rules, checked as neutron.db.securitygroups_db does: legacy IPv6 ICMP names
 * made canonical, the full port range made "any", port ranges checked per protocol, the
 * remote prefix matched to the ethertype, one remote at most, both groups existing for the
 * rule's project, and duplicates refused with the id of the rule already there.
 */
import { duplicateSecurityGroupRuleInPost, neutronFault, securityGroupNotFound, securityGroupRuleExists, securityGroupRuleNotFound } from '../../openstack/network/faults.ts'
import { parseCidr } from '../../openstack/network/ip.ts'
import type { SecurityGroupRuleRow } from '../../openstack/network/model.ts'
import { IP_PROTOCOL_MAP, IP_PROTOCOL_NUM_TO_NAME, SECURITY_GROUP_RULE_ATTRIBUTES } from '../../openstack/network/port-schemas.ts'
import { securityGroupRuleView } from '../../openstack/network/views.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { canSeeRule, freshStandardAttributes, isOwner, revised } from './network-deps.ts'
import type { ResourceSpec } from './resource-controller.ts'

const PORT_PROTOCOLS = [33, 132, 6, 17]
const IPV6_ONLY_PROTOCOLS = ['ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', '41', '44', '58', '59', '60', '43']

const invalid = (type: string, message: string): never => { throw neutronFault(400, type, message) }

/** A rule as requested, after the attribute map's conversions. */
interface RuleRequest {
  projectId: string
  securityGroupId: string
  remoteGroupId: string | null
  direction: 'ingress' | 'egress'
  ethertype: 'IPv4' | 'IPv6'
  protocol: string | null
  portRangeMin: number | null
  portRangeMax: number | null
  remoteIpPrefix: string | null
  description: string
}

function requestOf (item: Readonly<Record<string, unknown>>): RuleRequest {
  return {
    projectId: String(item.project_id),
    securityGroupId: String(item.security_group_id),
    remoteGroupId: typeof item.remote_group_id === 'string' && item.remote_group_id !== '' ? item.remote_group_id : null,
    direction: item.direction as 'ingress' | 'egress',
    ethertype: item.ethertype as 'IPv4' | 'IPv6',
    protocol: item.protocol as string | null,
    portRangeMin: item.port_range_min as number | null,
    portRangeMax: item.port_range_max as number | null,
    remoteIpPrefix: item.remote_ip_prefix as string | null,
    description: typeof item.description === 'string' ? item.description : ''
  }
}

function protocolNumber (protocol: string): number {
  const named = IP_PROTOCOL_MAP[protocol === 'icmpv6' ? 'ipv6-icmp' : protocol]
  return named ?? Number(protocol)
}

/** Canonicalises and checks a rule's own attributes (_validate_base_security_group_rule_attributes). */
function normalize (rule: RuleRequest): void {
  if (rule.ethertype === 'IPv6') {
    if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') rule.protocol = 'ipv6-icmp'
    else if (rule.protocol === '1') rule.protocol = '58'
  }
  if (rule.portRangeMin === 1 && rule.portRangeMax === 65535) {
    rule.portRangeMin = null
    rule.portRangeMax = null
  }
  const { portRangeMin: min, portRangeMax: max } = rule
  if (min !== null || max !== null) {
    if (rule.protocol === null) invalid('SecurityGroupProtocolRequiredWithPorts', 'Must also specify protocol if port range is given.')
    const proto = protocolNumber(rule.protocol as string)
    if (PORT_PROTOCOLS.includes(proto)) {
      if (min === 0 || max === 0) invalid('SecurityGroupInvalidPortValue', 'Invalid value for port 0')
      if (!(min !== null && max !== null && min <= max)) invalid('SecurityGroupInvalidPortRange', 'For TCP/UDP protocols, port_range_min must be <= port_range_max')
    } else if (proto === 1 || proto === 58) {
      for (const [value, attr, field] of [[min, 'port_range_min', 'type'], [max, 'port_range_max', 'code']] as const) {
        if (value !== null && !(value >= 0 && value <= 255)) {
          invalid('SecurityGroupInvalidIcmpValue', `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`)
        }
      }
      if (min === null && max !== null) invalid('SecurityGroupMissingIcmpType', `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`)
    } else {
      invalid('SecurityGroupInvalidProtocolForPort', `Ports cannot be specified for protocol ${proto}. Ports are only supported for DCCP, SCTP, TCP, UDP.`)
    }
  }
  if (rule.remoteIpPrefix !== null) {
    const cidr = parseCidr(rule.remoteIpPrefix)
    if (cidr !== null && rule.ethertype !== `IPv${cidr.version}`) {
      invalid('SecurityGroupRuleParameterConflict', `Conflicting value ethertype ${rule.ethertype} for CIDR ${rule.remoteIpPrefix}`)
    }
  }
  if (rule.protocol !== null && IPV6_ONLY_PROTOCOLS.includes(rule.protocol) && rule.ethertype === 'IPv4') {
    invalid('SecurityGroupEthertypeConflictWithProtocol', `Invalid ethertype ${rule.ethertype} for protocol ${rule.protocol}.`)
  }
  if (rule.remoteIpPrefix !== null && rule.remoteGroupId !== null) {
    invalid('SecurityGroupMultipleRemoteEntites', 'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.')
  }
}

/** The comparison key Neutron uses to find duplicate rules (_rule_to_key). */
function ruleKey (rule: Pick<SecurityGroupRuleRow, 'direction' | 'ethertype' | 'portRangeMax' | 'portRangeMin' | 'protocol' | 'remoteGroupId' | 'remoteIpPrefix' | 'securityGroupId'>): string {
  const none = '+'
  let protocol = none
  if (rule.protocol !== null && rule.protocol !== 'any') {
    let p = rule.protocol
    if (rule.ethertype === 'IPv6') {
      if (p === 'icmp' || p === 'icmpv6') p = 'ipv6-icmp'
      else if (p === '1') p = '58'
    }
    const pair = p in IP_PROTOCOL_MAP ? [p, String(IP_PROTOCOL_MAP[p])] : p in IP_PROTOCOL_NUM_TO_NAME ? [IP_PROTOCOL_NUM_TO_NAME[p], p] : [p, p]
    protocol = JSON.stringify(pair)
  }
  const prefix = rule.remoteIpPrefix === null || rule.remoteIpPrefix === '0.0.0.0/0' || rule.remoteIpPrefix === '::/0' ? none : rule.remoteIpPrefix
  return [rule.direction, rule.ethertype, rule.portRangeMax ?? none, rule.portRangeMin ?? none, protocol, rule.remoteGroupId ?? none, none, prefix, rule.securityGroupId].join('_')
}

export function securityGroupRuleSpec (deps: NetworkDeps): ResourceSpec<SecurityGroupRuleRow> {
  const { state } = deps

  /** The group exists for the rule's project (any group, for an admin). */
  const checkGroup = (id: string, projectId: string, caller: Caller): void => {
    const group = state.securityGroups.get(id)
    if (group === undefined || (!caller.isAdmin && group.projectId !== projectId)) throw securityGroupNotFound(id)
  }

  return {
    resource: 'security_group_rule',
    collection: 'security_group_rules',
    idParam: 'security_group_rule_id',
    quotaResource: 'security_group_rule',
    attributes: SECURITY_GROUP_RULE_ATTRIBUTES,
    table: state.rules,
    notFound: securityGroupRuleNotFound,
    canSee: (row, caller) => canSeeRule(deps, row, caller),
    canModify: (row, caller) => isOwner(caller, row.projectId) || isOwner(caller, state.securityGroups.get(row.securityGroupId)?.projectId ?? ''),
    view: row => securityGroupRuleView(row, state.securityGroups.get(row.securityGroupId)?.isDefault === true),
    checkBulk: items => {
      const groups = new Set(items.map(item => String(item.security_group_id)))
      if (groups.size > 1) invalid('SecurityGroupNotSingleGroupRules', 'Only allowed to update rules for one security profile at a time')
      const projects = new Set(items.map(item => String(item.project_id)))
      if (projects.size > 1) invalid('SecurityGroupRulesNotSingleProject', 'Multiple project_ids in bulk security group rule create not allowed')
      const keys = new Set<string>()
      for (const item of items) {
        const rule = requestOf(item)
        normalize(rule)
        const key = ruleKey(rule)
        if (keys.has(key)) throw duplicateSecurityGroupRuleInPost()
        keys.add(key)
      }
    },
    create: (item, caller) => {
      const rule = requestOf(item)
      normalize(rule)
      if (rule.remoteGroupId !== null) checkGroup(rule.remoteGroupId, rule.projectId, caller)
      checkGroup(rule.securityGroupId, rule.projectId, caller)
      const key = ruleKey(rule)
      const existing = state.rulesOf(rule.securityGroupId).find(r => ruleKey(r) === key)
      if (existing !== undefined) throw securityGroupRuleExists(existing.id)
      const row: SecurityGroupRuleRow = {
        ...freshStandardAttributes(deps, rule.projectId, rule.description),
        securityGroupId: rule.securityGroupId,
        direction: rule.direction,
        ethertype: rule.ethertype,
        protocol: rule.protocol,
        portRangeMin: rule.portRangeMin,
        portRangeMax: rule.portRangeMax,
        remoteIpPrefix: rule.remoteIpPrefix,
        remoteGroupId: rule.remoteGroupId
      }
      state.rules.put(row)
      const group = state.securityGroups.get(row.securityGroupId)
      if (group !== undefined) state.securityGroups.put(revised(deps, group))
      return row
    },
    update: (row, changes) => ({ ...row, description: typeof changes.description === 'string' ? changes.description : row.description }),
    delete: row => {
      state.rules.delete(row.id)
      const group = state.securityGroups.get(row.securityGroupId)
      if (group !== undefined) state.securityGroups.put(revised(deps, group))
    }
  }
}
