/**
 * GET /servers and /servers/detail through the agent: every agent of the project's footprint
 * (all known agents for an admin's all_tenants list) is asked at once for its cloudlet's
 * /servers/detail with the client's filters and sort but without limit and marker; the answers
 * are merged, sorted and cut into the page Nova would give (src/proxy/server-list-merge.ts),
 * with next links at this agent. An agent that does not answer within the list timeout yields
 * a partial list, never a failed one: from 2.69, Nova's "down cell" records (status UNKNOWN)
 * for the servers this agent knows to be there; below, they are left out and the gap logged.
 */
import { jsonResponse } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { LEGACY_VERSION_HEADER } from '../openstack/compute/microversions.ts'
import { requestedMicroversion } from '../openstack/microversion.ts'
import { downCloudletServers } from '../proxy/down-cloudlet.ts'
import type { KnownServer } from '../proxy/down-cloudlet.ts'
import { mergeServerLists, serverFanOutQuery } from '../proxy/server-list-merge.ts'
import type { WireServer } from '../proxy/server-list-merge.ts'
import { CloudletSessionError } from './proxy-ports.ts'
import type { AgentRef } from './proxy-ports.ts'
import { getCall, isForwardFailure, SERVER_SHOW_ROUTE } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import { bodyText } from './upstream-call.ts'

const PASSED_RESPONSE_HEADERS = ['openstack-api-version', 'x-openstack-nova-api-version', 'vary', 'x-openstack-request-id']

export async function listServers (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const options = proxy
  const query = new URLSearchParams(call.search)
  const version = requestedMicroversion(call.request.headers, 'compute', proxy.computeRange(), LEGACY_VERSION_HEADER)
  const detail = call.route?.name === 'servers:detail'
  const fanOut = serverFanOutQuery(query).toString()
  const search = fanOut === '' ? '' : `?${fanOut}`
  const projectId = call.auth.project?.id ?? null
  const allTenants = query.has('all_tenants') && call.auth.roles.includes('admin')
  const others = dedupe([...(allTenants ? options.footprint.allAgents() : projectId === null ? [] : options.footprint.agentsOf(projectId))])
    .filter(a => a.id !== options.self.id)

  const path = '/v2.1/servers/detail'
  // No route: what the own list holds is recorded once, by remember() below, as for the others.
  const ownCall = proxy.serveLocally(getCall(call, path, null, search), { method: 'GET' })
    .catch((error: unknown) => {
      if (error instanceof CloudletSessionError && error.status === 503) return null
      throw error
    })
  const peerCalls = others.map(async agent => ({ agent, response: await proxy.forwardTo(agent, call, { mode: 'local', method: 'GET', path, search, timeoutMs: options.listTimeoutMs }) }))
  const own = await ownCall
  if (own !== null && own.status !== 200) return own
  const lists: WireServer[][] = []
  const unreachable: AgentRef[] = own === null ? [options.self] : []
  const complete = fanOut === '' || (fanOut === 'all_tenants=1' && allTenants)
  const answered = (agent: AgentRef, response: HttpResponse): void => {
    const servers = serversOf(response)
    lists.push(servers)
    remember(proxy, agent, servers, complete ? (allTenants ? null : projectId) : undefined)
  }
  if (own !== null) {
    answered(options.self, own)
    // The project's last server here is gone: this agent leaves the project's footprint, so
    // lists and lookups stop asking it.
    if (complete && !allTenants && projectId !== null && lists[0]?.length === 0) options.footprint.withdraw(projectId)
  }
  for (const { agent, response } of await Promise.all(peerCalls)) {
    if (!isForwardFailure(response) && response.status === 200) answered(agent, response)
    else {
      unreachable.push(agent)
      options.logger.warn({ agent: agent.id, status: isForwardFailure(response) ? response.failed : response.status }, 'a server list is partial: an agent did not answer')
    }
  }
  const known: KnownServer[] = unreachable.flatMap(agent => options.locations.byAgent(agent.id, allTenants ? null : projectId)
    .map(s => ({ id: s.id, projectId: s.projectId ?? '', createdAtMs: s.createdAt === null ? null : Date.parse(s.createdAt) })))
  const computeUrl = `${call.publicBase}/compute`
  const marker = query.get('marker')
  const markerServer = marker === null || lists.some(list => list.some(server => server.id === marker)) ? null : await serverById(proxy, call, marker)
  const body = mergeServerLists({ lists, query, detail, computeUrl, version, markerServer, unreachable: downCloudletServers(query, version, known, computeUrl) })
  const headers: Record<string, string> = {}
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = own?.headers[name]
    if (value !== undefined) headers[name] = value
  }
  return jsonResponse(200, body, headers)
}

/**
 * Records where the listed servers are; for a complete list (no filter) of a project at an
 * agent, also forgets the servers recorded there that are no longer in it (deleted), so that
 * a later partial list does not show them as UNKNOWN.
 */
function remember (proxy: ProxyContext, agent: AgentRef, servers: readonly WireServer[], completeFor: string | null | undefined): void {
  const ids = new Set<string>()
  for (const server of servers) {
    if (typeof server.id !== 'string') continue
    ids.add(server.id)
    if (proxy.locations.get(server.id)?.agent.id === agent.id) continue
    proxy.locations.put(server.id, 'server', {
      agent,
      projectId: typeof server.tenant_id === 'string' ? server.tenant_id : null,
      createdAt: typeof server.created === 'string' ? server.created : null
    })
  }
  if (completeFor === undefined) return
  for (const known of proxy.locations.byAgent(agent.id, completeFor)) if (!ids.has(known.id)) proxy.locations.delete(known.id)
}

/**
 * A marker the filtered lists do not hold (the filters exclude it): its detail view, found by
 * id as a show would find it, so the page can start after it; null when the caller cannot see
 * it (another project's, or gone), which is Nova's 400.
 */
async function serverById (proxy: ProxyContext, call: ProxyCall, id: string): Promise<WireServer | null> {
  const location = await proxy.locate(call, id)
  if (location === null) return null
  const path = `/v2.1/servers/${encodeURIComponent(id)}`
  const response = location.agent.id === proxy.self.id
    ? await proxy.serveLocally(getCall(call, path, SERVER_SHOW_ROUTE), { method: 'GET' })
    : await proxy.forwardTo(location.agent, call, { mode: 'local', method: 'GET', path, search: '', timeoutMs: proxy.listTimeoutMs })
  if (isForwardFailure(response) || response.status !== 200) return null
  try {
    const server = (JSON.parse(bodyText(response)) as { server?: WireServer }).server
    return server?.id === id ? server : null
  } catch {
    return null
  }
}

function serversOf (response: HttpResponse): WireServer[] {
  try {
    const parsed = JSON.parse(bodyText(response)) as { servers?: unknown }
    return Array.isArray(parsed.servers) ? parsed.servers as WireServer[] : []
  } catch {
    return []
  }
}

function dedupe (agents: readonly AgentRef[]): AgentRef[] {
  const seen = new Map<string, AgentRef>()
  for (const a of agents) if (!seen.has(a.id)) seen.set(a.id, a)
  return [...seen.values()]
}
