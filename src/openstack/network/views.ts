/**
 * Neutron's wire bodies: each row rendered with every attribute a real ML2/OVN Neutron shows
 * (both project_id and tenant_id, timestamps to the second with Z, revision numbers).
 * Attributes only admins may see are included here and removed by the caller for others, as
 * Neutron's policy hook does after the plugin has answered.
 */
import { isoSecondsZ } from '../timestamps.ts'
import type { AttributeMap } from './attributes.ts'
import { formatNetwork, parseCidr } from './ip.ts'
import type { NetworkRow, PortRow, SecurityGroupRow, SecurityGroupRuleRow, StandardAttributes, SubnetRow } from './model.ts'

export type Wire = Record<string, unknown>

function standard (row: StandardAttributes, taggable = true): Wire {
  return {
    description: row.description,
    ...(taggable ? { tags: [...row.tags] } : {}),
    created_at: isoSecondsZ(row.createdAtMs),
    updated_at: isoSecondsZ(row.updatedAtMs),
    revision_number: row.revisionNumber,
    project_id: row.projectId
  }
}

export function networkView (row: NetworkRow, availabilityZones: readonly string[]): Wire {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.projectId,
    admin_state_up: row.adminStateUp,
    mtu: row.mtu,
    status: row.status,
    subnets: [...row.subnetIds],
    shared: row.shared,
    availability_zone_hints: [...row.availabilityZoneHints],
    availability_zones: [...availabilityZones],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': row.external,
    port_security_enabled: row.portSecurityEnabled,
    is_default: row.isDefault,
    'provider:network_type': row.providerNetworkType,
    'provider:physical_network': row.providerPhysicalNetwork,
    'provider:segmentation_id': row.providerSegmentationId,
    ...standard(row)
  }
}

export function subnetView (row: SubnetRow, networkShared: boolean): Wire {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.projectId,
    network_id: row.networkId,
    ip_version: row.ipVersion,
    subnetpool_id: null,
    enable_dhcp: row.enableDhcp,
    ipv6_ra_mode: row.ipv6RaMode,
    ipv6_address_mode: row.ipv6AddressMode,
    gateway_ip: row.gatewayIp,
    cidr: row.cidr,
    allocation_pools: row.allocationPools.map(p => ({ start: p.start, end: p.end })),
    host_routes: row.hostRoutes.map(r => ({ destination: r.destination, nexthop: r.nexthop })),
    dns_nameservers: [...row.dnsNameservers],
    service_types: [],
    segment_id: null,
    shared: networkShared,
    ...standard(row)
  }
}

/** What OVN reports for a bound port. */
const BOUND_VIF_DETAILS = { port_filter: true, connectivity: 'l2', bridge_name: 'br-int', datapath_type: 'system' }

export function portView (row: PortRow): Wire {
  const bound = row.bindingHostId !== ''
  return {
    id: row.id,
    name: row.name,
    network_id: row.networkId,
    tenant_id: row.projectId,
    mac_address: row.macAddress,
    admin_state_up: row.adminStateUp,
    status: row.status,
    device_id: row.deviceId,
    device_owner: row.deviceOwner,
    fixed_ips: row.fixedIps.map(ip => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    allowed_address_pairs: row.allowedAddressPairs.map(p => ({ ip_address: p.ipAddress, mac_address: p.macAddress })),
    extra_dhcp_opts: row.extraDhcpOpts.map(o => ({ opt_name: o.optName, opt_value: o.optValue, ip_version: o.ipVersion })),
    security_groups: [...row.securityGroupIds],
    port_security_enabled: row.portSecurityEnabled,
    'binding:vnic_type': row.bindingVnicType,
    'binding:profile': { ...row.bindingProfile },
    'binding:host_id': row.bindingHostId,
    'binding:vif_type': bound ? 'ovs' : 'unbound',
    'binding:vif_details': bound ? { ...BOUND_VIF_DETAILS } : {},
    ...standard(row)
  }
}

export function securityGroupRuleView (row: SecurityGroupRuleRow, belongsToDefaultSg: boolean): Wire {
  return {
    id: row.id,
    tenant_id: row.projectId,
    security_group_id: row.securityGroupId,
    ethertype: row.ethertype,
    direction: row.direction,
    protocol: row.protocol,
    port_range_min: row.portRangeMin,
    port_range_max: row.portRangeMax,
    remote_ip_prefix: row.remoteIpPrefix,
    remote_address_group_id: null,
    normalized_cidr: normalizedCidr(row.remoteIpPrefix),
    remote_group_id: row.remoteGroupId,
    belongs_to_default_sg: belongsToDefaultSg,
    ...standard(row, false)
  }
}

/** The network of a remote prefix, host bits cleared ("10.0.0.5/24" → "10.0.0.0/24"). */
function normalizedCidr (prefix: string | null): string | null {
  if (prefix === null) return null
  const cidr = parseCidr(prefix)
  return cidr === null ? prefix : formatNetwork(cidr)
}

export function securityGroupView (row: SecurityGroupRow, rules: readonly Wire[]): Wire {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.projectId,
    description: row.description,
    stateful: row.stateful,
    shared: false,
    security_group_rules: [...rules],
    ...standard(row)
  }
}

/** Removes the attributes the caller may not see (policy "admin_only" on get). */
export function withoutAdminOnly (item: Wire, attributes: AttributeMap, isAdmin: boolean): Wire {
  if (isAdmin) return item
  const out: Wire = {}
  for (const [key, value] of Object.entries(item)) if (attributes[key]?.adminOnly !== true) out[key] = value
  return out
}
