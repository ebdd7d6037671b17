/**
 * What Nova answers when a server cannot be placed, word for word, so that the emulated Nova
 * and the agent (which places servers across cloudlets) answer alike. Checked against Nova's
 * source (nova/compute/api.py, nova/exception.py, nova/scheduler/manager.py,
 * nova/api/openstack/compute/servers.py):
 *
 * - An availability zone that no host is in: 400 `{"badRequest": {"code": 400, "message":
 *   "The requested availability zone is not available"}}` (InvalidRequest, raised by
 *   API.create only when no host is forced: a `zone:host` form skips the check).
 * - An availability_zone with more than two colons: 400 "Invalid input received: Unable to
 *   parse availability_zone" (InvalidInput from parse_availability_zone).
 * - No host for the server: the create still answers 202; the server then goes to ERROR with
 *   the fault `{"code": 500, "message": "No valid host was found. …"}` (NoValidHost, whose
 *   msg_fmt is "No valid host was found. %(reason)s"). The reason is empty when Placement
 *   returned no allocation candidates (no host has room: the message ends with a space), and
 *   "There are not enough hosts available." when the scheduler's filters (same_host,
 *   different_host, a forced host, server group policies) left fewer hosts than servers.
 *   The fault's `details` (a traceback) is shown to admins only, as for any fault with code 500.
 */
import { BadRequest } from '../../faults.ts'

export const AVAILABILITY_ZONE_NOT_AVAILABLE = 'The requested availability zone is not available'
export const AVAILABILITY_ZONE_UNPARSABLE = 'Invalid input received: Unable to parse availability_zone'
export const HOST_MECHANISMS_EXCLUSIVE = 'One mechanism with host and/or hypervisor_hostname and another mechanism with zone:host:node are mutually exclusive.'

/** NoValidHost(reason="") after Placement found no allocation candidates. */
export const NO_VALID_HOST_NO_CANDIDATES = 'No valid host was found. '
/** NoValidHost after the filters left fewer hosts than servers (_ensure_sufficient_hosts). */
export const NO_VALID_HOST_NOT_ENOUGH_HOSTS = 'No valid host was found. There are not enough hosts available.'

/** Why no host was found: no room anywhere (Placement), or the filters ruled every host out. */
export type NoValidHostReason = 'no-capacity' | 'filtered'

export function noValidHostMessage (reason: NoValidHostReason): string {
  return reason === 'no-capacity' ? NO_VALID_HOST_NO_CANDIDATES : NO_VALID_HOST_NOT_ENOUGH_HOSTS
}

/** The fault a server gets when it goes to ERROR for want of a host (shape of ServerRow.fault). */
export function noValidHostFault (reason: NoValidHostReason, createdAtMs: number, details = ''): { code: 500, message: string, details: string, createdAtMs: number } {
  return { code: 500, message: noValidHostMessage(reason), details, createdAtMs }
}

export function availabilityZoneNotAvailable (): BadRequest {
  return new BadRequest(AVAILABILITY_ZONE_NOT_AVAILABLE)
}

export function availabilityZoneUnparsable (): BadRequest {
  return new BadRequest(AVAILABILITY_ZONE_UNPARSABLE)
}

/** ComputeHostNotFound, for 2.74's `host`/`hypervisor_hostname` naming no compute node. */
export function computeHostNotFound (host: string): BadRequest {
  return new BadRequest(`Compute host ${host} could not be found.`)
}

/** InstanceGroupNotFound, which the create turns into a 400. */
export function instanceGroupNotFound (groupId: string): BadRequest {
  return new BadRequest(`Instance group ${groupId} could not be found.`)
}

export function hostMechanismsExclusive (): BadRequest {
  return new BadRequest(HOST_MECHANISMS_EXCLUSIVE)
}
