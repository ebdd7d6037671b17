/**
 * Neutron's faults by name: each factory makes the OpenStackFault a real Neutron raises in
 * that case, with the status its fault map gives, the exception class name as `type` (which
 * the NeutronError body carries) and the message neutron-lib formats. Webob exceptions raised
 * by the API layer keep webob's names (HTTPBadRequest, HTTPNotFound).
 */
import { OpenStackFault } from '../faults.ts'
import type { FaultStatus } from '../faults.ts'
import { pyRepr } from '../python-text.ts'

export function neutronFault (status: FaultStatus, type: string, message: string): OpenStackFault {
  return new OpenStackFault(status, message, { type })
}

/** webob.exc.HTTPBadRequest(msg): the API layer's own 400s. */
export const httpBadRequest = (message: string): OpenStackFault => neutronFault(400, 'HTTPBadRequest', message)

/** neutron_lib InvalidInput. */
export const invalidInput = (errorMessage: string): OpenStackFault =>
  neutronFault(400, 'InvalidInput', `Invalid input for operation: ${errorMessage}.`)

/** neutron_lib BadRequest(resource, msg). */
export const badRequest = (resource: string, msg: string): OpenStackFault =>
  neutronFault(400, 'BadRequest', `Bad ${resource} request: ${msg}.`)

export const httpNotFound = (message = 'The resource could not be found.'): OpenStackFault => neutronFault(404, 'HTTPNotFound', message)

export const networkNotFound = (id: string): OpenStackFault => neutronFault(404, 'NetworkNotFound', `Network ${id} could not be found.`)
export const subnetNotFound = (id: string): OpenStackFault => neutronFault(404, 'SubnetNotFound', `Subnet ${id} could not be found.`)
export const portNotFound = (id: string): OpenStackFault => neutronFault(404, 'PortNotFound', `Port ${id} could not be found.`)
export const securityGroupNotFound = (id: string): OpenStackFault => neutronFault(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`)
export const securityGroupRuleNotFound = (id: string): OpenStackFault => neutronFault(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`)
export const tagResourceNotFound = (resource: string, id: string): OpenStackFault =>
  neutronFault(404, 'TagResourceNotFound', `Resource ${resource} ${id} could not be found.`)
export const tagNotFound = (tag: string): OpenStackFault => neutronFault(404, 'TagNotFound', `Tag ${tag} could not be found.`)

export const networkInUse = (id: string): OpenStackFault =>
  neutronFault(409, 'NetworkInUse', `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`)
export const subnetInUse = (id: string): OpenStackFault =>
  neutronFault(409, 'SubnetInUse', `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`)
export const securityGroupInUse = (id: string): OpenStackFault => neutronFault(409, 'SecurityGroupInUse', `Security Group ${id} in use.`)
export const securityGroupCannotRemoveDefault = (): OpenStackFault =>
  neutronFault(409, 'SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.')
export const securityGroupCannotUpdateDefault = (): OpenStackFault =>
  neutronFault(409, 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.')
export const securityGroupDefaultAlreadyExists = (): OpenStackFault =>
  neutronFault(409, 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.')
export const securityGroupRuleExists = (ruleId: string): OpenStackFault =>
  neutronFault(409, 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${ruleId}.`)
export const duplicateSecurityGroupRuleInPost = (): OpenStackFault =>
  neutronFault(409, 'DuplicateSecurityGroupRuleInPost', 'Duplicate Security Group Rule in POST.')

/** neutron_lib OverQuota; `overs` is printed as the sorted Python list it is. */
export const overQuota = (overs: readonly string[]): OpenStackFault =>
  neutronFault(409, 'OverQuota', `Quota exceeded for resources: ${pyRepr([...overs].sort())}.`)

export const ipAddressAlreadyAllocated = (ip: string, subnetId: string): OpenStackFault =>
  neutronFault(409, 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnetId}`)
export const ipAddressGenerationFailure = (networkId: string): OpenStackFault =>
  neutronFault(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`)
export const invalidIpForSubnet = (ip: string): OpenStackFault =>
  neutronFault(400, 'InvalidIpForSubnet', `IP address ${ip} is not a valid IP for the specified subnet.`)
export const invalidIpForNetwork = (ip: string): OpenStackFault =>
  neutronFault(400, 'InvalidIpForNetwork', `IP address ${ip} is not a valid IP for any of the subnets on the specified network.`)
export const macAddressInUse = (networkId: string, mac: string): OpenStackFault =>
  neutronFault(409, 'MacAddressInUse', `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`)
export const invalidAllocationPool = (pool: string): OpenStackFault =>
  neutronFault(400, 'InvalidAllocationPool', `The allocation pool ${pool} is not valid.`)
export const overlappingAllocationPools = (pool1: string, pool2: string, cidr: string): OpenStackFault =>
  neutronFault(409, 'OverlappingAllocationPools', `Found overlapping allocation pools: ${pool1} ${pool2} for subnet ${cidr}.`)
export const outOfBoundsAllocationPool = (pool: string, cidr: string): OpenStackFault =>
  neutronFault(400, 'OutOfBoundsAllocationPool', `The allocation pool ${pool} spans beyond the subnet cidr ${cidr}.`)
export const gatewayConflictWithAllocationPools = (ip: string, pool: string): OpenStackFault =>
  neutronFault(409, 'GatewayConflictWithAllocationPools', `Gateway ip ${ip} conflicts with allocation pool ${pool}.`)

/** oslo.policy's PolicyNotAuthorized: `rule` is the check as oslo prints it. */
export const policyNotAuthorized = (rule: string): OpenStackFault => neutronFault(403, 'PolicyNotAuthorized', `${rule} is disallowed by policy`)
export const notAuthorized = (): OpenStackFault => neutronFault(403, 'NotAuthorized', 'Not authorized.')

export const revisionNumberConstraintFailed = (expected: number, current: number): OpenStackFault =>
  neutronFault(412, 'RevisionNumberConstraintFailed', `Constrained to ${expected}, but current revision is ${current}`)
