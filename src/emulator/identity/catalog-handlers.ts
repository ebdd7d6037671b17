/**
 * Keystone's read-only catalog APIs: services, endpoints and regions. The catalog is made at
 * bootstrap; endpoint URLs are stored relative and made absolute per request, so one cloudlet
 * answers correctly under whatever origin (or configured public URL) a client uses.
 */
import { jsonResponse } from '../../core/http.ts'
import { NotFound } from '../../openstack/faults.ts'
import { collectionLinks, endpointView, regionView, serviceView } from '../../openstack/identity/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { IdentityDeps } from './identity-deps.ts'
import { publicBaseUrl, requireAdmin } from './identity-deps.ts'

export function catalogHandlers (deps: IdentityDeps): Record<string, RouteHandler> {
  const { state } = deps
  const url = (context: RequestContext): string => context.serviceUrl
  return {
    'services:list': context => {
      requireAdmin(context, 'list_services')
      const type = context.query.get('type')
      const services = [...state.services.values()].filter(s => type === null || s.type === type)
      return jsonResponse(200, { services: services.map(s => serviceView(s, url(context))), links: collectionLinks(`${url(context)}/v3/services`) })
    },
    'services:show': context => {
      requireAdmin(context, 'get_service')
      const s = state.services.get(context.param('service_id'))
      if (s === undefined) throw new NotFound(`Could not find service: ${context.param('service_id')}.`)
      return jsonResponse(200, { service: serviceView(s, url(context)) })
    },
    'endpoints:list': context => {
      requireAdmin(context, 'list_endpoints')
      const q = context.query
      const endpoints = state.endpoints.filter(e =>
        (q.get('interface') === null || e.interface === q.get('interface')) &&
        (q.get('service_id') === null || e.serviceId === q.get('service_id')) &&
        (q.get('region_id') === null || e.regionId === q.get('region_id')))
      const base = publicBaseUrl(deps, context)
      return jsonResponse(200, { endpoints: endpoints.map(e => endpointView(e, base, url(context))), links: collectionLinks(`${url(context)}/v3/endpoints`) })
    },
    'endpoints:show': context => {
      requireAdmin(context, 'get_endpoint')
      const e = state.endpoints.get(context.param('endpoint_id'))
      if (e === undefined) throw new NotFound(`Could not find endpoint: ${context.param('endpoint_id')}.`)
      return jsonResponse(200, { endpoint: endpointView(e, publicBaseUrl(deps, context), url(context)) })
    },
    'regions:list': context => jsonResponse(200, {
      regions: [...state.regions.values()].map(r => regionView(r, url(context))),
      links: collectionLinks(`${url(context)}/v3/regions`)
    }),
    'regions:show': context => {
      const r = state.regions.get(context.param('region_id'))
      if (r === undefined) throw new NotFound(`Could not find region: ${context.param('region_id')}.`)
      return jsonResponse(200, { region: regionView(r, url(context)) })
    }
  }
}
