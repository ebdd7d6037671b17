/**
 * ComputeNetworking as the emulated Neutron provides it to the emulated Nova: the work of
 * nova/network/neutron.py (pick or auto-allocate the network, create or bind the ports,
 * resolve security groups) done in process, all or nothing, with Neutron's faults turned into
 * the typed errors Nova maps to its own messages.
 */
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { OpenStackFault } from '../../openstack/faults.ts'
import { parseIp } from '../../openstack/network/ip.ts'
import type { NetworkRow, PortRow, SecurityGroupRow } from '../../openstack/network/model.ts'
import type { AllocateRequest, AllocatedPort, ComputeNetworking } from './compute-networking.ts'
import {
  FixedIpInUseError, InvalidFixedIpError, NetworkAmbiguousError, NetworkNotFoundError, NetworkRequiresSubnetError, NoMoreAddressesError,
  PortInUseError, PortLimitExceededError, PortNotFoundError, SecurityGroupNotFoundError
} from './compute-networking.ts'
import { autoAllocatedNetwork } from './auto-allocation.ts'
import type { Ipam } from './ipam.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { callerOfAuth, canSeeNetwork, canSeePort, revised } from './network-deps.ts'
import { createPort } from './port-resources.ts'
import { ensureDefaultSecurityGroup } from './security-group-resources.ts'

/** Thrown inside a journal to undo a dry run. */
const DRY_RUN = Symbol('dry run')

function allocatedPort (deps: NetworkDeps, port: PortRow): AllocatedPort {
  const network = deps.state.networks.get(port.networkId)
  return {
    id: port.id,
    networkId: port.networkId,
    networkName: network?.name ?? '',
    macAddress: port.macAddress,
    fixedIps: port.fixedIps.map(f => ({ subnetId: f.subnetId, ipAddress: f.ipAddress, version: parseIp(f.ipAddress)?.version ?? 4 })),
    createdForServer: port.createdForServerId !== null
  }
}

