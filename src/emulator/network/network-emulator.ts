/**
 * The emulated Neutron v2.0 (networks, subnets with IPAM, ports, security groups and rules,
 * tags, extensions, quotas, auto-allocated topology), served under /networking, and the
 * ComputeNetworking it offers the emulated Nova. Every call by a project makes sure the
 * project has its "default" security group first, as Neutron does on first use.
 */
import type { Clock, Logger, Random, Store } from '../../core/ports.ts'
import { renderNetworkFault } from '../../openstack/network/fault-body.ts'
import { httpBadRequest } from '../../openstack/network/faults.ts'
import type { StandardAttributes } from '../../openstack/network/model.ts'
import { NETWORK_COLLECTIONS, NETWORK_ROUTES, TAGGED_COLLECTIONS, stripJsonSuffix } from '../../openstack/network/routes.ts'
import { compileRoutes } from '../../openstack/route-table.ts'
import type { RouteHandler, ServiceApi } from '../service-host.ts'
import type { TimeDriven } from '../time-driven.ts'
import { autoAllocationHandlers } from './auto-allocation.ts'
import type { ComputeNetworking } from './compute-networking.ts'
import { discoveryHandlers } from './discovery-handlers.ts'
import { emulatedComputeNetworking } from './emulated-compute-networking.ts'
import { Ipam } from './ipam.ts'
import type { NetworkDeps } from './network-deps.ts'
import { networkSpec } from './network-resources.ts'
import { NetworkState } from './network-state.ts'
import { portSpec } from './port-resources.ts'
import { quotaHandlers } from './quota-handlers.ts'
import type { ResourceSpec } from './resource-controller.ts'
import { resourceHandlers } from './resource-controller.ts'
import { securityGroupRuleSpec } from './security-group-rule-resources.ts'
import { ensureDefaultSecurityGroup, securityGroupSpec } from './security-group-resources.ts'
import { subnetSpec } from './subnet-resources.ts'
import { tagHandlers } from './tag-handlers.ts'

/** The default [oslo_middleware] max_request_body_size. */
export const NETWORK_MAX_BODY_BYTES = 114_688

export interface NetworkEmulatorPorts {
  readonly clock: Clock
  readonly random: Random
  readonly store: Store
  readonly logger: Logger
}

export interface NetworkEmulatorSettings {
  /** The availability zone of the cloudlet (network availability_zones, port device_owner). */
  readonly availabilityZone: string
}

export interface EmulatedNetwork {
  readonly api: ServiceApi
  readonly forCompute: ComputeNetworking
  readonly timeDriven: TimeDriven | null
  readonly state: NetworkState
}

const routes = compileRoutes(NETWORK_ROUTES)

/** Runs a handler after making sure the calling project has its default security group. */
function withDefaultSecurityGroup (deps: NetworkDeps, handler: RouteHandler): RouteHandler {
  return context => {
    const projectId = context.authOrNull?.project?.id
    if (projectId !== undefined) deps.state.atomically(() => ensureDefaultSecurityGroup(deps, projectId))
    return handler(context)
  }
}

export function createEmulatedNetwork (ports: NetworkEmulatorPorts, settings: NetworkEmulatorSettings): EmulatedNetwork {
  const state = new NetworkState(ports.store)
  const deps: NetworkDeps = { state, clock: ports.clock, random: ports.random, logger: ports.logger, settings }
  const ipam = new Ipam(state)
  const specs: Record<string, ResourceSpec<StandardAttributes>> = {
    [NETWORK_COLLECTIONS.networks.name]: networkSpec(deps) as unknown as ResourceSpec<StandardAttributes>,
    [NETWORK_COLLECTIONS.subnets.name]: subnetSpec(deps) as unknown as ResourceSpec<StandardAttributes>,
    [NETWORK_COLLECTIONS.ports.name]: portSpec(deps, ipam) as unknown as ResourceSpec<StandardAttributes>,
    [NETWORK_COLLECTIONS['security-groups'].name]: securityGroupSpec(deps) as unknown as ResourceSpec<StandardAttributes>,
    [NETWORK_COLLECTIONS['security-group-rules'].name]: securityGroupRuleSpec(deps) as unknown as ResourceSpec<StandardAttributes>
  }
  const handlers: Record<string, RouteHandler> = {
    ...discoveryHandlers(deps),
    ...quotaHandlers(deps),
    ...autoAllocationHandlers(deps)
  }
  for (const [routeName, spec] of Object.entries(specs)) Object.assign(handlers, resourceHandlers(deps, spec, routeName))
  for (const segment of TAGGED_COLLECTIONS) {
    const { name } = NETWORK_COLLECTIONS[segment]
    Object.assign(handlers, tagHandlers(deps, { routeName: name, collection: segment.replace('-', '_'), spec: specs[name] as ResourceSpec<StandardAttributes> }))
  }
  const authenticated = new Set(NETWORK_ROUTES.filter(r => r.authenticated !== false).map(r => r.name))
  for (const name of authenticated) {
    const handler = handlers[name]
    if (handler !== undefined) handlers[name] = withDefaultSecurityGroup(deps, handler)
  }

  const api: ServiceApi = {
    type: 'network',
    routes,
    handlers,
    maxBodyBytes: NETWORK_MAX_BODY_BYTES,
    authBeforeRouting: true,
    renderFault: fault => renderNetworkFault(fault),
    malformedBody: () => httpBadRequest('Body contains invalid data'),
    invalidInput: problem => httpBadRequest(problem.detail),
    normalizePath: stripJsonSuffix
  }
  return { api, forCompute: emulatedComputeNetworking(deps, ipam), timeDriven: null, state }
}
