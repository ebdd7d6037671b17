/**
 * Neutron's fault envelope, `{"NeutronError": {"type", "message", "detail": ""}}`, which
 * neutron.api.api_common.convert_exception_to_http_exc builds for every error of the v2.0
 * API, routing errors (pecan's 404 and 405) included. A fault with no Neutron type gets the
 * name of the webob exception Neutron would have raised for its status.
 */
import type { HttpResponse } from '../../core/http.ts'
import { jsonResponse } from '../../core/http.ts'
import type { OpenStackFault } from '../faults.ts'

/** webob's exception names, by status, for faults that carry no Neutron type. */
const WEBOB_NAMES: Record<number, string> = {
  400: 'HTTPBadRequest',
  401: 'HTTPUnauthorized',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  405: 'HTTPMethodNotAllowed',
  409: 'HTTPConflict',
  412: 'HTTPPreconditionFailed',
  413: 'HTTPRequestEntityTooLarge',
  415: 'HTTPUnsupportedMediaType',
  500: 'HTTPInternalServerError',
  501: 'HTTPNotImplemented',
  503: 'HTTPServiceUnavailable'
}

/**
 * Messages Neutron gives where the fault's own wording is the host's: pecan.abort(405) has
 * webob's generic client-error explanation, and a 500 never shows its cause.
 */
const FIXED_MESSAGES: Record<number, string> = {
  405: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  500: 'Request Failed: internal server error while processing your request.'
}

export interface NeutronErrorBody {
  readonly NeutronError: { readonly type: string, readonly message: string, readonly detail: string }
}

export function networkFaultBody (fault: OpenStackFault): NeutronErrorBody {
  const type = fault.type ?? WEBOB_NAMES[fault.status] ?? 'HTTPError'
  const message = fault.type === undefined ? (FIXED_MESSAGES[fault.status] ?? fault.message) : fault.message
  return { NeutronError: { type, message, detail: '' } }
}

export function renderNetworkFault (fault: OpenStackFault): HttpResponse {
  return jsonResponse(fault.status, networkFaultBody(fault))
}
