/**
 * Nova's answers to what Neutron refuses while a server is being created: the errors of
 * ComputeNetworking, turned into the faults nova-api returns for them.
 */
import { BadRequest, Conflict, Forbidden } from '../../openstack/faults.ts'
import type { OpenStackFault } from '../../openstack/faults.ts'
import {
  FixedIpInUseError, InvalidFixedIpError, NetworkAmbiguousError, NetworkingError, NetworkNotFoundError,
  NetworkRequiresSubnetError, PortInUseError, PortLimitExceededError, PortNotFoundError, SecurityGroupNotFoundError
} from '../network/compute-networking.ts'

/** The fault for a networking error at the API, or null for an error Nova raises only later, at build time. */
export function networkingFault (error: unknown): OpenStackFault | null {
  if (!(error instanceof NetworkingError)) return null
  if (error instanceof PortInUseError || error instanceof NetworkAmbiguousError) return new Conflict(error.message)
  if (error instanceof PortLimitExceededError) return new Forbidden(error.message)
  if (error instanceof NetworkNotFoundError || error instanceof PortNotFoundError || error instanceof NetworkRequiresSubnetError ||
      error instanceof SecurityGroupNotFoundError || error instanceof FixedIpInUseError || error instanceof InvalidFixedIpError) {
    return new BadRequest(error.message)
  }
  return null
}
