/**
 * Ports, as ML2/OVN makes them: a unique fa:16:3e MAC from the Random port, fixed IPs from
 * IPAM, the project's default security group unless port security is off or groups are
 * given, and status DOWN until the port is bound to a host (binding:host_id), then ACTIVE.
 * Attributes that only the network's owner may set on someone else's shared network (MAC,
 * addresses, port security, address pairs, network: device owners) are refused by policy.
 */
import type { Random } from '../../core/ports.ts'
import { NOT_SPECIFIED } from '../../openstack/network/attributes.ts'
import { macAddressInUse, networkNotFound, neutronFault, portNotFound, securityGroupNotFound } from '../../openstack/network/faults.ts'
import type { AddressPair, ExtraDhcpOpt, NetworkRow, PortRow } from '../../openstack/network/model.ts'
import { PORT_ATTRIBUTES } from '../../openstack/network/port-schemas.ts'
import { portView } from '../../openstack/network/views.ts'
import type { FixedIpRequest, Ipam } from './ipam.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { canSeeNetwork, canSeePort, freshStandardAttributes, isOwner } from './network-deps.ts'
import type { ResourceSpec } from './resource-controller.ts'
import { ensureDefaultSecurityGroup } from './security-group-resources.ts'

const MAC_PREFIX = 'fa:16:3e'

const isSet = (value: unknown): boolean => value !== NOT_SPECIFIED && value !== undefined

/** A MAC no port has, fa:16:3e:xx:xx:xx (Neutron's default base_mac). */
function generateMac (deps: NetworkDeps, random: Random = deps.random): string {
  for (;;) {
    const bytes = random.bytes(3)
    const mac = `${MAC_PREFIX}:${[...bytes].map(b => b.toString(16).padStart(2, '0')).join(':')}`
    if (!deps.state.isMacInUse(mac)) return mac
  }
}

const isTrustedOwner = (owner: string): boolean => owner.startsWith('network:')

/** The security groups of a port: each must exist and belong to the port's project (any, for an admin). */
function checkSecurityGroups (deps: NetworkDeps, ids: readonly string[], projectId: string, caller: Caller): string[] {
  const missing = ids.filter(id => {
    const group = deps.state.securityGroups.get(id)
    return group === undefined || (!caller.isAdmin && group.projectId !== projectId)
  })
  if (missing.length > 0) throw securityGroupNotFound(missing.join(', '))
  return [...ids]
}

function addressPairsOf (value: unknown, mac: string): AddressPair[] {
  return (value as Array<{ ip_address: string, mac_address?: string }>).map(p => ({ ipAddress: p.ip_address, macAddress: p.mac_address ?? mac }))
}

function dhcpOptsOf (value: unknown): ExtraDhcpOpt[] {
  if (value === null) return []
  return (value as Array<{ opt_name: string, opt_value: string | null, ip_version?: unknown }>)
    .map(o => ({ optName: o.opt_name, optValue: o.opt_value, ipVersion: Number(o.ip_version ?? 4) === 6 ? 6 : 4 }))
}

const addressPairsNeedPortSecurity = (): never => {
  throw neutronFault(409, 'AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.')
}

export interface PortCreateOptions {
  /** The server a port is made for by Nova (it is then deleted with the server). */
  readonly createdForServerId?: string
}

/** Creates a port from a checked body item (used by the API and by ComputeNetworking). */
export function createPort (deps: NetworkDeps, ipam: Ipam, item: Readonly<Record<string, unknown>>, caller: Caller, options: PortCreateOptions = {}): PortRow {
  const { state } = deps
  const network = state.networks.get(String(item.network_id))
  if (network === undefined || !canSeeNetwork(network, caller)) throw networkNotFound(String(item.network_id))
  const projectId = String(item.project_id)
  const deviceOwner = isSet(item.device_owner) ? String(item.device_owner) : ''
  let mac: string
  if (isSet(item.mac_address)) {
    mac = String(item.mac_address)
    if (state.ports.find(p => p.networkId === network.id && p.macAddress === mac) !== undefined) throw macAddressInUse(network.id, mac)
  } else {
    mac = generateMac(deps)
  }
  const portSecurity = isSet(item.port_security_enabled) ? item.port_security_enabled === true : network.portSecurityEnabled
  let securityGroupIds: string[] = []
  if (isSet(item.security_groups)) {
    const requested = item.security_groups as string[]
    if (!portSecurity && requested.length > 0) {
      throw neutronFault(400, 'PortSecurityAndIPRequiredForSecurityGroups', 'Port security must be enabled and port must have an IP address in order to use security groups.')
    }
    securityGroupIds = checkSecurityGroups(deps, requested, projectId, caller)
  } else if (portSecurity && !isTrustedOwner(deviceOwner)) {
    securityGroupIds = [ensureDefaultSecurityGroup(deps, projectId).id]
  }
  const pairs = isSet(item.allowed_address_pairs) ? addressPairsOf(item.allowed_address_pairs, mac) : []
  if (pairs.length > 0 && !portSecurity) addressPairsNeedPortSecurity()
  const fixedIps = ipam.allocate(network, isSet(item.fixed_ips) ? item.fixed_ips as FixedIpRequest[] : NOT_SPECIFIED, mac, deviceOwner)
  const host = isSet(item['binding:host_id']) ? String(item['binding:host_id']) : ''
  const row: PortRow = {
    ...freshStandardAttributes(deps, projectId, isSet(item.description) ? String(item.description) : ''),
    tags: Array.isArray(item.tags) ? item.tags as string[] : [],
    name: isSet(item.name) ? String(item.name) : '',
    networkId: network.id,
    macAddress: mac,
    adminStateUp: item.admin_state_up !== false,
    status: host === '' ? 'DOWN' : 'ACTIVE',
    deviceId: isSet(item.device_id) ? String(item.device_id) : '',
    deviceOwner,
    fixedIps,
    securityGroupIds,
    portSecurityEnabled: portSecurity,
    allowedAddressPairs: pairs,
    extraDhcpOpts: isSet(item.extra_dhcp_opts) ? dhcpOptsOf(item.extra_dhcp_opts) : [],
    bindingHostId: host,
    bindingVnicType: isSet(item['binding:vnic_type']) ? String(item['binding:vnic_type']) : 'normal',
    bindingProfile: isSet(item['binding:profile']) && item['binding:profile'] !== null ? item['binding:profile'] as Record<string, unknown> : {},
    createdForServerId: options.createdForServerId ?? null
  }
  return state.ports.put(row)
}

