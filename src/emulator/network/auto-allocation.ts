/**
 * Neutron's auto-allocated topology ("get me a network"): the first request for a project
 * makes a network "auto_allocated_network" with an IPv4 subnet "auto_allocated_subnet_v4"
 * and every later one returns the same network. Real Neutron carves the subnet from a
 * default subnet pool and adds a router to an external network; here the subnet is the
 * lowest free /24 of 10.128.0.0/9 (unique per project in the cloudlet) and there is no
 * router, since connectivity beyond the cloudlet is out of scope.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { parseFields } from '../../openstack/network/collection-query.ts'
import { badRequest, neutronFault, notAuthorized } from '../../openstack/network/faults.ts'
import type { NetworkRow } from '../../openstack/network/model.ts'
import type { RouteHandler } from '../service-host.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { callerOf } from './network-deps.ts'
import { createNetwork, deleteNetwork } from './network-resources.ts'
import { createSubnet } from './subnet-resources.ts'

const SLOTS = 1 << 15

/** The CIDR of an auto-allocation slot: 10.128.0.0/24, 10.128.1.0/24, … 10.255.255.0/24. */
function autoAllocationCidr (slot: number): string {
  return `10.${128 + (slot >> 8)}.${slot & 255}.0/24`
}

/** The project's auto-allocated network, made (network and subnet) on first use. */
export function autoAllocatedNetwork (deps: NetworkDeps, projectId: string, caller: Caller): NetworkRow {
  const { state } = deps
  const existing = state.topologies.get(projectId)
  const known = existing === undefined ? undefined : state.networks.get(existing.networkId)
  if (known !== undefined) return known
  return state.atomically(() => {
    const used = new Set(state.topologies.filter(t => t.id !== projectId).map(t => t.slot))
    let slot = 0
    while (used.has(slot)) slot++
    if (slot >= SLOTS) throw neutronFault(409, 'AutoAllocationFailure', 'Deployment error: No more address space for auto-allocated networks.')
    const network = createNetwork(deps, { project_id: projectId, tenant_id: projectId, name: 'auto_allocated_network', admin_state_up: true })
    const owner: Caller = { ...caller, isAdmin: true }
    createSubnet(deps, {
      project_id: projectId,
      tenant_id: projectId,
      network_id: network.id,
      name: 'auto_allocated_subnet_v4',
      ip_version: 4,
      cidr: autoAllocationCidr(slot),
      enable_dhcp: true
    }, owner)
    state.topologies.put({ id: projectId, networkId: network.id, slot })
    return state.networks.get(network.id) as NetworkRow
  })
}

export function autoAllocationHandlers (deps: NetworkDeps): Record<string, RouteHandler> {
  const projectOf = (requested: string, caller: Caller): string => {
    const projectId = requested === 'None' ? caller.projectId ?? '' : requested
    if (!caller.isAdmin && projectId !== caller.projectId) throw notAuthorized()
    return projectId
  }
  return {
    'auto-allocated-topology:show': context => {
      const caller = callerOf(context)
      const projectId = projectOf(context.param('project_id'), caller)
      const fields = parseFields(context.query) ?? []
      if (fields.includes('dry-run')) return jsonResponse(200, { auto_allocated_topology: { id: 'dry-run=pass', tenant_id: projectId } })
      if (fields.length > 0) throw badRequest('auto_allocate', 'Unrecognized field')
      const network = autoAllocatedNetwork(deps, projectId, caller)
      return jsonResponse(200, { auto_allocated_topology: { id: network.id, tenant_id: projectId, project_id: projectId } })
    },
    'auto-allocated-topology:delete': context => {
      const caller = callerOf(context)
      const projectId = projectOf(context.param('project_id'), caller)
      const topology = deps.state.topologies.get(projectId)
      if (topology === undefined) throw neutronFault(404, 'NotFound', 'An unknown exception occurred.')
      deps.state.atomically(() => {
        const network = deps.state.networks.get(topology.networkId)
        if (network !== undefined) deleteNetwork(deps, network)
        deps.state.topologies.delete(projectId)
      })
      return emptyResponse(204)
    }
  }
}
