/**
 * Glance's fault bodies: webob's HTTP exceptions, rendered after the request's Accept header by
 * the shared WebOb renderer. Glance mostly replaces webob's explanation with its message; a
 * WebobDetailFault keeps webob's explanation and shows the message as detail; 401 and 500 keep
 * webob's own words.
 */
import type { HttpRequest, HttpResponse } from '../../core/http.ts'
import type { OpenStackFault } from '../faults.ts'
import { WEBOB_EXPLANATIONS, webobErrorResponse } from '../webob-error.ts'
import { WebobDetailFault } from './webob-fault.ts'

export function renderImageFault (fault: OpenStackFault, request: HttpRequest): HttpResponse {
  const status = fault.status
  const keepsDefault = status === 500 || status === 401 || status === 405 || status === 415
  const headers: Record<string, string> = {}
  if (status === 401) headers['www-authenticate'] = `Keystone uri="${request.url.origin}/identity"`
  return webobErrorResponse(status, request.headers, {
    ...(keepsDefault ? {} : { explanation: fault instanceof WebobDetailFault ? WEBOB_EXPLANATIONS[status] ?? '' : fault.message }),
    detail: fault instanceof WebobDetailFault ? fault.detail : '',
    method: request.method,
    headers
  })
}
