/**
 * The request path every emulated service shares: route from the service's table, 404/405 in
 * the service's envelope, authenticate the token (keystonemiddleware's 401), negotiate the
 * microversion, read and validate the body within the limit, call the handler, and render any
 * fault once, at the edge, with an x-openstack-request-id on every response. An exception
 * that is not a fault becomes the service's 500 and is logged once with the request id; it
 * never takes the process down.
 */
import type { HttpRequest, HttpResponse } from '../core/http.ts'
import { jsonResponse } from '../core/http.ts'
import { uuid } from '../core/ids.ts'
import type { Logger, Random } from '../core/ports.ts'
import type { AuthContext } from '../openstack/identity/auth-context.ts'
import { InternalServerError, MethodNotAllowed, NotFound, OpenStackFault, RequestEntityTooLarge } from '../openstack/faults.ts'
import { requestedMicroversion } from '../openstack/microversion.ts'
import type { Microversion, MicroversionRange } from '../openstack/microversion.ts'
import type { CompiledRoutes, RouteSpec } from '../openstack/route-table.ts'
import type { ValidationProblem } from '../openstack/validation.ts'
import { webobErrorResponse } from '../openstack/webob-error.ts'
import { BODY_LIMIT, BODY_LIMIT_MESSAGE, RequestContext } from './request-context.ts'

export type ServiceType = 'identity' | 'compute' | 'image' | 'network' | 'placement'

export type RouteHandler = (context: RequestContext) => Promise<HttpResponse> | HttpResponse

export interface MicroversionSupport {
  /** The service type named in OpenStack-API-Version ('compute', 'placement'). */
  readonly serviceType: string
  readonly range: MicroversionRange
  /** The legacy request header, lowercase ('x-openstack-nova-api-version'). */
  readonly legacyHeader?: string
  /** Headers that say which version answered; sent on every response, faults included. */
  responseHeaders(version: Microversion): Record<string, string>
}

/** What a service gives the host: its table, its handlers, and its way of speaking. */
export interface ServiceApi {
  readonly type: ServiceType
  readonly routes: CompiledRoutes<RouteSpec>
  readonly handlers: Readonly<Record<string, RouteHandler>>
  readonly maxBodyBytes: number
  readonly microversions?: MicroversionSupport
  /** Renders a fault in the service's envelope. */
  renderFault(fault: OpenStackFault, request: HttpRequest, requestId: string): HttpResponse
  /** The fault for a body that is not JSON. */
  malformedBody(detail: string): OpenStackFault
  /** The fault for a body or query that fails validation. */
  invalidInput(problem: ValidationProblem): OpenStackFault
  /** The fault for a path no route has (default: 404 "The resource could not be found."). */
  unknownRoute?(path: string): OpenStackFault
  /**
   * The whole answer when no route matches the path and method, for services whose router
   * answers below their fault layer (Nova's routes mapper gives a bare WebOb 404, even for a
   * known path with another method). When absent: 405 with Allow for a known path, else unknownRoute.
   */
  renderNoRoute?(request: HttpRequest): HttpResponse
  /** Maps the path after the service prefix before routing (Neutron drops '.json'). */
  normalizePath?(path: string): string
  /** Lets HEAD use a GET route (Keystone does). */
  readonly headFromGet?: boolean
  /**
   * True when keystonemiddleware sits in front of the router, as in Nova, Glance, Neutron and
   * Placement: a request with no valid token gets 401 even on a path no route has. Keystone
   * routes first. Default false.
   */
  readonly authBeforeRouting?: boolean
  /** Token-failure responses: Keystone answers its own; the others answer as keystonemiddleware. */
  renderUnauthorized?(request: HttpRequest): HttpResponse
}

export interface ServiceHostPorts {
  readonly random: Random
  readonly logger: Logger
  /** Validates a token as keystonemiddleware would; null when unknown, expired or revoked. */
  authenticate(token: string): AuthContext | null
  /** The identity endpoint, for WWW-Authenticate on 401s. */
  identityUrl(request: HttpRequest): string
}

export type ServiceHandler = (request: HttpRequest, path: string, prefix: string) => Promise<HttpResponse>

