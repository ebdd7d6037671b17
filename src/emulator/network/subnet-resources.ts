/**
 * Subnets, checked as neutron's db_base_plugin_v2._validate_subnet and the IPAM backend do:
 * the CIDR's IP version, DHCP-compatible prefixes, the gateway (network address + 1 unless
 * given, null for none), allocation pools (default: the whole range but the network,
 * broadcast and gateway addresses; given ones inside the CIDR, disjoint, clear of the
 * gateway), and no overlap with another subnet of the network. Deleting a subnet with ports
 * on it is a SubnetInUse.
 */
import { NOT_SPECIFIED } from '../../openstack/network/attributes.ts'
import {
  badRequest, gatewayConflictWithAllocationPools, invalidAllocationPool, invalidInput, networkNotFound, neutronFault,
  outOfBoundsAllocationPool, overlappingAllocationPools, policyNotAuthorized, subnetInUse, subnetNotFound
} from '../../openstack/network/faults.ts'
import type { Cidr, IpRange } from '../../openstack/network/ip.ts'
import {
  cidrsOverlap, defaultPools, formatIp, formatNetwork, formatRange, isGatewayInvalid, isLoopback, isMulticast, networkAddress,
  parseCidr, parseIp, poolBounds, rangesOverlap
} from '../../openstack/network/ip.ts'
import type { AllocationPool, HostRoute, SubnetRow } from '../../openstack/network/model.ts'
import { pyRepr } from '../../openstack/python-text.ts'
import { SUBNET_ATTRIBUTES } from '../../openstack/network/schemas.ts'
import { subnetView } from '../../openstack/network/views.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { canSeeNetwork, canSeeSubnet, freshStandardAttributes, isOwner, policyRule } from './network-deps.ts'
import { touchNetwork } from './network-resources.ts'
import { NETWORK_OWNED_DEVICE_OWNERS } from './network-state.ts'
import type { ResourceSpec } from './resource-controller.ts'

const MAX_DNS_NAMESERVERS = 5
const MAX_HOST_ROUTES = 20

const isSet = (value: unknown): boolean => value !== NOT_SPECIFIED && value !== undefined

function checkVersion (version: number, address: string, name: string): void {
  const ip = parseCidr(address)
  if (ip !== null && ip.version !== version) throw invalidInput(`${name} '${address}' does not match the ip_version '${version}'`)
}

/** The checks that apply on create and update (_validate_subnet). */
function validateSubnet (s: Record<string, unknown>, version: 4 | 6, cidr: Cidr | null, dhcpWasEnabled: boolean, subnetLabel: string): void {
  if (cidr !== null) checkVersion(version, String(s.cidr), 'cidr')
  if (cidr !== null && version === 6 && networkAddress(cidr) === 0n) throw invalidInput("IPv6 subnet '::' is not supported")
  if (cidr !== null && s.enable_dhcp === true && !dhcpWasEnabled) {
    if ((version === 4 && cidr.prefixLength > 30) || (version === 6 && cidr.prefixLength > 126)) {
      throw invalidInput('Subnet has a prefix length that is incompatible with DHCP service enabled')
    }
    if (isMulticast(cidr)) throw invalidInput('Multicast IP subnet is not supported if enable_dhcp is True')
    if (isLoopback(cidr)) throw invalidInput('Loopback IP subnet is not supported if enable_dhcp is True')
    if (version === 4 && networkAddress(cidr) === 0n) throw invalidInput("First IP '0.0.0.0' of network is not supported if enable_dhcp is True.")
  }
  const gateway = s.gateway_ip
  if (typeof gateway === 'string') {
    checkVersion(version, gateway, 'gateway_ip')
    const gw = parseIp(gateway)
    if (cidr !== null && gw !== null && isGatewayInvalid(cidr, gw)) throw invalidInput('Gateway is not valid on subnet')
  }
  if (Array.isArray(s.dns_nameservers)) {
    if (s.dns_nameservers.length > MAX_DNS_NAMESERVERS) {
      throw neutronFault(400, 'DNSNameServersExhausted', `Unable to complete operation for ${subnetLabel}. The number of DNS nameservers exceeds the limit ${MAX_DNS_NAMESERVERS}.`)
    }
    for (const dns of s.dns_nameservers as string[]) checkVersion(version, dns, 'dns_nameserver')
  }
  if (Array.isArray(s.host_routes)) {
    if (s.host_routes.length > MAX_HOST_ROUTES) {
      throw neutronFault(400, 'HostRoutesExhausted', `Unable to complete operation for ${subnetLabel}. The number of host routes exceeds the limit ${MAX_HOST_ROUTES}.`)
    }
    for (const route of s.host_routes as HostRoute[]) {
      checkVersion(version, route.nexthop, 'nexthop')
      checkVersion(version, route.destination, 'destination')
    }
  }
  if (version === 4) {
    if (isSet(s.ipv6_ra_mode)) throw invalidInput('ipv6_ra_mode is not valid when ip_version is 4')
    if (isSet(s.ipv6_address_mode)) throw invalidInput('ipv6_address_mode is not valid when ip_version is 4')
  } else {
    const ra = isSet(s.ipv6_ra_mode) ? s.ipv6_ra_mode : null
    const address = isSet(s.ipv6_address_mode) ? s.ipv6_address_mode : null
    if (ra !== null && address !== null && ra !== address) {
      throw invalidInput(`ipv6_ra_mode set to '${String(ra)}' with ipv6_address_mode set to '${String(address)}' is not valid. If both attributes are set, they must be the same value`)
    }
    if (cidr !== null && (ra === 'slaac' || ra === 'dhcpv6-stateless' || address === 'slaac' || address === 'dhcpv6-stateless') && cidr.prefixLength !== 64) {
      throw invalidInput(`Invalid CIDR ${formatNetwork(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`)
    }
  }
}