export function emulatedComputeNetworking (deps: NetworkDeps, ipam: Ipam): ComputeNetworking {
  const { state } = deps

  const findGroup = (nameOrId: string, projectId: string, caller: Caller): SecurityGroupRow => {
    if (nameOrId === 'default') return ensureDefaultSecurityGroup(deps, projectId)
    const byId = state.securityGroups.get(nameOrId)
    if (byId !== undefined && (byId.projectId === projectId || caller.isAdmin)) return byId
    const byName = state.securityGroups.find(g => g.projectId === projectId && g.name === nameOrId)
    if (byName === undefined) throw new SecurityGroupNotFoundError(nameOrId, projectId)
    return byName
  }

  /** The networks Nova may choose from: the project's own and shared ones, not external ones. */
  const availableNetworks = (projectId: string): NetworkRow[] =>
    state.networks.filter(n => (n.projectId === projectId || n.shared) && !n.external)

  const requireSubnet = (network: NetworkRow): NetworkRow => {
    if (network.subnetIds.length === 0) throw new NetworkRequiresSubnetError(network.id)
    return network
  }

  /** Neutron's fault for a port Nova wanted, as the error Nova expects. */
  const translated = (error: unknown, network: NetworkRow, fixedIp: string | undefined): unknown => {
    if (!(error instanceof OpenStackFault)) return error
    switch (error.type) {
      case 'IpAddressAlreadyAllocated': return new FixedIpInUseError(fixedIp ?? '', network.id)
      case 'InvalidIpForNetwork':
      case 'InvalidIpForSubnet': return new InvalidFixedIpError(fixedIp ?? '')
      case 'IpAddressGenerationFailure': return new NoMoreAddressesError(network.id)
      default: return error
    }
  }

  const newPort = (request: AllocateRequest, caller: Caller, network: NetworkRow, securityGroupIds: string[], fixedIp: string | undefined): PortRow => {
    const limit = state.quotaLimit(request.projectId, 'port')
    if (limit >= 0 && state.usage(request.projectId, 'port') + 1 > limit) throw new PortLimitExceededError()
    if (fixedIp !== undefined && parseIp(fixedIp) === null) throw new InvalidFixedIpError(fixedIp)
    const item: Record<string, unknown> = {
      network_id: network.id,
      project_id: request.projectId,
      tenant_id: request.projectId,
      device_id: request.serverId,
      device_owner: `compute:${request.availabilityZone}`,
      'binding:host_id': request.host
    }
    if (network.portSecurityEnabled) item.security_groups = securityGroupIds
    if (fixedIp !== undefined) item.fixed_ips = [{ ip_address: fixedIp }]
    try {
      return createPort(deps, ipam, item, caller, { createdForServerId: request.serverId })
    } catch (error) {
      throw translated(error, network, fixedIp)
    }
  }

  const bindPort = (request: AllocateRequest, caller: Caller, portId: string): PortRow => {
    const port = state.ports.get(portId)
    if (port === undefined || !canSeePort(deps, port, caller)) throw new PortNotFoundError(portId)
    if (port.deviceId !== '') throw new PortInUseError(portId)
    return state.ports.put(revised(deps, {
      ...port,
      deviceId: request.serverId,
      deviceOwner: `compute:${request.availabilityZone}`,
      bindingHostId: request.host,
      status: 'ACTIVE'
    }))
  }

  const allocate = (request: AllocateRequest): AllocatedPort[] => {
    const caller = callerOfAuth(request.auth)
    const groupIds = (request.securityGroups ?? ['default']).map(g => findGroup(g, request.projectId, caller).id)
    const requested = request.requested
    if (requested === 'none') return []
    if (requested === null || requested === 'auto') {
      const networks = availableNetworks(request.projectId)
      if (networks.length > 1) throw new NetworkAmbiguousError()
      let network = networks[0]
      if (network === undefined) {
        if (requested === null) return []
        network = autoAllocatedNetwork(deps, request.projectId, caller)
      }
      return [allocatedPort(deps, newPort(request, caller, requireSubnet(network), groupIds, undefined))]
    }
    const ports: AllocatedPort[] = []
    for (const entry of requested) {
      if (entry.port !== undefined) {
        ports.push(allocatedPort(deps, bindPort(request, caller, entry.port)))
        continue
      }
      const network = entry.uuid === undefined ? undefined : state.networks.get(entry.uuid)
      if (network === undefined || !canSeeNetwork(network, caller)) throw new NetworkNotFoundError(entry.uuid ?? '')
      ports.push(allocatedPort(deps, newPort(request, caller, requireSubnet(network), groupIds, entry.fixedIp)))
    }
    return ports
  }

  const serverPorts = (serverId: string): PortRow[] => state.ports.filter(p => p.deviceId === serverId)

  return {
    allocateForServer: request => state.atomically(() => allocate(request)),
    validateForServer: request => {
      try {
        state.atomically(() => {
          allocate(request)
          throw DRY_RUN
        })
      } catch (error) {
        if (error !== DRY_RUN) throw error
      }
    },
    deallocateForServer: serverId => {
      state.atomically(() => {
        for (const port of state.ports.filter(p => p.deviceId === serverId || p.createdForServerId === serverId)) {
          if (port.createdForServerId === serverId) {
            state.ports.delete(port.id)
          } else {
            state.ports.put(revised(deps, { ...port, deviceId: '', deviceOwner: '', bindingHostId: '', status: 'DOWN' }))
          }
        }
      })
    },
    portsOfServer: serverId => serverPorts(serverId).map(port => allocatedPort(deps, port)),
    securityGroupNamesOfServer: serverId => {
      const names: string[] = []
      for (const port of serverPorts(serverId)) {
        for (const id of port.securityGroupIds) {
          const name = state.securityGroups.get(id)?.name
          if (name !== undefined && !names.includes(name)) names.push(name)
        }
      }
      return names
    },
    resolveSecurityGroups: (auth: AuthContext, projectId: string, namesOrIds: readonly string[]) => {
      const caller = callerOfAuth(auth)
      return state.atomically(() => namesOrIds.map(g => findGroup(g, projectId, caller).name))
    }
  }
}
