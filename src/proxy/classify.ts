/**
 * What the agent's proxy does with a request, read from the same route tables the emulator
 * serves: the route's kind (create, by-id, list, global, local), its name, the resource the
 * call is about and, for a by-id call, the id of the resource that owns it — the server of
 * /servers/{server_id}/ips, the image of /v2/images/{image_id}/members/{member_id}. A path no
 * route knows is 'not-found'; a known path with another method is 'method-not-allowed' with
 * the methods that exist, so the proxy can answer as the service would without a forward.
 */
import type { HttpMethod, RouteKind, RouteSpec } from '../openstack/route-table.ts'
import { compileRoutes } from '../openstack/route-table.ts'
import { COMPUTE_ROUTES } from '../openstack/compute/routes.ts'
import { IMAGE_ROUTES } from '../openstack/image/routes.ts'
import { NETWORK_ROUTES, stripJsonSuffix } from '../openstack/network/routes.ts'
import { IDENTITY_ROUTES } from '../openstack/identity/routes.ts'
import { PLACEMENT_ROUTES } from '../openstack/placement/routes.ts'

export type ProxiedService = 'compute' | 'image' | 'network' | 'identity' | 'placement'

export interface ClassifiedRoute {
  readonly result: 'route'
  readonly kind: RouteKind
  /** The route's stable name, e.g. 'servers:show'. */
  readonly routeName: string
  /** The resource the call is about, singular: 'server', 'image', 'network', 'keypair', 'flavor'… */
  readonly resource: string
  /** The owning resource's id (the path's first parameter) for by-id calls, else null. */
  readonly id: string | null
  /** Every path parameter, decoded, by name. */
  readonly params: Readonly<Record<string, string>>
  /** False for version documents and the few calls that need no token. */
  readonly authenticated: boolean
  readonly route: RouteSpec
}

export type Classification =
  | ClassifiedRoute
  | { readonly result: 'not-found' }
  | { readonly result: 'method-not-allowed', readonly allowedMethods: readonly HttpMethod[] }

const TABLES = {
  compute: compileRoutes(COMPUTE_ROUTES),
  image: compileRoutes(IMAGE_ROUTES),
  network: compileRoutes(NETWORK_ROUTES),
  identity: compileRoutes(IDENTITY_ROUTES, { headFromGet: true }),
  placement: compileRoutes(PLACEMENT_ROUTES)
} as const

/** First path segments whose singular is not the segment less its 's' (or 'os-' and 's'). */
const SINGULARS: Readonly<Record<string, string>> = {
  'os-keypairs': 'keypair',
  'os-availability-zone': 'availability-zone',
  availability_zones: 'availability-zone',
  'os-quota-sets': 'quota-set',
  'os-simple-tenant-usage': 'usage',
  'os-hypervisors': 'hypervisor',
  'os-services': 'service',
  limits: 'limits',
  quotas: 'quota',
  policies: 'policy',
  info: 'info',
  'auto-allocated-topology': 'auto-allocated-topology',
  role_assignments: 'role-assignment',
  role_inferences: 'role-inference',
  'OS-FEDERATION': 'federation',
  resource_providers: 'resource-provider',
  resource_classes: 'resource-class',
  allocations: 'allocation',
  usages: 'usage',
  traits: 'trait'
}

const VERSION_SEGMENT = /^v\d+(\.\d+)?$/

/**
 * `path` is relative to the service root as the tables define it ('/v2.1/servers/abc/action'
 * for compute, '/v2/images' for image, '/v2.0/networks.json' for network), without the query.
 */
export function classifyRequest (service: ProxiedService, method: string, path: string): Classification {
  const normalized = service === 'network' ? stripJsonSuffix(path) : path
  const match = TABLES[service].match(method.toUpperCase(), normalized)
  if (!match.found) {
    return match.allowedMethods.length === 0
      ? { result: 'not-found' }
      : { result: 'method-not-allowed', allowedMethods: match.allowedMethods }
  }
  const route = match.route
  const firstParam = /\{(\w+)\}/.exec(route.path)?.[1]
  const id = route.kind === 'by-id' && firstParam !== undefined ? match.params[firstParam] ?? null : null
  return {
    result: 'route',
    kind: route.kind,
    routeName: route.name,
    resource: resourceOf(route.path),
    id,
    params: match.params,
    authenticated: route.authenticated !== false,
    route
  }
}

/** The resource a route template is about: its first segment after the version, singular. */
export function resourceOf (template: string): string {
  const segments = template.split('/').filter(s => s !== '')
  const first = segments.find(s => !VERSION_SEGMENT.test(s))
  if (first === undefined) return 'version'
  if (first === 'OS-FEDERATION') {
    const next = segments[segments.indexOf(first) + 1]
    return next === undefined ? 'federation' : singular(next)
  }
  return singular(first)
}

function singular (segment: string): string {
  const known = SINGULARS[segment]
  if (known !== undefined) return known
  const bare = segment.replace(/^os-/, '').replace(/_/g, '-')
  return bare.endsWith('s') ? bare.slice(0, -1) : bare
}
