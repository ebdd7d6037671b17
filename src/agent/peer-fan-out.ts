/**
 * Asking several agents the same thing at once: each serves the call from its own cloudlet
 * ("local" directive), and every answer — or why there is none — comes back with its agent.
 * Used for the global objects (keypairs, flavors, images), whose copies live in several cloudlets;
 * `gatherLists` is the list they share.
 */
import type { HttpResponse } from '../core/http.ts'
import { getCall, isForwardFailure } from './proxy-call.ts'
import type { ForwardFailure, ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef } from './proxy-ports.ts'

export interface AgentAnswer {
  readonly agent: AgentRef
  readonly response: HttpResponse | ForwardFailure
}

export async function askAgents (proxy: ProxyContext, call: ProxyCall, agents: readonly AgentRef[], request: {
  readonly method: string
  readonly path: string
  readonly search?: string
  readonly body?: string
  /** Reads get the list timeout (a slow cloudlet only leaves its part out); writes the forward timeout. */
  readonly timeoutMs?: number
}): Promise<AgentAnswer[]> {
  const others = uniqueAgents(agents).filter(a => a.id !== proxy.self.id)
  return await Promise.all(others.map(async agent => ({
    agent,
    response: await proxy.forwardTo(agent, call, {
      mode: 'local',
      method: request.method,
      path: request.path,
      search: request.search ?? '',
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs })
    })
  })))
}

export function uniqueAgents (agents: readonly AgentRef[]): AgentRef[] {
  const seen = new Map<string, AgentRef>()
  for (const a of agents) if (!seen.has(a.id)) seen.set(a.id, a)
  return [...seen.values()]
}

/**
 * A whole list of global objects: the own cloudlet's and every holder's, asked at once without
 * paging (`marker` and `limit` are the merge's), each parsed by `parse`. The own cloudlet's
 * refusal is the answer (`failed`); a holder that does not answer only leaves its part out (logged).
 */
export async function gatherLists<T> (proxy: ProxyContext, call: ProxyCall, holders: readonly AgentRef[], path: string, parse: (response: HttpResponse) => T): Promise<{ failed: HttpResponse } | { own: HttpResponse, lists: T[] }> {
  const asked = new URLSearchParams(call.search)
  asked.delete('marker')
  asked.delete('limit')
  const search = asked.size === 0 ? '' : `?${asked.toString()}`
  const peers = askAgents(proxy, call, holders, { method: 'GET', path, search, timeoutMs: proxy.listTimeoutMs })
  const own = await proxy.serveLocally(getCall(call, path, null, search), { method: 'GET' })
  if (own.status !== 200) return { failed: own }
  const lists = [parse(own)]
  for (const { agent, response } of await peers) {
    if (!isForwardFailure(response) && response.status === 200) lists.push(parse(response))
    else proxy.logger.warn({ agent: agent.id, path, status: isForwardFailure(response) ? response.failed : response.status }, 'a list is partial: an agent did not answer')
  }
  return { own, lists }
}
