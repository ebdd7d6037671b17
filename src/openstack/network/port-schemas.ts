/**
 * The attribute maps of ports, security groups and security group rules, with the
 * converters that raise Neutron's own exceptions (protocol names, port values, ethertypes,
 * remote prefixes, allowed address pairs) the way neutron's securitygroup extension and
 * neutron-lib's validators do.
 */
import type { AttributeMap, Converter, Validator } from './attributes.ts'
import {
  NOT_SPECIFIED, isPlainObject, kvpListToDict, macConverter, noneToEmptyList, toBoolean, validateFixedIps,
  validateIpAddress, validateMacAddress, validateNameString, validateString, validateSubnet, validateUuidList, validateValues
} from './attributes.ts'
import { httpBadRequest, neutronFault, securityGroupDefaultAlreadyExists } from './faults.ts'
import { formatCidr, parseCidr } from './ip.ts'
import { pyRepr, pyStr } from '../python-text.ts'
import { NAME_MAX, idAttribute, projectAttributes, standardAttributes } from './schemas.ts'

const VNIC_TYPES = [
  'normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'vdpa',
  'accelerator-direct', 'accelerator-direct-physical', 'remote-managed'
] as const

const validateAllowedAddressPairs: Validator = value => {
  if (!Array.isArray(value)) throw httpBadRequest('Allowed address pairs must be a list.')
  if (value.length > 10) throw neutronFault(400, 'AllowedAddressPairExhausted', 'The number of allowed address pair exceeds the maximum 10.')
  const seen = new Set<string>()
  for (const pair of value) {
    if (!isPlainObject(pair)) return `'${pyStr(pair)}' is not a dictionary`
    if ('mac_address' in pair) {
      const reason = validateMacAddress(pair.mac_address)
      if (reason !== null) throw httpBadRequest(reason)
    }
    if (!('ip_address' in pair)) throw neutronFault(400, 'AllowedAddressPairsMissingIP', 'AllowedAddressPair must contain ip_address')
    const key = JSON.stringify([pair.mac_address ?? null, pair.ip_address])
    if (seen.has(key)) {
      throw neutronFault(400, 'DuplicateAddressPairInRequest',
        `Request contains duplicate address pair: mac_address ${pyStr(pair.mac_address ?? null)} ip_address ${pyStr(pair.ip_address)}.`)
    }
    seen.add(key)
    const extra = Object.keys(pair).filter(k => k !== 'mac_address' && k !== 'ip_address')
    if (extra.length > 0) throw httpBadRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`)
    const ip = pair.ip_address
    const reason = typeof ip === 'string' && ip.includes('/') ? validateSubnet(ip) : validateIpAddress(ip)
    if (reason !== null) throw httpBadRequest(reason)
  }
  return null
}

const validateExtraDhcpOpts: Validator = value => {
  if (value === null) return null
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`
  for (const opt of value) {
    if (!isPlainObject(opt) || typeof opt.opt_name !== 'string' || opt.opt_name.trim() === '' || !('opt_value' in opt) ||
        (opt.opt_value !== null && typeof opt.opt_value !== 'string') || ('ip_version' in opt && ![4, 6, '4', '6'].includes(opt.ip_version as never)) ||
        Object.keys(opt).some(k => !['opt_name', 'opt_value', 'ip_version'].includes(k))) {
      return `No valid key specs matched for: ${pyStr(opt)}`
    }
  }
  return null
}

export const PORT_ATTRIBUTES: AttributeMap = {
  id: idAttribute,
  name: { allowPost: true, allowPut: true, default: '', validate: validateNameString(NAME_MAX), isFilter: true, isSortKey: true },
  network_id: { allowPost: true, allowPut: false, validate: value => validateUuidList([value]), isFilter: true, isSortKey: true },
  admin_state_up: { allowPost: true, allowPut: true, default: true, convert: toBoolean, isFilter: true, isSortKey: true },
  mac_address: { allowPost: true, allowPut: true, enforcePolicy: true, default: NOT_SPECIFIED, convert: macConverter, validate: validateMacAddress, isFilter: true, isSortKey: true },
  fixed_ips: { allowPost: true, allowPut: true, enforcePolicy: true, default: NOT_SPECIFIED, validate: validateFixedIps, isFilter: true, convertFilterList: kvpListToDict },
  device_id: { allowPost: true, allowPut: true, enforcePolicy: true, default: '', validate: validateString(255), isFilter: true, isSortKey: true },
  device_owner: { allowPost: true, allowPut: true, enforcePolicy: true, default: '', validate: validateString(255), isFilter: true, isSortKey: true },
  ...projectAttributes,
  status: { allowPost: false, allowPut: false, isFilter: true, isSortKey: true },
  security_groups: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: noneToEmptyList, validate: validateUuidList, isFilter: true, convertFilterList: values => values },
  port_security_enabled: { allowPost: true, allowPut: true, enforcePolicy: true, default: NOT_SPECIFIED, convert: toBoolean, isFilter: true },
  allowed_address_pairs: { allowPost: true, allowPut: true, enforcePolicy: true, default: NOT_SPECIFIED, convert: noneToEmptyList, validate: validateAllowedAddressPairs },
  extra_dhcp_opts: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, validate: validateExtraDhcpOpts },
  'binding:vnic_type': { allowPost: true, allowPut: true, enforcePolicy: true, default: 'normal', validate: validateValues(VNIC_TYPES), isFilter: true },
  'binding:host_id': { allowPost: true, allowPut: true, default: NOT_SPECIFIED, validate: validateString(255), isFilter: true, adminOnly: true, adminToSet: true },
  'binding:profile': { allowPost: true, allowPut: true, default: NOT_SPECIFIED, validate: value => value === null || isPlainObject(value) ? null : `'${pyStr(value)}' is not a dictionary`, adminOnly: true, adminToSet: true },
  'binding:vif_type': { allowPost: false, allowPut: false, adminOnly: true },
  'binding:vif_details': { allowPost: false, allowPut: false, adminOnly: true },
  ...standardAttributes(true)
}

