/**
 * Who holds a caller's network objects (the footprint keys `net:<project>` and
 * `networks:shared`, the project's own key for the ports of its servers, and every agent for an
 * admin), and how an agent names the home of a network object it serves to another agent
 * (HOME_HEADER). Shared by networks.ts and network-copies.ts.
 */
import type { HttpResponse } from '../core/http.ts'
import { uniqueAgents } from './peer-fan-out.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef } from './proxy-ports.ts'

/** Footprint key of the agents holding a project's network objects. */
export function networkFootprintKey (projectId: string): string | null {
  const key = `net:${projectId}`
  return key.length <= 64 ? key : null
}

/** Footprint key of the agents that are home to shared or external networks (every project sees them). */
export const SHARED_NETWORKS_KEY = 'networks:shared'

/** The answer header that says which agent is the home of a network object served by id (between agents only). */
export const HOME_HEADER = 'x-p2pstack-home'

/** The agents that may hold the caller's network objects. */
export function networkHolders (proxy: ProxyContext, call: ProxyCall): AgentRef[] {
  const project = call.auth.project?.id
  const key = project === undefined ? null : networkFootprintKey(project)
  return uniqueAgents([
    ...(key === null ? [] : proxy.footprint.agentsOf(key)),
    ...(project === undefined ? [] : proxy.footprint.agentsOf(project)),
    ...proxy.footprint.agentsOf(SHARED_NETWORKS_KEY),
    ...(call.auth.roles.includes('admin') ? proxy.footprint.allAgents() : [])
  ])
}

/** The home named by an answer of another agent (HOME_HEADER), taken out of the answer. */
export function takeHome (response: HttpResponse): { response: HttpResponse, home: AgentRef | null } {
  const value = response.headers[HOME_HEADER]
  if (value === undefined) return { response, home: null }
  const headers = { ...response.headers }
  delete headers[HOME_HEADER]
  const [id, address] = value.split(' ')
  return { response: { ...response, headers }, home: id === undefined || address === undefined ? null : { id, address } }
}
