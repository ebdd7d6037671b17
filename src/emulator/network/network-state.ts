/**
 * The emulated Neutron's data: networks, subnets, ports, security groups and rules, quota
 * overrides and auto-allocated topologies, in Tables written through to the Store and
 * journaled so that one operation is all-or-nothing. It answers the questions every handler
 * asks: how much of a quota a project uses, which MAC addresses are taken, which ports sit
 * on a subnet.
 */
import type { Store } from '../../core/ports.ts'
import { parseIp } from '../../openstack/network/ip.ts'
import type {
  AutoAllocatedTopologyRow, NetworkRow, PortRow, QuotaResource, QuotaRow, SecurityGroupRow, SecurityGroupRuleRow, SubnetRow
} from '../../openstack/network/model.ts'
import { Journal, JournaledTable } from './journaled-table.ts'
import { PortIndex } from './port-index.ts'

/** Neutron's default quotas (neutron.conf [QUOTAS]). */
export const DEFAULT_QUOTAS: Readonly<Record<QuotaResource, number>> = {
  network: 100,
  subnet: 100,
  port: 500,
  router: 10,
  floatingip: 50,
  security_group: 10,
  security_group_rule: 100,
  rbac_policy: 10,
  subnetpool: -1
}

/** Device owners whose ports Neutron removes itself with their network or subnet. */
export const NETWORK_OWNED_DEVICE_OWNERS: readonly string[] = ['network:dhcp', 'network:distributed']

export class NetworkState {
  readonly networks: JournaledTable<NetworkRow>
  readonly subnets: JournaledTable<SubnetRow>
  readonly ports: JournaledTable<PortRow>
  readonly securityGroups: JournaledTable<SecurityGroupRow>
  readonly rules: JournaledTable<SecurityGroupRuleRow>
  readonly quotas: JournaledTable<QuotaRow>
  readonly topologies: JournaledTable<AutoAllocatedTopologyRow>
  /** Addresses, MACs and port counts, kept by observing the ports table. */
  readonly portIndex = new PortIndex()
  readonly #store: Store
  readonly #journal = new Journal()

  constructor (store: Store) {
    this.#store = store
    const journal = this.#journal
    this.networks = new JournaledTable(store, 'network.network', journal)
    this.subnets = new JournaledTable(store, 'network.subnet', journal)
    this.ports = new JournaledTable(store, 'network.port', journal)
    this.securityGroups = new JournaledTable(store, 'network.security_group', journal)
    this.rules = new JournaledTable(store, 'network.security_group_rule', journal)
    this.quotas = new JournaledTable(store, 'network.quota', journal)
    this.topologies = new JournaledTable(store, 'network.auto_allocated_topology', journal)
    this.ports.observe(this.portIndex)
  }

  /** Runs `fn` all-or-nothing: when it throws, every row it wrote is as it was. Nests. */
  atomically<T>(fn: () => T): T {
    return this.#journal.run(this.#store, fn)
  }

  /** The limit of a quota for a project (-1: unlimited). */
  quotaLimit (projectId: string, resource: QuotaResource): number {
    return this.quotas.get(projectId)?.limits[resource] ?? DEFAULT_QUOTAS[resource]
  }

  /** How many of a resource a project owns now. */
  usage (projectId: string, resource: QuotaResource): number {
    const owned = <R extends { readonly projectId: string }>(rows: Iterable<R>): number => {
      let n = 0
      for (const row of rows) if (row.projectId === projectId) n++
      return n
    }
    switch (resource) {
      case 'network': return owned(this.networks.values())
      case 'subnet': return owned(this.subnets.values())
      case 'port': return this.portIndex.portCount(projectId)
      case 'security_group': return owned(this.securityGroups.values())
      case 'security_group_rule': return owned(this.rules.values())
      default: return 0
    }
  }

  defaultSecurityGroupOf (projectId: string): SecurityGroupRow | undefined {
    return this.securityGroups.find(g => g.isDefault && g.projectId === projectId)
  }

  rulesOf (securityGroupId: string): SecurityGroupRuleRow[] {
    return this.rules.filter(r => r.securityGroupId === securityGroupId)
  }

  portsOnNetwork (networkId: string): PortRow[] {
    return this.ports.filter(p => p.networkId === networkId)
  }

  portsOnSubnet (subnetId: string): PortRow[] {
    return this.ports.filter(p => p.fixedIps.some(ip => ip.subnetId === subnetId))
  }

  subnetsOf (network: NetworkRow): SubnetRow[] {
    return network.subnetIds.map(id => this.subnets.get(id)).filter((s): s is SubnetRow => s !== undefined)
  }

  isMacInUse (mac: string): boolean {
    return this.portIndex.isMacInUse(mac)
  }

  /** True when an address is taken on a subnet. */
  isIpAllocated (subnetId: string, ip: string): boolean {
    const value = parseIp(ip)?.value
    return value !== undefined && this.portIndex.holderOf(subnetId, value) !== undefined
  }
}
