/**
 * The agent's own faults, in the envelope of the service the client called, so a client cannot
 * tell the agent's refusal from the service's: Nova's {"<faultName>": {code, message}}, Neutron's
 * {"NeutronError": {type, message, detail}}, Glance's WebOb text or HTML after the Accept header,
 * Keystone's {"error": {code, title, message}}, Placement's {"errors": [...]}. The renderers are
 * the emulator's own (src/openstack/<service>/fault-body.ts). The commonest fault is a 503 for a
 * cloudlet that does not answer: cloudletUnavailable says which object and which agent.
 *
 * A path no route knows is best forwarded to the agent's own cloudlet, which answers it exactly
 * as the service would (Nova's bare WebOb 404, Keystone's 401 before routing, and so on).
 */
import type { HttpRequest, HttpResponse } from '../core/http.ts'
import type { OpenStackFault } from '../openstack/faults.ts'
import { ServiceUnavailable } from '../openstack/faults.ts'
import { renderComputeFault } from '../openstack/compute/fault-body.ts'
import { renderIdentityFault } from '../openstack/identity/fault-body.ts'
import { renderImageFault } from '../openstack/image/fault-body.ts'
import { renderNetworkFault } from '../openstack/network/fault-body.ts'
import { renderPlacementFault } from '../openstack/placement/fault-body.ts'
import type { ProxiedService } from './classify.ts'

export interface ProxyFaultContext {
  /** The request being answered (Glance renders after its Accept header and method). */
  readonly request: HttpRequest
  /** The agent's identity endpoint, named by Keystone's 401 (e.g. 'http://127.0.0.1:8000/identity'). */
  readonly identityUrl: string
  /** The request id, for Placement's envelope. */
  readonly requestId: string
}

/** A fault as the called service renders it. */
export function renderProxyFault (service: ProxiedService, fault: OpenStackFault, context: ProxyFaultContext): HttpResponse {
  switch (service) {
    case 'compute': return renderComputeFault(fault)
    case 'network': return renderNetworkFault(fault)
    case 'image': return renderImageFault(fault, context.request)
    case 'identity': return renderIdentityFault(fault, context.identityUrl)
    case 'placement': return renderPlacementFault(fault, context.requestId, true)
  }
}

/** What could not be reached: the object the call is about and the agent of the cloudlet that holds it. */
export interface UnreachableTarget {
  /** 'server', 'image', 'network'… */
  readonly resource: string
  /** The object's id; absent for a create (the cloudlet chosen for a new object). */
  readonly id?: string
  readonly agentId: string
}

export function cloudletUnavailableMessage (target: UnreachableTarget): string {
  const what = target.id === undefined ? `chosen for the new ${target.resource}` : `holding ${target.resource} ${target.id}`
  return `The cloudlet ${what} (agent ${target.agentId}) is not reachable; try again later.`
}

/** The 503 fault for an unreachable cloudlet (Nova's serviceUnavailable, Neutron's HTTPServiceUnavailable…). */
export function cloudletUnavailableFault (target: UnreachableTarget): ServiceUnavailable {
  return new ServiceUnavailable(cloudletUnavailableMessage(target))
}

/** The 503 response for an unreachable cloudlet, in the called service's envelope. */
export function cloudletUnavailable (service: ProxiedService, target: UnreachableTarget, context: ProxyFaultContext): HttpResponse {
  return renderProxyFault(service, cloudletUnavailableFault(target), context)
}