/** Turns given pools into ranges and checks them against the subnet (pools_to_ip_range, validate_allocation_pools). */
function checkedPools (pools: ReadonlyArray<Record<string, unknown>>, cidr: Cidr, cidrText: string, gateway: string | null): IpRange[] {
  const ranges: IpRange[] = []
  for (const pool of pools) {
    const start = parseIp(pool.start)
    const end = parseIp(pool.end)
    if (start === null || end === null || start.version !== end.version || start.value > end.value) {
      throw invalidAllocationPool(pyRepr(pool))
    }
    const range: IpRange = { version: start.version, first: start.value, last: end.value }
    if (range.version !== cidr.version) throw invalidAllocationPool(formatRange(range))
    const bounds = poolBounds(cidr)
    if (range.first < bounds.first || range.last > bounds.last) throw outOfBoundsAllocationPool(formatRange(range), cidrText)
    ranges.push(range)
  }
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (rangesOverlap(ranges[i] as IpRange, ranges[j] as IpRange)) {
        throw overlappingAllocationPools(formatRange(ranges[i] as IpRange), formatRange(ranges[j] as IpRange), cidrText)
      }
    }
  }
  const gw = gateway === null ? null : parseIp(gateway)
  if (gw !== null) {
    for (const r of ranges) if (gw.version === r.version && gw.value >= r.first && gw.value <= r.last) throw gatewayConflictWithAllocationPools(gateway as string, formatRange(r))
  }
  return ranges
}

function poolsOf (ranges: readonly IpRange[]): AllocationPool[] {
  return ranges.map(r => ({ start: formatIp({ version: r.version, value: r.first }), end: formatIp({ version: r.version, value: r.last }) }))
}

