/**
 * Placement's error envelope, `{"errors": [{"status", "title", "detail", "request_id", "code"}]}`:
 * WebOb's body run through placement's json_error_formatter, so `detail` is WebOb's default
 * explanation, a blank line and the message, with WebOb's spacing; `code` from microversion 1.23.
 */
import type { HttpResponse } from '../../core/http.ts'
import { jsonResponse } from '../../core/http.ts'
import type { OpenStackFault } from '../faults.ts'
import { reasonPhrase } from '../faults.ts'

const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method specified is not allowed for this resource.',
  406: 'The resource could not be generated that was acceptable to your browser (content of type application/json.',
  409: 'There was a conflict when trying to complete your request.',
  500: 'The server has either erred or is incapable of performing the requested operation.'
}

export function renderPlacementFault (fault: OpenStackFault, requestId: string, withCode: boolean): HttpResponse {
  const explanation = EXPLANATIONS[fault.status] ?? ''
  const detail = `${explanation}\n\n ${fault.message}  `
  const error: Record<string, unknown> = { status: fault.status, title: reasonPhrase(fault.status), detail, request_id: requestId }
  if (withCode) error.code = fault.type ?? 'placement.undefined_code'
  return jsonResponse(fault.status, { errors: [error] })
}
