/**
 * IP address management for ports, after neutron's pluggable IPAM with the built-in driver:
 * requested addresses are checked against the subnet (InvalidIpForSubnet, InvalidIpForNetwork)
 * and taken if free (else IpAddressAlreadyAllocated); other requests get the first free
 * address of the allocation pools, trying the network's subnets in order
 * (IpAddressGenerationFailure when all are full). Neutron picks among free addresses at
 * random; taking the first keeps the emulator deterministic. IPv6 SLAAC and DHCPv6-stateless
 * subnets give every port its EUI-64 address.
 */
import { NOT_SPECIFIED } from '../../openstack/network/attributes.ts'
import {
  invalidInput, invalidIpForNetwork, invalidIpForSubnet, ipAddressAlreadyAllocated, ipAddressGenerationFailure, neutronFault, subnetNotFound
} from '../../openstack/network/faults.ts'
import type { IpAddress } from '../../openstack/network/ip.ts'
import { eui64Address, formatIp, isValidSubnetIp, parseCidr, parseIp } from '../../openstack/network/ip.ts'
import type { FixedIp, NetworkRow, SubnetRow } from '../../openstack/network/model.ts'
import type { NetworkState } from './network-state.ts'

const ROUTER_OWNERS = ['network:router_interface', 'network:router_gateway', 'network:ha_router_replicated_interface', 'network:router_interface_distributed', 'network:router_centralized_snat']

/** A subnet whose IPv6 addresses the hosts configure themselves from the MAC. */
function isAutoAddressSubnet (subnet: SubnetRow): boolean {
  return subnet.ipVersion === 6 && (subnet.ipv6AddressMode === 'slaac' || subnet.ipv6AddressMode === 'dhcpv6-stateless')
}

/** One requested fixed IP, as the port body gives it. */
export interface FixedIpRequest {
  readonly subnet_id?: unknown
  readonly ip_address?: unknown
}

/** The addresses taken on one subnet during one allocation. */
interface TakenAddresses {
  has(value: bigint): boolean
  add(value: bigint): void
}

interface Wanted {
  /** The subnets that may serve this entry, tried in order. */
  readonly subnets: readonly SubnetRow[]
  readonly ip: IpAddress | null
}

function ip (text: string): IpAddress {
  return parseIp(text) as IpAddress
}

export class Ipam {
  readonly #state: NetworkState

  constructor (state: NetworkState) {
    this.#state = state
  }

