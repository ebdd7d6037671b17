/**
 * Route tables as data. Each service declares its API as a list of RouteSpec entries (method,
 * path template, name); the emulator serves from the table and the proxy classifies requests
 * from the very same table, so neither can understand a route the other does not know.
 * compileRoutes() turns a table into a matcher: literal segments win over parameters, a path
 * that exists with another method is a 405, anything else a 404.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * How the agent's proxy treats a route (see DESIGN.md, "Agent"): a create places a new
 * resource, a by-id call goes where the resource lives, a list fans out, a global call is
 * answered the same everywhere, a local one only concerns the agent itself.
 */
export type RouteKind = 'create' | 'by-id' | 'list' | 'global' | 'local'

export interface RouteSpec {
  readonly method: HttpMethod
  /** Relative to the service root, e.g. '/v2.1/servers/{server_id}'. */
  readonly path: string
  /** Stable name of the operation, e.g. 'servers:show'. */
  readonly name: string
  readonly kind: RouteKind
  /** False for version discovery and the few calls that need no token. Default true. */
  readonly authenticated?: boolean
  /** True for routes whose body is data streamed by the handler (image uploads): exempt from the JSON body limit. */
  readonly unlimitedBody?: boolean
}

export type RouteMatch<R extends RouteSpec> =
  | { readonly found: true, readonly route: R, readonly params: Readonly<Record<string, string>> }
  | { readonly found: false, readonly allowedMethods: readonly HttpMethod[] }

interface TrieNode<R> {
  readonly literals: Map<string, TrieNode<R>>
  param: { readonly name: string, readonly node: TrieNode<R> } | null
  readonly routes: Map<HttpMethod, R>
}

function newNode<R> (): TrieNode<R> {
  return { literals: new Map(), param: null, routes: new Map() }
}

export interface CompiledRoutes<R extends RouteSpec> {
  /** Matches a decoded-per-segment path ("/v2.1/servers/abc"). `headFromGet` lets HEAD use a GET route. */
  match(method: string, path: string): RouteMatch<R>
  readonly routes: readonly R[]
}

export function compileRoutes<R extends RouteSpec> (routes: readonly R[], options: { headFromGet?: boolean } = {}): CompiledRoutes<R> {
  const root = newNode<R>()
  for (const route of routes) {
    let node = root
    for (const segment of splitPath(route.path)) {
      const param = /^\{(\w+)\}$/.exec(segment)
      if (param !== null) {
        const name = param[1] as string
        if (node.param === null) node.param = { name, node: newNode() }
        else if (node.param.name !== name) throw new Error(`route ${route.path}: parameter {${name}} clashes with {${node.param.name}}`)
        node = node.param.node
      } else {
        let next = node.literals.get(segment)
        if (next === undefined) {
          next = newNode()
          node.literals.set(segment, next)
        }
        node = next
      }
    }
    if (node.routes.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`)
    node.routes.set(route.method, route)
  }

  return {
    routes,
    match (method: string, path: string): RouteMatch<R> {
      const segments = splitPath(path)
      const params: Record<string, string> = {}
      const node = find(root, segments, 0, params)
      if (node === null) return { found: false, allowedMethods: [] }
      let route = node.routes.get(method as HttpMethod)
      if (route === undefined && method === 'HEAD' && options.headFromGet === true) route = node.routes.get('GET')
      if (route === undefined) return { found: false, allowedMethods: [...node.routes.keys()] }
      return { found: true, route, params }
    }
  }
}

function find<R> (node: TrieNode<R>, segments: readonly string[], index: number, params: Record<string, string>): TrieNode<R> | null {
  if (index === segments.length) return node.routes.size > 0 ? node : null
  const segment = segments[index] as string
  const literal = node.literals.get(segment)
  if (literal !== undefined) {
    const found = find(literal, segments, index + 1, params)
    if (found !== null) return found
  }
  if (node.param !== null && segment !== '') {
    const found = find(node.param.node, segments, index + 1, params)
    if (found !== null) {
      params[node.param.name] = segment
      return found
    }
  }
  return null
}

/**
 * Splits a path into decoded segments; a trailing slash is ignored, as the OpenStack services
 * do ("/v3/" is "/v3"). The root path is no segments.
 */
export function splitPath (path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '')
  if (trimmed === '') return []
  return trimmed.split('/').map(safeDecode)
}

function safeDecode (segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
