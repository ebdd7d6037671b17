/**
 * The agent's index of its own cloudlet, rebuilt at every start from the cloudlet itself (the
 * source of truth): every server of a p2pstack project (one whose shadow project the
 * translator knows) is recorded in the location store as this agent's, and each such project
 * is added to the footprint. So an agent whose data directory was lost serves its servers
 * again at once, and its peers learn from the footprint where to look; an agent that only
 * restarted finds what it already knew.
 */
import { httpRequest, readBody } from '../core/http.ts'
import type { HttpHandler } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import type { TokenSource } from './keystone-token-source.ts'
import type { AgentRef, Footprint, Locations } from './proxy-ports.ts'

/** The longest list walk at start: Nova's max_limit per page, this many pages. */
const MAX_PAGES = 1_000

export interface OwnCloudletIndexDeps {
  readonly http: HttpHandler
  /** The cloudlet's compute root (without /v2.1). */
  readonly computeRoot: string
  readonly admin: TokenSource
  /** Shadow project id → global project id; undefined for a project that is not p2pstack's. */
  readonly globalProject: (localProjectId: string) => string | undefined
  readonly self: AgentRef
  readonly locations: Locations
  readonly footprint: Footprint
  readonly logger: Logger
}

export async function indexOwnCloudlet (deps: OwnCloudletIndexDeps): Promise<{ servers: number, projects: number }> {
  const token = await deps.admin.token()
  const projects = new Set<string>()
  let servers = 0
  let url: string | null = `${deps.computeRoot}/v2.1/servers/detail?all_tenants=1&limit=1000`
  for (let page = 0; url !== null && page < MAX_PAGES; page++) {
    const response = await deps.http(httpRequest('GET', url, { headers: { 'x-auth-token': token, accept: 'application/json', 'openstack-api-version': 'compute 2.1' } }))
    const text = new TextDecoder().decode(await readBody(response.body, 64 * 1024 * 1024))
    if (response.status !== 200) throw new Error(`listing the servers of ${deps.computeRoot} answered ${response.status}: ${text.slice(0, 200)}`)
    const body = JSON.parse(text) as { servers?: Array<{ id?: unknown, tenant_id?: unknown, created?: unknown }>, servers_links?: Array<{ rel?: unknown, href?: unknown }> }
    for (const server of body.servers ?? []) {
      if (typeof server.id !== 'string' || typeof server.tenant_id !== 'string') continue
      const project = deps.globalProject(server.tenant_id)
      if (project === undefined) continue
      servers++
      projects.add(project)
      if (deps.locations.get(server.id)?.agent.id !== deps.self.id) {
        deps.locations.put(server.id, 'server', { agent: deps.self, projectId: project, createdAt: typeof server.created === 'string' ? server.created : null })
      }
    }
    const next = body.servers_links?.find(l => l.rel === 'next')?.href
    url = typeof next === 'string' && (body.servers ?? []).length > 0 ? next : null
  }
  for (const project of projects) deps.footprint.add(project)
  deps.logger.info({ servers, projects: projects.size }, 'indexed the own cloudlet')
  return { servers, projects: projects.size }
}
