/**
 * What Glance's faults are made of: webob's HTTP exceptions. Each has a title and a default
 * explanation per status; Glance mostly replaces the explanation (`explanation=msg`), but some
 * calls pass the message positionally, which webob keeps as `detail` under the default
 * explanation — WebobDetailFault is that second kind. Rendering is in fault-body.ts.
 */
import { OpenStackFault } from '../faults.ts'
import type { FaultOptions, FaultStatus } from '../faults.ts'

/** webob.exc titles, which differ from the usual reason phrases in places (416). */
export const WEBOB_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Request Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable'
}

/** webob.exc default explanations, as Debian's python3-webob 1.8.6 has them. */
export const WEBOB_EXPLANATIONS: Readonly<Record<number, string>> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
  410: 'This resource is no longer available. No forwarding address is given.',
  412: 'Request precondition failed.',
  413: 'The body of your request was too large for this server.',
  416: 'The Range requested is not available.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  503: 'The server is currently unavailable. Please try again at a later time.'
}

/** A fault whose message Glance passes as webob's `detail`; the explanation stays webob's default. */
export class WebobDetailFault extends OpenStackFault {
  readonly detail: string

  constructor (status: FaultStatus, detail: string, options?: FaultOptions) {
    super(status, WEBOB_EXPLANATIONS[status] ?? '', options)
    this.detail = detail
  }
}
