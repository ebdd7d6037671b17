/**
 * Nova's fault envelope, `{"<faultName>": {"code", "message"}}` with the names of Nova's
 * wsgi.Fault, and `retryAfter` on 413/429 when a Retry-After header goes with it. A URL that
 * no route matches (or a known path with another method) gets the bare WebOb 404 of Nova's
 * routes mapper instead, which is not a Fault.
 */
import type { HttpResponse } from '../../core/http.ts'
import { jsonResponse } from '../../core/http.ts'
import { BadRequest } from '../faults.ts'
import type { OpenStackFault } from '../faults.ts'
import type { ValidationProblem } from '../validation.ts'

const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable'
}

export function computeFaultBody (fault: OpenStackFault): Record<string, Record<string, unknown>> {
  const body: Record<string, unknown> = { code: fault.status, message: fault.message }
  const retryAfter = fault.headers['retry-after']
  if ((fault.status === 413 || fault.status === 429) && retryAfter !== undefined) body.retryAfter = retryAfter
  return { [FAULT_NAMES[fault.status] ?? 'computeFault']: body }
}

export function renderComputeFault (fault: OpenStackFault): HttpResponse {
  return jsonResponse(fault.status, computeFaultBody(fault))
}

/** Nova's answer to a body that is not JSON. */
export const MALFORMED_REQUEST_BODY = 'Malformed request body'

/** Nova's 400 for a body its JSON schema refuses (nova/api/validation/validators.py). */
export function invalidInputFault (problem: ValidationProblem): BadRequest {
  return new BadRequest(`Invalid input for field/attribute ${problem.path.split('/').pop() ?? ''}. Value: ${JSON.stringify(problem.value) ?? 'None'}. ${problem.detail}`)
}
