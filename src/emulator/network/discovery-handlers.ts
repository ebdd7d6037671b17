/**
 * The calls that describe the service rather than a resource: version discovery, the /v2.0
 * resource index, the extensions (looked up by alias; any other method is a 404, as the
 * legacy extensions controller answered) and the availability zones.
 */
import { jsonResponse } from '../../core/http.ts'
import { NETWORK_EXTENSIONS, extensionView } from '../../openstack/network/extensions.ts'
import { httpNotFound } from '../../openstack/network/faults.ts'
import { networkResourcesDocument, networkVersionsDocument } from '../../openstack/network/versions.ts'
import type { RouteHandler } from '../service-host.ts'
import type { NetworkDeps } from './network-deps.ts'

export function discoveryHandlers (deps: NetworkDeps): Record<string, RouteHandler> {
  return {
    versions: context => jsonResponse(200, networkVersionsDocument(context.serviceUrl)),
    resources: context => jsonResponse(200, networkResourcesDocument(context.serviceUrl)),
    'extensions:list': () => jsonResponse(200, { extensions: NETWORK_EXTENSIONS.map(extensionView) }),
    'extensions:show': context => {
      const alias = context.param('alias')
      const extension = NETWORK_EXTENSIONS.find(e => e.alias === alias)
      if (extension === undefined) throw httpNotFound(`Extension with alias ${alias} does not exist`)
      return jsonResponse(200, { extension: extensionView(extension) })
    },
    'extensions:unsupported': () => { throw httpNotFound() },
    'availability-zones:list': () => jsonResponse(200, {
      availability_zones: [{ name: deps.settings.availabilityZone, resource: 'network', state: 'available' }]
    })
  }
}
