/**
 * Networks, as ML2 with OVN makes them: geneve segments with the lowest free VNI, MTU 1442,
 * ACTIVE at once, in the cloudlet's availability zone. Deleting a network takes its subnets
 * and Neutron's own ports with it, and is refused while other ports remain (NetworkInUse).
 */
import { NOT_SPECIFIED } from '../../openstack/network/attributes.ts'
import { invalidInput, networkInUse, networkNotFound, neutronFault } from '../../openstack/network/faults.ts'
import type { NetworkRow } from '../../openstack/network/model.ts'
import { NETWORK_ATTRIBUTES } from '../../openstack/network/schemas.ts'
import { networkView } from '../../openstack/network/views.ts'
import type { NetworkDeps } from './network-deps.ts'
import { canSeeNetwork, freshStandardAttributes, isOwner, revised } from './network-deps.ts'
import { NETWORK_OWNED_DEVICE_OWNERS } from './network-state.ts'
import type { ResourceSpec } from './resource-controller.ts'
import { ensureDefaultSecurityGroup } from './security-group-resources.ts'

/** The MTU of a geneve network under ML2/OVN with a 1500-byte underlay. */
const GENEVE_MTU = 1442
const NETWORK_TYPES = ['local', 'flat', 'vlan', 'vxlan', 'gre', 'geneve']

function given<T> (value: unknown, fallback: T): T {
  return value === NOT_SPECIFIED || value === undefined ? fallback : value as T
}

function checkMtu (mtu: number): void {
  if (mtu > GENEVE_MTU) throw invalidInput(`Requested MTU is too big, maximum is ${GENEVE_MTU}`)
}

function checkAvailabilityZones (deps: NetworkDeps, hints: readonly string[]): void {
  for (const zone of hints) {
    if (zone !== deps.settings.availabilityZone) {
      throw neutronFault(404, 'AvailabilityZoneNotFound', `AvailabilityZone ${zone} could not be found.`)
    }
  }
}

/** The lowest segmentation id no network uses, as the type driver allocates them. */
function lowestFreeSegment (deps: NetworkDeps): number {
  const used = new Set<number>()
  for (const n of deps.state.networks.values()) if (n.providerSegmentationId !== null) used.add(n.providerSegmentationId)
  let id = 1
  while (used.has(id)) id++
  return id
}

/** Creates a network row (used by the API and by auto-allocation). */
export function createNetwork (deps: NetworkDeps, item: Readonly<Record<string, unknown>>): NetworkRow {
  const projectId = String(item.project_id)
  ensureDefaultSecurityGroup(deps, projectId)
  const hints = given<string[]>(item.availability_zone_hints, [])
  checkAvailabilityZones(deps, hints)
  const mtu = given<number>(item.mtu, GENEVE_MTU)
  checkMtu(mtu)
  const networkType = given<string>(item['provider:network_type'], 'geneve')
  if (!NETWORK_TYPES.includes(networkType)) throw invalidInput(`network_type value '${networkType}' not supported`)
  const flat = networkType === 'flat' || networkType === 'local'
  const row: NetworkRow = {
    ...freshStandardAttributes(deps, projectId, given<string>(item.description, '')),
    name: given<string>(item.name, ''),
    adminStateUp: given<boolean>(item.admin_state_up, true),
    status: 'ACTIVE',
    shared: given<boolean>(item.shared, false),
    external: given<boolean>(item['router:external'], false),
    isDefault: given<boolean>(item.is_default, false),
    mtu,
    portSecurityEnabled: given<boolean>(item.port_security_enabled, true),
    availabilityZoneHints: hints,
    providerNetworkType: networkType,
    providerPhysicalNetwork: given<string | null>(item['provider:physical_network'], null),
    providerSegmentationId: flat ? null : given<number>(item['provider:segmentation_id'], lowestFreeSegment(deps)),
    subnetIds: []
  }
  return deps.state.networks.put(row)
}

/** Deletes a network with its subnets and Neutron-owned ports; NetworkInUse if other ports remain. */
export function deleteNetwork (deps: NetworkDeps, network: NetworkRow): void {
  const { state } = deps
  const ports = state.portsOnNetwork(network.id)
  if (ports.some(p => !NETWORK_OWNED_DEVICE_OWNERS.includes(p.deviceOwner))) throw networkInUse(network.id)
  for (const port of ports) state.ports.delete(port.id)
  for (const subnetId of network.subnetIds) state.subnets.delete(subnetId)
  for (const topology of state.topologies.filter(t => t.networkId === network.id)) state.topologies.delete(topology.id)
  state.networks.delete(network.id)
}

export function networkSpec (deps: NetworkDeps): ResourceSpec<NetworkRow> {
  const { state } = deps
  return {
    resource: 'network',
    collection: 'networks',
    idParam: 'network_id',
    quotaResource: 'network',
    attributes: NETWORK_ATTRIBUTES,
    table: state.networks,
    notFound: networkNotFound,
    canSee: canSeeNetwork,
    canModify: (row, caller) => isOwner(caller, row.projectId),
    view: row => networkView(row, [deps.settings.availabilityZone]),
    create: item => createNetwork(deps, item),
    update: (row, changes) => {
      if (changes.shared === false && row.shared) {
        const others = state.portsOnNetwork(row.id).some(p => p.projectId !== row.projectId) ||
          state.subnetsOf(row).some(s => s.projectId !== row.projectId)
        if (others) {
          throw neutronFault(409, 'InvalidSharedSetting', `Unable to reconfigure sharing settings for network ${row.id}. Multiple projects are using it.`)
        }
      }
      if (typeof changes.mtu === 'number') checkMtu(changes.mtu)
      return {
        ...row,
        name: given(changes.name, row.name),
        adminStateUp: given(changes.admin_state_up, row.adminStateUp),
        shared: given(changes.shared, row.shared),
        external: given(changes['router:external'], row.external),
        isDefault: given(changes.is_default, row.isDefault),
        mtu: given(changes.mtu, row.mtu),
        portSecurityEnabled: given(changes.port_security_enabled, row.portSecurityEnabled),
        description: given(changes.description, row.description),
        providerPhysicalNetwork: given(changes['provider:physical_network'], row.providerPhysicalNetwork),
        providerSegmentationId: given(changes['provider:segmentation_id'], row.providerSegmentationId)
      }
    },
    delete: row => { deleteNetwork(deps, row) }
  }
}

/** Records that a network's subnets changed: Neutron bumps the network's revision. */
export function touchNetwork (deps: NetworkDeps, networkId: string, subnetIds: readonly string[]): void {
  const network = deps.state.networks.get(networkId)
  if (network !== undefined) deps.state.networks.put(revised(deps, { ...network, subnetIds }))
}
