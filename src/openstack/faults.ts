/**
 * OpenStackFault: a client-visible API fault, thrown by a handler and rendered once, at the
 * edge, in the envelope of the service that was called (compute/fault-body.ts and its
 * siblings). The status and message are what every service shares; `type` carries the
 * service-specific fault name where one exists (Neutron's 'NetworkNotFound').
 */

export type FaultStatus = 400 | 401 | 403 | 404 | 405 | 406 | 409 | 410 | 412 | 413 | 415 | 416 | 429 | 500 | 501 | 503

export interface FaultOptions extends ErrorOptions {
  /** Service-specific fault type, e.g. Neutron's 'NetworkNotFound'. */
  readonly type?: string
  /** Extra response headers, e.g. Allow on a 405. */
  readonly headers?: Record<string, string>
}

export class OpenStackFault extends Error {
  readonly status: FaultStatus
  readonly type: string | undefined
  readonly headers: Record<string, string>

  constructor (status: FaultStatus, message: string, options: FaultOptions = {}) {
    super(message, options)
    this.name = new.target.name
    this.status = status
    this.type = options.type
    this.headers = options.headers ?? {}
  }
}

export class BadRequest extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(400, message, options) }
}

export class Unauthorized extends OpenStackFault {
  constructor (message = 'The request you have made requires authentication.', options?: FaultOptions) { super(401, message, options) }
}

export class Forbidden extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(403, message, options) }
}

export class NotFound extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(404, message, options) }
}

export class MethodNotAllowed extends OpenStackFault {
  constructor (allowed: readonly string[], options?: FaultOptions) {
    super(405, 'The method is not allowed for the requested URL.', { ...options, headers: { allow: allowed.join(', '), ...options?.headers } })
  }
}

export class NotAcceptable extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(406, message, options) }
}

export class Conflict extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(409, message, options) }
}

export class PreconditionFailed extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(412, message, options) }
}

export class RequestEntityTooLarge extends OpenStackFault {
  constructor (message = 'Request is too large.', options?: FaultOptions) { super(413, message, options) }
}

export class UnsupportedMediaType extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(415, message, options) }
}

export class RangeNotSatisfiable extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(416, message, options) }
}

export class InternalServerError extends OpenStackFault {
  constructor (message = 'An unexpected error prevented the server from fulfilling your request.', options?: FaultOptions) { super(500, message, options) }
}

export class NotImplemented extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(501, message, options) }
}

export class ServiceUnavailable extends OpenStackFault {
  constructor (message: string, options?: FaultOptions) { super(503, message, options) }
}

/** The standard HTTP reason phrase of a status, as OpenStack services put it in `title`. */
export function reasonPhrase (status: number): string {
  return REASONS[status] ?? 'Error'
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}
