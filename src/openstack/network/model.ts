/**
 * The network model: Neutron's resources as the emulator keeps them (camelCase; the wire
 * names live in views.ts). Every resource carries Neutron's standard attributes. Rows are
 * plain JSON values so that the Store can keep them as they are.
 */

/** What every Neutron resource with "standard attributes" has. */
export interface StandardAttributes {
  readonly id: string
  readonly projectId: string
  readonly description: string
  readonly tags: readonly string[]
  readonly createdAtMs: number
  readonly updatedAtMs: number
  readonly revisionNumber: number
}

export interface NetworkRow extends StandardAttributes {
  readonly name: string
  readonly adminStateUp: boolean
  readonly status: 'ACTIVE' | 'DOWN'
  readonly shared: boolean
  /** router:external. */
  readonly external: boolean
  readonly isDefault: boolean
  readonly mtu: number
  readonly portSecurityEnabled: boolean
  readonly availabilityZoneHints: readonly string[]
  readonly providerNetworkType: string
  readonly providerPhysicalNetwork: string | null
  readonly providerSegmentationId: number | null
  /** In creation order, as Neutron lists them. */
  readonly subnetIds: readonly string[]
}

export interface AllocationPool {
  readonly start: string
  readonly end: string
}

export interface HostRoute {
  readonly destination: string
  readonly nexthop: string
}

export interface SubnetRow extends StandardAttributes {
  readonly name: string
  readonly networkId: string
  readonly ipVersion: 4 | 6
  /** Canonical "network/prefix". */
  readonly cidr: string
  readonly gatewayIp: string | null
  readonly enableDhcp: boolean
  readonly allocationPools: readonly AllocationPool[]
  readonly dnsNameservers: readonly string[]
  readonly hostRoutes: readonly HostRoute[]
  readonly ipv6RaMode: string | null
  readonly ipv6AddressMode: string | null
}

export interface FixedIp {
  readonly subnetId: string
  readonly ipAddress: string
}

export interface AddressPair {
  readonly ipAddress: string
  readonly macAddress: string
}

export interface ExtraDhcpOpt {
  readonly optName: string
  readonly optValue: string | null
  readonly ipVersion: 4 | 6
}

export interface PortRow extends StandardAttributes {
  readonly name: string
  readonly networkId: string
  readonly macAddress: string
  readonly adminStateUp: boolean
  readonly status: 'ACTIVE' | 'DOWN'
  readonly deviceId: string
  readonly deviceOwner: string
  readonly fixedIps: readonly FixedIp[]
  readonly securityGroupIds: readonly string[]
  readonly portSecurityEnabled: boolean
  readonly allowedAddressPairs: readonly AddressPair[]
  readonly extraDhcpOpts: readonly ExtraDhcpOpt[]
  readonly bindingHostId: string
  readonly bindingVnicType: string
  readonly bindingProfile: Readonly<Record<string, unknown>>
  /** The server this port was created for by Nova (deleted with it), or null. */
  readonly createdForServerId: string | null
}

export interface SecurityGroupRow extends StandardAttributes {
  readonly name: string
  readonly stateful: boolean
  /** The project's "default" group, made by Neutron itself. */
  readonly isDefault: boolean
}

export interface SecurityGroupRuleRow extends StandardAttributes {
  readonly securityGroupId: string
  readonly direction: 'ingress' | 'egress'
  readonly ethertype: 'IPv4' | 'IPv6'
  readonly protocol: string | null
  readonly portRangeMin: number | null
  readonly portRangeMax: number | null
  readonly remoteIpPrefix: string | null
  readonly remoteGroupId: string | null
}

/** The resources Neutron counts against quotas, in Neutron's names. */
export const QUOTA_RESOURCES = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'rbac_policy', 'subnetpool'] as const
export type QuotaResource = typeof QUOTA_RESOURCES[number]

/** A project's quota limits that differ from the defaults; the id is the project id. */
export interface QuotaRow {
  readonly id: string
  readonly limits: Readonly<Partial<Record<QuotaResource, number>>>
}

/** A project's auto-allocated topology; the id is the project id. */
export interface AutoAllocatedTopologyRow {
  readonly id: string
  readonly networkId: string
  /** Which /24 of the auto-allocation range the subnet took, unique in the cloudlet. */
  readonly slot: number
}
