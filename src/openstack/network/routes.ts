/**
 * Neutron v2.0's routes, relative to the network endpoint ({base}/networking). The emulator
 * serves this table and the agent's proxy classifies network calls from it. Only the version
 * document at the root needs no token: in Neutron's paste pipeline the /v2.0 application,
 * its resource index included, sits behind keystonemiddleware.
 */
import type { RouteKind, RouteSpec } from '../route-table.ts'

const route = (method: RouteSpec['method'], path: string, name: string, kind: RouteKind, authenticated = true): RouteSpec =>
  ({ method, path, name, kind, authenticated })

/** The collections served with Neutron's generic semantics, URL segment → route name prefix. */
export const NETWORK_COLLECTIONS = {
  networks: { param: 'network_id', name: 'networks' },
  subnets: { param: 'subnet_id', name: 'subnets' },
  ports: { param: 'port_id', name: 'ports' },
  'security-groups': { param: 'security_group_id', name: 'security-groups' },
  'security-group-rules': { param: 'security_group_rule_id', name: 'security-group-rules' }
} as const

export type NetworkCollection = keyof typeof NETWORK_COLLECTIONS

/** The collections that have a tags sub-resource (standard-attr-tag). */
export const TAGGED_COLLECTIONS = ['networks', 'subnets', 'ports', 'security-groups'] as const

function collectionRoutes (): RouteSpec[] {
  const routes: RouteSpec[] = []
  for (const [segment, { param, name }] of Object.entries(NETWORK_COLLECTIONS)) {
    routes.push(
      route('GET', `/v2.0/${segment}`, `${name}:list`, 'list'),
      route('POST', `/v2.0/${segment}`, `${name}:create`, 'create'),
      route('GET', `/v2.0/${segment}/{${param}}`, `${name}:show`, 'by-id'),
      route('PUT', `/v2.0/${segment}/{${param}}`, `${name}:update`, 'by-id'),
      route('DELETE', `/v2.0/${segment}/{${param}}`, `${name}:delete`, 'by-id')
    )
  }
  for (const segment of TAGGED_COLLECTIONS) {
    const { param, name } = NETWORK_COLLECTIONS[segment]
    routes.push(
      route('GET', `/v2.0/${segment}/{${param}}/tags`, `${name}:tags:list`, 'by-id'),
      route('PUT', `/v2.0/${segment}/{${param}}/tags`, `${name}:tags:replace`, 'by-id'),
      route('POST', `/v2.0/${segment}/{${param}}/tags`, `${name}:tags:add`, 'by-id'),
      route('DELETE', `/v2.0/${segment}/{${param}}/tags`, `${name}:tags:clear`, 'by-id'),
      route('GET', `/v2.0/${segment}/{${param}}/tags/{tag}`, `${name}:tags:check`, 'by-id'),
      route('PUT', `/v2.0/${segment}/{${param}}/tags/{tag}`, `${name}:tags:set`, 'by-id'),
      route('DELETE', `/v2.0/${segment}/{${param}}/tags/{tag}`, `${name}:tags:remove`, 'by-id')
    )
  }
  return routes
}

export const NETWORK_ROUTES: readonly RouteSpec[] = [
  route('GET', '/', 'versions', 'global', false),
  route('GET', '/v2.0', 'resources', 'global'),
  route('GET', '/v2.0/extensions', 'extensions:list', 'global'),
  route('GET', '/v2.0/extensions/{alias}', 'extensions:show', 'global'),
  // The legacy extensions controller answered 404, not 405, to any other method.
  ...(['HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).flatMap(method => [
    route(method, '/v2.0/extensions', 'extensions:unsupported', 'global'),
    route(method, '/v2.0/extensions/{alias}', 'extensions:unsupported', 'global')
  ]),
  route('GET', '/v2.0/availability_zones', 'availability-zones:list', 'global'),

  ...collectionRoutes(),

  route('GET', '/v2.0/quotas', 'quotas:list', 'global'),
  route('GET', '/v2.0/quotas/project', 'quotas:project', 'global'),
  route('GET', '/v2.0/quotas/tenant', 'quotas:tenant', 'global'),
  route('GET', '/v2.0/quotas/{project_id}', 'quotas:show', 'global'),
  route('PUT', '/v2.0/quotas/{project_id}', 'quotas:update', 'global'),
  route('DELETE', '/v2.0/quotas/{project_id}', 'quotas:delete', 'global'),
  route('GET', '/v2.0/quotas/{project_id}/details', 'quotas:details', 'global'),
  route('GET', '/v2.0/quotas/{project_id}/default', 'quotas:default', 'global'),

  route('GET', '/v2.0/auto-allocated-topology/{project_id}', 'auto-allocated-topology:show', 'create'),
  route('DELETE', '/v2.0/auto-allocated-topology/{project_id}', 'auto-allocated-topology:delete', 'by-id')
]

/**
 * Drops the '.json' suffix Neutron accepts on any path (pecan's guess_content_type_from_ext),
 * e.g. '/v2.0/networks.json' or '/v2.0/networks/{id}.json'.
 */
export function stripJsonSuffix (path: string): string {
  return path.endsWith('.json') ? path.slice(0, -'.json'.length) : path
}
