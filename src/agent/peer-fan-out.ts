/**
 * Asking several agents the same thing at once: each serves the call from its own cloudlet
 * ("local" directive), and every answer — or why there is none — comes back with its agent.
 * Used for the global objects (keypairs, flavors), whose copies live in several cloudlets.
 */
import type { HttpResponse } from '../core/http.ts'
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