  /** The addresses taken on a subnet, by every port but `exceptPortId`, plus those added while allocating. */
  #taken (subnetId: string, exceptPortId: string | null): TakenAddresses {
    const index = this.#state.portIndex
    const added = new Set<bigint>()
    return {
      has: value => added.has(value) || ((index.holderOf(subnetId, value) ?? exceptPortId) !== exceptPortId),
      add: value => { added.add(value) }
    }
  }

  /** The first free address of a subnet's pools, or null when they are full. */
  #firstFree (subnet: SubnetRow, taken: TakenAddresses): IpAddress | null {
    for (const pool of subnet.allocationPools) {
      const last = ip(pool.end).value
      for (let candidate = ip(pool.start).value; candidate <= last; candidate++) {
        if (!taken.has(candidate)) return { version: subnet.ipVersion, value: candidate }
      }
    }
    return null
  }

  /** Resolves one requested fixed IP to its subnet, with Neutron's checks (_get_subnet_for_fixed_ip). */
  #subnetFor (network: NetworkRow, subnets: readonly SubnetRow[], fixed: FixedIpRequest, deviceOwner: string): SubnetRow {
    if (subnets.length === 0) throw invalidInput('IP allocation requires subnets for network')
    const routerPort = ROUTER_OWNERS.includes(deviceOwner)
    if ('subnet_id' in fixed && fixed.subnet_id !== undefined) {
      const subnet = subnets.find(s => s.id === fixed.subnet_id)
      if (subnet === undefined) {
        if (!this.#state.subnets.has(String(fixed.subnet_id))) throw subnetNotFound(String(fixed.subnet_id))
        throw invalidInput(`Failed to create port on network ${network.id}, because fixed_ips included invalid subnet ${String(fixed.subnet_id)}`)
      }
      if ('ip_address' in fixed && fixed.ip_address !== undefined) {
        const address = parseIp(fixed.ip_address)
        const cidr = parseCidr(subnet.cidr)
        if (address === null || cidr === null || !isValidSubnetIp(cidr, address, routerPort)) throw invalidIpForSubnet(String(fixed.ip_address))
      }
      return subnet
    }
    if (!('ip_address' in fixed) || fixed.ip_address === undefined) throw invalidInput('IP allocation requires subnet_id or ip_address')
    const address = parseIp(fixed.ip_address)
    for (const subnet of subnets) {
      const cidr = parseCidr(subnet.cidr)
      if (address !== null && cidr !== null && isValidSubnetIp(cidr, address, routerPort)) return subnet
    }
    throw invalidIpForNetwork(String(fixed.ip_address))
  }

  /**
   * The fixed IPs of a new port (or of a port whose fixed_ips change: pass its id and current
   * addresses, which are kept where the request names them or their subnet). Throws Neutron's
   * faults; allocates nothing itself — the caller stores the port.
   */
  allocate (network: NetworkRow, requested: readonly FixedIpRequest[] | typeof NOT_SPECIFIED, mac: string, deviceOwner: string,
    current: { portId: string, fixedIps: readonly FixedIp[] } | null = null): FixedIp[] {
    const subnets = this.#state.subnetsOf(network)
    const routerPort = ROUTER_OWNERS.includes(deviceOwner)
    const wanted: Wanted[] = []
    const kept: FixedIp[] = []
    const remaining = [...(current?.fixedIps ?? [])]
    if (requested === NOT_SPECIFIED) {
      const v4 = subnets.filter(s => s.ipVersion === 4)
      const v6Stateful = subnets.filter(s => s.ipVersion === 6 && !isAutoAddressSubnet(s))
      for (const group of [v4, v6Stateful]) if (group.length > 0) wanted.push({ subnets: group, ip: null })
    } else {
      for (const fixed of requested) {
        const subnet = this.#subnetFor(network, subnets, fixed, deviceOwner)
        const address = fixed.ip_address === undefined ? null : parseIp(fixed.ip_address)
        if (address !== null && isAutoAddressSubnet(subnet) && !routerPort) {
          const cidr = parseCidr(subnet.cidr)
          if (cidr !== null && eui64Address(cidr, mac).value !== address.value) {
            throw neutronFault(400, 'AllocationOnAutoAddressSubnet',
              `IPv6 address ${formatIp(address)} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses`)
          }
        }
        const same = remaining.findIndex(f => f.subnetId === subnet.id && (address === null || ip(f.ipAddress).value === address.value))
        if (same !== -1) {
          kept.push(remaining[same] as FixedIp)
          remaining.splice(same, 1)
        } else if (address !== null || !isAutoAddressSubnet(subnet) || routerPort) {
          wanted.push({ subnets: [subnet], ip: address })
        }
      }
      // Automatic IPv6 addresses stay unless the subnet is gone.
      for (const f of remaining) {
        const subnet = this.#state.subnets.get(f.subnetId)
        if (subnet !== undefined && isAutoAddressSubnet(subnet) && !routerPort) kept.push(f)
      }
    }
    if (!routerPort) {
      for (const subnet of subnets) {
        if (!isAutoAddressSubnet(subnet) || kept.some(f => f.subnetId === subnet.id) || wanted.some(w => w.ip !== null && w.subnets[0]?.id === subnet.id)) continue
        const cidr = parseCidr(subnet.cidr)
        if (cidr !== null) wanted.push({ subnets: [subnet], ip: eui64Address(cidr, mac) })
      }
    }
    const order = (f: FixedIp): number => network.subnetIds.indexOf(f.subnetId)
    return [...kept, ...this.#take(network, wanted, kept, current?.portId ?? null)].sort((a, b) => order(a) - order(b))
  }

  /** Takes the wanted addresses: specific ones first, as Neutron does, then the first free ones. */
  #take (network: NetworkRow, wanted: readonly Wanted[], kept: readonly FixedIp[], portId: string | null): FixedIp[] {
    const takenBySubnet = new Map<string, TakenAddresses>()
    const taken = (subnetId: string): TakenAddresses => {
      let set = takenBySubnet.get(subnetId)
      if (set === undefined) {
        set = this.#taken(subnetId, portId)
        for (const f of kept) if (f.subnetId === subnetId) set.add(ip(f.ipAddress).value)
        takenBySubnet.set(subnetId, set)
      }
      return set
    }
    const ordered = [...wanted].sort((a, b) => Number(a.ip === null) - Number(b.ip === null))
    const result: FixedIp[] = []
    for (const w of ordered) {
      if (w.ip !== null) {
        const subnet = w.subnets[0] as SubnetRow
        const set = taken(subnet.id)
        if (set.has(w.ip.value)) throw ipAddressAlreadyAllocated(formatIp(w.ip), subnet.id)
        set.add(w.ip.value)
        result.push({ subnetId: subnet.id, ipAddress: formatIp(w.ip) })
        continue
      }
      let allocated: FixedIp | null = null
      for (const subnet of w.subnets) {
        const set = taken(subnet.id)
        const free = this.#firstFree(subnet, set)
        if (free !== null) {
          set.add(free.value)
          allocated = { subnetId: subnet.id, ipAddress: formatIp(free) }
          break
        }
      }
      if (allocated === null) throw ipAddressGenerationFailure(network.id)
      result.push(allocated)
    }
    return result
  }
}