const SG_PROTOCOLS: Readonly<Record<string, number>> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, hopopt: 0, icmp: 1, igmp: 2, ip: 0, ipip: 4, 'ipv6-encap': 41, 'ipv6-frag': 44,
  'ipv6-icmp': 58, icmpv6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89, pgm: 113, rsvp: 46, sctp: 132,
  tcp: 6, udp: 17, udplite: 136, vrrp: 112
}

/** Protocol names and numbers as IP_PROTOCOL_MAP has them. */
export const IP_PROTOCOL_MAP = SG_PROTOCOLS

/** Number → name, without the legacy icmpv6 alias (IP_PROTOCOL_NUM_TO_NAME_MAP). */
export const IP_PROTOCOL_NUM_TO_NAME: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SG_PROTOCOLS).filter(([name]) => name !== 'icmpv6').map(([name, num]) => [String(num), name]))

/** The securitygroup extension's sg_supported_protocols tuple, as Python prints it. */
const SUPPORTED_PROTOCOLS_TEXT = `(None, 'any', ${Object.keys(SG_PROTOCOLS).map(p => `'${p}'`).join(', ')})`

const invalidProtocol = (value: unknown): never => {
  throw neutronFault(400, 'SecurityGroupRuleInvalidProtocol',
    `Security group rule protocol ${pyStr(value)} not supported. Only protocol values ${SUPPORTED_PROTOCOLS_TEXT} and integer representations [0 to 255] are supported.`)
}

/** convert_protocol: 'any'/None → None, numbers 0–255 → their string, names lowercased. */
const protocolConverter: Converter = value => {
  if (value === null || value === 'any') return null
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value))) {
    const n = Number(value)
    if (Number.isInteger(n) && n >= 0 && n <= 255) return String(value)
    return invalidProtocol(value)
  }
  if (typeof value === 'string' && value.toLowerCase() in SG_PROTOCOLS) return value.toLowerCase()
  return invalidProtocol(value)
}

/** convert_validate_port_value. */
const portValueConverter: Converter = value => {
  if (value === null) return null
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
  if (Number.isInteger(n) && n >= 0 && n <= 65535) return n
  throw neutronFault(400, 'SecurityGroupInvalidPortValue', `Invalid value for port ${pyStr(value)}`)
}

const ethertypeConverter: Converter = value => {
  if (typeof value === 'string') {
    for (const e of ['IPv4', 'IPv6']) if (e.toLowerCase() === value.toLowerCase()) return e
  }
  throw neutronFault(400, 'SecurityGroupRuleInvalidEtherType',
    `Security group rule for ethertype '${pyStr(value)}' not supported. Allowed values are ${pyRepr(['IPv4', 'IPv6'])}.`)
}

/** convert_ip_prefix_to_cidr: the prefix as netaddr prints it, host bits kept. */
const ipPrefixConverter: Converter = value => {
  if (value === null || value === '' || value === undefined) return null
  const cidr = parseCidr(value)
  if (cidr === null) throw neutronFault(400, 'InvalidCIDR', `Invalid CIDR ${pyStr(value)} given as IP prefix.`)
  return formatCidr(cidr)
}

const sgNameValidator: Validator = value => {
  const reason = validateString(NAME_MAX)(value)
  if (reason !== null) return reason
  if ((value as string).toLowerCase() === 'default') throw securityGroupDefaultAlreadyExists()
  return null
}

export const SECURITY_GROUP_ATTRIBUTES: AttributeMap = {
  id: idAttribute,
  name: { allowPost: true, allowPut: true, default: '', validate: sgNameValidator, isFilter: true, isSortKey: true },
  ...projectAttributes,
  security_group_rules: { allowPost: false, allowPut: false },
  stateful: { allowPost: true, allowPut: true, default: true, convert: toBoolean, isFilter: true },
  shared: { allowPost: false, allowPut: false, convert: toBoolean, isFilter: true },
  ...standardAttributes()
}

export const SECURITY_GROUP_RULE_ATTRIBUTES: AttributeMap = {
  id: idAttribute,
  security_group_id: { allowPost: true, allowPut: false, validate: validateString(36), isFilter: true, isSortKey: true },
  remote_group_id: { allowPost: true, allowPut: false, default: null, isFilter: true, isSortKey: true },
  direction: { allowPost: true, allowPut: false, validate: validateValues(['ingress', 'egress']), isFilter: true, isSortKey: true },
  protocol: { allowPost: true, allowPut: false, default: null, convert: protocolConverter, isFilter: true, isSortKey: true },
  port_range_min: { allowPost: true, allowPut: false, default: null, convert: portValueConverter, isFilter: true, isSortKey: true },
  port_range_max: { allowPost: true, allowPut: false, default: null, convert: portValueConverter, isFilter: true, isSortKey: true },
  ethertype: { allowPost: true, allowPut: false, default: 'IPv4', convert: ethertypeConverter, isFilter: true, isSortKey: true },
  remote_ip_prefix: { allowPost: true, allowPut: false, default: null, convert: ipPrefixConverter, isFilter: true, isSortKey: true },
  ...projectAttributes,
  remote_address_group_id: { allowPost: false, allowPut: false, isFilter: true },
  normalized_cidr: { allowPost: false, allowPut: false, isFilter: true },
  belongs_to_default_sg: { allowPost: false, allowPut: false, convert: toBoolean, isFilter: true },
  ...standardAttributes(false, false)
}
