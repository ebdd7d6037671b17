/**
 * What the emulated Nova asks of the emulated Neutron when it builds and deletes servers —
 * the in-process equivalent of nova/network/neutron.py. Neutron implements it; Nova maps the
 * typed errors below to its own faults (the mapping is in compute/, next to the handler).
 */
import type { AuthContext } from '../../openstack/identity/auth-context.ts'

/** One NIC of a server, as Nova's network info cache keeps it. */
export interface AllocatedPort {
  readonly id: string
  readonly networkId: string
  readonly networkName: string
  readonly macAddress: string
  readonly fixedIps: ReadonlyArray<{ readonly subnetId: string, readonly ipAddress: string, readonly version: 4 | 6 }>
  /** True if Neutron created the port for this server (deleted with it); false for a port the user gave. */
  readonly createdForServer: boolean
}

/**
 * The server create request's `networks`:
 * - null: absent (below 2.37) — the one network available to the project if there is exactly one,
 *   NetworkAmbiguousError if several, no NIC if none;
 * - 'auto' (2.37+): the same, but with none, an auto-allocated network (Neutron's
 *   auto-allocated-topology) is created and used;
 * - 'none': no NIC;
 * - a list: one NIC per entry, from a network (with an optional fixed IP) or an existing port.
 * "Available to the project" means the project's own networks and shared ones, not external ones.
 */
export type RequestedNetworks =
  | null
  | 'auto'
  | 'none'
  | ReadonlyArray<{ readonly uuid?: string, readonly port?: string, readonly fixedIp?: string, readonly tag?: string }>

export interface AllocateRequest {
  readonly auth: AuthContext
  /** The project that owns the server (and so the ports). */
  readonly projectId: string
  readonly serverId: string
  /** The compute host the server landed on: binding:host_id. */
  readonly host: string
  readonly availabilityZone: string
  readonly requested: RequestedNetworks
  /** Security group names or ids (OSC sends ids in `name`); null means the project's "default". */
  readonly securityGroups: readonly string[] | null
}

export interface ComputeNetworking {
  /**
   * Checks the request and creates or binds every port of a new server, all or nothing: on
   * any error nothing is left created or bound. Ports get device_id = serverId, device_owner
   * 'compute:<az>', binding:host_id = host, status ACTIVE.
   */
  allocateForServer(request: AllocateRequest): AllocatedPort[]
  /** Checks a request without creating anything (Nova validates at the API, before it answers 202). Same errors as allocateForServer. */
  validateForServer(request: AllocateRequest): void
  /** Deletes the ports made for the server and unbinds the ones the user gave. Idempotent. */
  deallocateForServer(serverId: string): void
  /** The server's ports now (for os-interface, and to refresh addresses). */
  portsOfServer(serverId: string): AllocatedPort[]
  /** Security group names of the server's ports, for the server view; [] with no ports. */
  securityGroupNamesOfServer(serverId: string): string[]
  /** Resolves security group names or ids for a project; throws SecurityGroupNotFoundError. Returns names. */
  resolveSecurityGroups(auth: AuthContext, projectId: string, namesOrIds: readonly string[]): string[]
}

/** Base of the errors ComputeNetworking throws; each names what Nova needs for its message. */
export class NetworkingError extends Error {
  constructor (message: string) {
    super(message)
    this.name = new.target.name
  }
}

export class NetworkNotFoundError extends NetworkingError {
  readonly networkId: string
  constructor (networkId: string) { super(`Network ${networkId} could not be found.`); this.networkId = networkId }
}

export class PortNotFoundError extends NetworkingError {
  readonly portId: string
  constructor (portId: string) { super(`Port ${portId} could not be found.`); this.portId = portId }
}

export class PortInUseError extends NetworkingError {
  readonly portId: string
  constructor (portId: string) { super(`Port ${portId} is still in use.`); this.portId = portId }
}

export class NetworkAmbiguousError extends NetworkingError {
  constructor () { super('Multiple possible networks found, use a Network ID to be more specific.') }
}

export class NetworkRequiresSubnetError extends NetworkingError {
  readonly networkId: string
  constructor (networkId: string) { super(`Network ${networkId} requires a subnet in order to boot instances on.`); this.networkId = networkId }
}

export class SecurityGroupNotFoundError extends NetworkingError {
  readonly securityGroup: string
  readonly projectId: string
  constructor (securityGroup: string, projectId: string) {
    super(`Security group ${securityGroup} not found for project ${projectId}.`)
    this.securityGroup = securityGroup
    this.projectId = projectId
  }
}

export class FixedIpInUseError extends NetworkingError {
  readonly address: string
  constructor (address: string, networkId: string) { super(`Fixed IP address ${address} is already in use on instance ${networkId}.`); this.address = address }
}

export class InvalidFixedIpError extends NetworkingError {
  readonly address: string
  constructor (address: string) { super(`Fixed IP ${address} is not a valid ip address.`); this.address = address }
}

export class NoMoreAddressesError extends NetworkingError {
  readonly networkId: string
  constructor (networkId: string) { super(`No more IP addresses available on network ${networkId}.`); this.networkId = networkId }
}

export class PortLimitExceededError extends NetworkingError {
  constructor () { super('Maximum number of ports exceeded') }
}
