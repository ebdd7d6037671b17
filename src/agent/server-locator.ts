/**
 * Calls by server id: find the agent whose cloudlet holds the server, and have it serve the
 * call. The lookup order is DESIGN.md's: the location store; this agent's own cloudlet; the
 * agents of the project's footprint, asked in parallel; then a bounded search: at most 8
 * agents of other projects' footprints, then the agents in this agent's overlay view. What is
 * found is recorded. A server whose agent does not
 * answer gets Nova's 503 with a message that says which agent; one found nowhere gets Nova's
 * 404 ("Instance <id> could not be found.").
 */
import type { HttpResponse } from '../core/http.ts'
import { NotFound } from '../openstack/faults.ts'
import { cloudletUnavailable, renderProxyFault } from '../proxy/proxy-faults.ts'
import { getCall, isForwardFailure, SERVER_SHOW_ROUTE } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef, ResourceLocation } from './proxy-ports.ts'

export class ServerLocator {
  readonly #proxy: ProxyContext

  constructor (proxy: ProxyContext) {
    this.#proxy = proxy
  }

  async serve (call: ProxyCall, serverId: string): Promise<HttpResponse> {
    const { self, locations } = this.#proxy
    const faultContext = { request: call.request, identityUrl: `${call.publicBase}/identity`, requestId: '' }
    let location = locations.get(serverId)
    if (location === null) location = await this.locate(call, serverId)
    if (location === null) return renderProxyFault('compute', notFound(serverId), faultContext)
    const response = location.agent.id === self.id
      ? await this.#proxy.serveLocally(call)
      : await this.#proxy.forwardTo(location.agent, call, { mode: 'local' })
    if (isForwardFailure(response)) return cloudletUnavailable('compute', { resource: 'server', id: serverId, agentId: location.agent.id }, faultContext)
    const route = call.route?.name
    if ((response.status === 404 && route === 'servers:show') || (response.status === 204 && route === 'servers:delete')) locations.delete(serverId)
    return response
  }

  /** Where the server is, asking the own cloudlet, then the footprint, then the overlay view; null when nobody has it. */
  async locate (call: ProxyCall, serverId: string): Promise<ResourceLocation | null> {
    const { self, footprint, scheduler, locations } = this.#proxy
    const show = { method: 'GET', path: `/v2.1/servers/${serverId}`, search: '' }
    const own = await this.#proxy.serveLocally(getCall(call, show.path, SERVER_SHOW_ROUTE), { method: 'GET' })
    if (own.status === 200) return locations.get(serverId) ?? { agent: self, projectId: call.auth.project?.id ?? null, createdAt: null }
    const asked = new Set<string>([self.id])
    const tryAgents = async (agents: readonly AgentRef[]): Promise<ResourceLocation | null> => {
      const fresh = agents.filter(a => !asked.has(a.id))
      for (const a of fresh) asked.add(a.id)
      if (fresh.length === 0) return null
      const found = await firstFound(fresh.map(async agent => {
        const response = await this.#proxy.forwardTo(agent, call, { ...show, mode: 'local', timeoutMs: this.#proxy.listTimeoutMs })
        if (isForwardFailure(response) || response.status !== 200) return null
        return agent
      }))
      if (found === null) return null
      const location: ResourceLocation = { agent: found, projectId: call.auth.project?.id ?? null, createdAt: null }
      locations.put(serverId, 'server', location)
      return location
    }
    const projectId = call.auth.project?.id
    return (projectId === undefined ? null : await tryAgents(footprint.agentsOf(projectId))) ??
      await tryAgents(sample(footprint.allAgents(), MAX_OTHER_PROJECTS_AGENTS)) ??
      await tryAgents(scheduler.peers())
  }
}

/**
 * How many agents of other projects' footprints an unknown id may be asked of, beyond its own
 * project's footprint: the search stays bounded whatever the size of the cluster.
 */
const MAX_OTHER_PROJECTS_AGENTS = 8

/** Up to `n` of `items`, picked at random. */
function sample<T> (items: readonly T[], n: number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy.slice(0, n)
}

export function notFound (serverId: string): NotFound {
  return new NotFound(`Instance ${serverId} could not be found.`)
}

/** The first non-null result, or null once all are null; rejections count as null. */
async function firstFound<T> (attempts: ReadonlyArray<Promise<T | null>>): Promise<T | null> {
  return await new Promise(resolve => {
    let pending = attempts.length
    if (pending === 0) resolve(null)
    for (const attempt of attempts) {
      attempt.then(value => {
        if (value !== null) resolve(value)
        else if (--pending === 0) resolve(null)
      }, () => { if (--pending === 0) resolve(null) })
    }
  })
}