/** keystonemiddleware's 401, the same for every service behind it. */
export function keystoneMiddleware401 (identityUrl: string): HttpResponse {
  return jsonResponse(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }, {
    'www-authenticate': `Keystone uri="${identityUrl}"`
  })
}

export function serveService (api: ServiceApi, ports: ServiceHostPorts): ServiceHandler {
  const compiled = api.routes
  return async (request, rawPath, prefix) => {
    const requestId = `req-${uuid(ports.random)}`
    let microversion: Microversion | null = null
    let routed = false
    let response: HttpResponse
    try {
      response = await handle(request, rawPath, prefix, requestId, version => { microversion = version }, () => { routed = true })
    } catch (error) {
      response = renderError(error, request, requestId)
    }
    const headers: Record<string, string> = { ...response.headers, 'x-openstack-request-id': requestId }
    if (api.microversions !== undefined && routed) {
      Object.assign(headers, api.microversions.responseHeaders(microversion ?? api.microversions.range.min))
    }
    return { status: response.status, headers, body: request.method === 'HEAD' ? null : response.body }
  }

  async function handle (request: HttpRequest, rawPath: string, prefix: string, requestId: string, setVersion: (v: Microversion) => void, setRouted: () => void): Promise<HttpResponse> {
    const path = api.normalizePath !== undefined ? api.normalizePath(rawPath) : rawPath
    const match = compiled.match(request.method, path)
    const declaredLength = Number(request.headers['content-length'] ?? 0)
    if (declaredLength > api.maxBodyBytes && !(match.found && match.route.unlimitedBody === true)) {
      // oslo.middleware's sizelimit runs before routing and authentication in every service.
      throw new RequestEntityTooLarge(BODY_LIMIT_MESSAGE, { type: BODY_LIMIT })
    }
    if (!match.found) {
      if (api.authBeforeRouting === true) {
        const token = request.headers['x-auth-token']
        if (token === undefined || ports.authenticate(token) === null) {
          return api.renderUnauthorized?.(request) ?? keystoneMiddleware401(ports.identityUrl(request))
        }
      }
      if (api.renderNoRoute !== undefined) return api.renderNoRoute(request)
      if (match.allowedMethods.length > 0) throw new MethodNotAllowed(match.allowedMethods)
      throw api.unknownRoute?.(path) ?? new NotFound('The resource could not be found.')
    }
    setRouted()
    let auth: AuthContext | null = null
    const token = request.headers['x-auth-token']
    if (match.route.authenticated !== false) {
      auth = token === undefined ? null : ports.authenticate(token)
      if (auth === null) {
        return api.renderUnauthorized?.(request) ?? keystoneMiddleware401(ports.identityUrl(request))
      }
    } else if (token !== undefined) {
      auth = ports.authenticate(token)
    }
    let version: Microversion = { major: 1, minor: 0 }
    if (api.microversions !== undefined) {
      const support = api.microversions
      version = requestedMicroversion(request.headers, support.serviceType, support.range, support.legacyHeader)
      setVersion(version)
    }
    const handler = api.handlers[match.route.name]
    if (handler === undefined) throw new Error(`no handler for route ${match.route.name}`)
    const context = new RequestContext({
      request,
      route: match.route,
      params: match.params,
      requestId,
      serviceUrl: request.url.origin + prefix,
      microversion: version,
      auth,
      rules: { maxBodyBytes: api.maxBodyBytes, malformed: detail => api.malformedBody(detail), invalid: problem => api.invalidInput(problem) }
    })
    return await handler(context)
  }

  function renderError (error: unknown, request: HttpRequest, requestId: string): HttpResponse {
    if (error instanceof OpenStackFault && error.type === BODY_LIMIT) {
      return webobErrorResponse(413, request.headers, { explanation: BODY_LIMIT_MESSAGE })
    }
    if (error instanceof OpenStackFault) {
      const rendered = api.renderFault(error, request, requestId)
      return { ...rendered, headers: { ...rendered.headers, ...error.headers } }
    }
    ports.logger.error({ err: error, requestId, method: request.method, url: request.url.pathname, service: api.type }, 'unexpected error in emulated service')
    return api.renderFault(new InternalServerError(), request, requestId)
  }
}
