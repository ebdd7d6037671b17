/**
 * Keystone's fault envelope, `{"error": {"code", "title", "message"}}`, which keystonemiddleware
 * also uses for the 401 of every other service. A 401 names the identity endpoint in
 * WWW-Authenticate, as Keystone does.
 */
import type { HttpResponse } from '../../core/http.ts'
import { jsonResponse } from '../../core/http.ts'
import type { OpenStackFault } from '../faults.ts'
import { reasonPhrase } from '../faults.ts'

export function identityFaultBody (fault: OpenStackFault): { error: { code: number, title: string, message: string } } {
  return { error: { code: fault.status, title: reasonPhrase(fault.status), message: fault.message } }
}

export function renderIdentityFault (fault: OpenStackFault, identityUrl: string): HttpResponse {
  const headers: Record<string, string> = { vary: 'X-Auth-Token' }
  if (fault.status === 401) headers['www-authenticate'] = `Keystone uri="${identityUrl}"`
  return jsonResponse(fault.status, identityFaultBody(fault), headers)
}