/** Creates a subnet row from a checked body item (used by the API and by auto-allocation). */
export function createSubnet (deps: NetworkDeps, item: Readonly<Record<string, unknown>>, caller: Caller): SubnetRow {
  const { state } = deps
  const s = { ...item }
  // The policy check (network owner) looks the network up before the plugin runs.
  const network = state.networks.get(String(s.network_id))
  if (network === undefined || !canSeeNetwork(network, caller)) throw networkNotFound(String(s.network_id))
  if (!isOwner(caller, network.projectId)) throw policyNotAuthorized(policyRule('create_subnet', []))
  if (isSet(s.cidr) && isSet(s.prefixlen)) throw badRequest('subnets', 'cidr and prefixlen must not be supplied together')
  if (isSet(s.subnetpool_id) && s.subnetpool_id !== null) {
    throw neutronFault(404, 'SubnetPoolNotFound', `Subnet pool ${String(s.subnetpool_id)} could not be found.`)
  }
  if (!isSet(s.cidr) || s.cidr === null) throw badRequest('subnets', 'a subnetpool must be specified in the absence of a cidr')
  const cidr = parseCidr(s.cidr) as Cidr
  const cidrText = formatNetwork(cidr)
  const version = s.ip_version as 4 | 6
  validateSubnet(s, version, cidr, false, 'new subnet')
  if (cidr.prefixLength === 0) throw invalidInput('0 is not allowed as CIDR prefix length')
  for (const other of state.subnetsOf(network)) {
    const otherCidr = parseCidr(other.cidr)
    if (otherCidr !== null && cidrsOverlap(otherCidr, cidr)) {
      throw invalidInput(`Requested subnet with cidr: ${cidrText} for network: ${network.id} overlaps with another subnet`)
    }
  }
  const gatewayIp = s.gateway_ip === null ? null : isSet(s.gateway_ip) ? String(s.gateway_ip) : formatIp({ version, value: networkAddress(cidr) + 1n })
  const gateway = gatewayIp === null ? null : parseIp(gatewayIp)
  const ranges = isSet(s.allocation_pools)
    ? checkedPools(s.allocation_pools as Array<Record<string, unknown>>, cidr, cidrText, gatewayIp)
    : defaultPools(cidr, gateway)
  const row: SubnetRow = {
    ...freshStandardAttributes(deps, String(s.project_id), isSet(s.description) ? String(s.description) : ''),
    name: isSet(s.name) ? String(s.name) : '',
    networkId: network.id,
    ipVersion: version,
    cidr: cidrText,
    gatewayIp,
    enableDhcp: s.enable_dhcp !== false,
    allocationPools: poolsOf(ranges),
    dnsNameservers: isSet(s.dns_nameservers) ? s.dns_nameservers as string[] : [],
    hostRoutes: isSet(s.host_routes) ? s.host_routes as HostRoute[] : [],
    ipv6RaMode: isSet(s.ipv6_ra_mode) ? s.ipv6_ra_mode as string : null,
    ipv6AddressMode: isSet(s.ipv6_address_mode) ? s.ipv6_address_mode as string : null
  }
  state.subnets.put(row)
  touchNetwork(deps, network.id, [...network.subnetIds, row.id])
  return row
}

export function subnetSpec (deps: NetworkDeps): ResourceSpec<SubnetRow> {
  const { state } = deps
  return {
    resource: 'subnet',
    collection: 'subnets',
    idParam: 'subnet_id',
    quotaResource: 'subnet',
    attributes: SUBNET_ATTRIBUTES,
    table: state.subnets,
    notFound: subnetNotFound,
    canSee: (row, caller) => canSeeSubnet(deps, row, caller),
    canModify: (row, caller) => isOwner(caller, row.projectId) || isOwner(caller, state.networks.get(row.networkId)?.projectId ?? ''),
    view: row => subnetView(row, state.networks.get(row.networkId)?.shared === true),
    create: (item, caller) => createSubnet(deps, item, caller),
    update: (row, changes) => {
      const cidr = parseCidr(row.cidr) as Cidr
      validateSubnet({ ...changes }, row.ipVersion, cidr, row.enableDhcp, row.id)
      const gatewayIp = 'gateway_ip' in changes ? changes.gateway_ip as string | null : row.gatewayIp
      let pools = row.allocationPools
      if ('allocation_pools' in changes) {
        pools = poolsOf(checkedPools(changes.allocation_pools as Array<Record<string, unknown>>, cidr, row.cidr, gatewayIp))
      } else if ('gateway_ip' in changes && gatewayIp !== null) {
        checkedPools(row.allocationPools.map(p => ({ ...p })), cidr, row.cidr, gatewayIp)
      }
      return {
        ...row,
        name: typeof changes.name === 'string' ? changes.name : row.name,
        description: typeof changes.description === 'string' ? changes.description : row.description,
        enableDhcp: typeof changes.enable_dhcp === 'boolean' ? changes.enable_dhcp : row.enableDhcp,
        gatewayIp,
        allocationPools: pools,
        dnsNameservers: Array.isArray(changes.dns_nameservers) ? changes.dns_nameservers as string[] : row.dnsNameservers,
        hostRoutes: Array.isArray(changes.host_routes) ? changes.host_routes as HostRoute[] : row.hostRoutes
      }
    },
    delete: row => {
      const ports = state.portsOnSubnet(row.id)
      if (ports.some(p => !NETWORK_OWNED_DEVICE_OWNERS.includes(p.deviceOwner))) throw subnetInUse(row.id)
      for (const port of ports) state.ports.put({ ...port, fixedIps: port.fixedIps.filter(f => f.subnetId !== row.id) })
      state.subnets.delete(row.id)
      const network = state.networks.get(row.networkId)
      if (network !== undefined) touchNetwork(deps, network.id, network.subnetIds.filter(id => id !== row.id))
    }
  }
}