/** Applies checked changes to a port (without storing it). */
function updatedPort (deps: NetworkDeps, ipam: Ipam, row: PortRow, changes: Readonly<Record<string, unknown>>, caller: Caller): PortRow {
  const { state } = deps
  const network = state.networks.get(row.networkId) as NetworkRow
  let mac = row.macAddress
  if (isSet(changes.mac_address) && changes.mac_address !== row.macAddress) {
    mac = String(changes.mac_address)
    if (row.bindingHostId !== '') {
      throw neutronFault(409, 'PortBound', `Unable to complete operation on port ${row.id}, port is already bound, port type: ovs, old_mac ${row.macAddress}, new_mac ${mac}.`)
    }
    if (state.ports.find(p => p.networkId === row.networkId && p.macAddress === mac) !== undefined) throw macAddressInUse(row.networkId, mac)
  }
  const portSecurity = isSet(changes.port_security_enabled) ? changes.port_security_enabled === true : row.portSecurityEnabled
  const securityGroupIds = isSet(changes.security_groups)
    ? checkSecurityGroups(deps, changes.security_groups as string[], row.projectId, caller)
    : [...row.securityGroupIds]
  if (!portSecurity && securityGroupIds.length > 0) {
    throw neutronFault(409, 'PortSecurityPortHasSecurityGroup', 'Port has security group associated. Cannot disable port security or IP address until security group is removed.')
  }
  const pairs = isSet(changes.allowed_address_pairs) ? addressPairsOf(changes.allowed_address_pairs, mac) : row.allowedAddressPairs
  if (pairs.length > 0 && !portSecurity) addressPairsNeedPortSecurity()
  const deviceOwner = isSet(changes.device_owner) ? String(changes.device_owner) : row.deviceOwner
  const fixedIps = isSet(changes.fixed_ips)
    ? ipam.allocate(network, changes.fixed_ips as FixedIpRequest[], mac, deviceOwner, { portId: row.id, fixedIps: row.fixedIps })
    : [...row.fixedIps]
  const host = isSet(changes['binding:host_id']) ? String(changes['binding:host_id']) : row.bindingHostId
  return {
    ...row,
    name: isSet(changes.name) ? String(changes.name) : row.name,
    description: isSet(changes.description) ? String(changes.description) : row.description,
    adminStateUp: isSet(changes.admin_state_up) ? changes.admin_state_up === true : row.adminStateUp,
    macAddress: mac,
    deviceId: isSet(changes.device_id) ? String(changes.device_id) : row.deviceId,
    deviceOwner,
    fixedIps,
    securityGroupIds,
    portSecurityEnabled: portSecurity,
    allowedAddressPairs: pairs,
    extraDhcpOpts: isSet(changes.extra_dhcp_opts) ? dhcpOptsOf(changes.extra_dhcp_opts) : row.extraDhcpOpts,
    bindingHostId: host,
    bindingVnicType: isSet(changes['binding:vnic_type']) ? String(changes['binding:vnic_type']) : row.bindingVnicType,
    bindingProfile: isSet(changes['binding:profile']) ? (changes['binding:profile'] as Record<string, unknown> | null) ?? {} : row.bindingProfile,
    status: host === '' ? 'DOWN' : 'ACTIVE'
  }
}

export function portSpec (deps: NetworkDeps, ipam: Ipam): ResourceSpec<PortRow> {
  const { state } = deps
  const networkOwner = (networkId: unknown, caller: Caller): boolean => {
    const network = state.networks.get(String(networkId))
    return network !== undefined && isOwner(caller, network.projectId)
  }
  return {
    resource: 'port',
    collection: 'ports',
    idParam: 'port_id',
    quotaResource: 'port',
    attributes: PORT_ATTRIBUTES,
    table: state.ports,
    notFound: portNotFound,
    canSee: (row, caller) => canSeePort(deps, row, caller),
    canModify: (row, caller) => isOwner(caller, row.projectId) || networkOwner(row.networkId, caller),
    view: row => portView(row),
    deniedAttributes: (item, caller, row) => {
      const network = state.networks.get(String(row?.networkId ?? item.network_id))
      // An unknown network is the plugin's 404, not a policy matter.
      if (network === undefined || !canSeeNetwork(network, caller) || isOwner(caller, network.projectId)) return []
      const denied = ['mac_address', 'port_security_enabled', 'allowed_address_pairs']
      if (Array.isArray(item.fixed_ips) && item.fixed_ips.some(f => typeof f === 'object' && f !== null && 'ip_address' in f)) denied.push('fixed_ips')
      if (typeof item.device_owner === 'string' && isTrustedOwner(item.device_owner)) denied.push('device_owner')
      return denied
    },
    create: (item, caller) => createPort(deps, ipam, item, caller),
    update: (row, changes, caller) => updatedPort(deps, ipam, row, changes, caller),
    delete: row => { state.ports.delete(row.id) }
  }
}
