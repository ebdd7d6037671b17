/**
 * How Glance reads request bodies: JSON (a dict or a list, "Malformed JSON in request body."
 * otherwise) for the API calls, and application/octet-stream — nothing else, 415 — for image
 * data, which is streamed and never read whole.
 */
import { BadRequest, UnsupportedMediaType } from '../../openstack/faults.ts'
import type { RequestContext } from '../request-context.ts'

/** The JSON body (undefined when there is none); 400 unless it is an object or an array. */
export async function glanceJsonBody (context: RequestContext): Promise<unknown> {
  const value = await context.jsonBody()
  if (value !== undefined && (value === null || typeof value !== 'object')) throw new BadRequest('Unexpected body type. Expected list/dict.')
  return value
}

/** 415 unless the request says its body is application/octet-stream. */
export function requireOctetStream (context: RequestContext): void {
  const mediaType = context.header('content-type')?.split(';', 1)[0]?.trim()
  if (mediaType !== 'application/octet-stream') throw new UnsupportedMediaType('Unsupported media type')
}
