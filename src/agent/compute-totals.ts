/**
 * Compute answers that add up every cloudlet's part (proxy/totals-merge.ts, proxy/usage-merge.ts):
 * the hypervisor statistics (every agent known: the footprint's and the overlay view's), a
 * project's absolute limits and usage (the agents of its footprint; an admin's usage list asks
 * every agent known). A holder that does not answer only leaves its part out (logged).
 */
import { jsonResponse } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { sumAbsoluteLimits, sumHypervisorStatistics } from '../proxy/totals-merge.ts'
import { mergeTenantUsage, mergeTenantUsageLists } from '../proxy/usage-merge.ts'
import type { WireUsage } from '../proxy/usage-merge.ts'
import { askAgents, uniqueAgents } from './peer-fan-out.ts'
import { isForwardFailure } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef } from './proxy-ports.ts'
import { bodyText, jsonObjectOf, passedVersionHeaders } from './upstream-call.ts'

type Wire = Record<string, unknown>

function everyAgentKnown (proxy: ProxyContext): AgentRef[] {
  return uniqueAgents([...proxy.footprint.allAgents(), ...proxy.scheduler.peers()])
}

/** The project a limits or usage call is about: an admin's tenant_id / the path's, else the caller's. */
function projectOf (call: ProxyCall): string | null {
  const asked = call.params.project_id ?? new URLSearchParams(call.search).get('tenant_id')
  return asked !== null && asked !== undefined && asked !== '' && call.auth.roles.includes('admin') ? asked : call.auth.project?.id ?? null
}

/** The own answer and every other agent's (parsed), or the own answer alone when it failed. */
async function gather (proxy: ProxyContext, call: ProxyCall, agents: readonly AgentRef[]): Promise<{ own: HttpResponse, parts: Wire[] } | { failed: HttpResponse }> {
  const peers = askAgents(proxy, call, agents, { method: 'GET', path: call.path, search: call.search, timeoutMs: proxy.listTimeoutMs })
  const own = await proxy.serveLocally(call)
  if (own.status !== 200) return { failed: own }
  const parts = [jsonObjectOf(bodyText(own))]
  for (const { agent, response } of await peers) {
    if (!isForwardFailure(response) && response.status === 200) parts.push(jsonObjectOf(bodyText(response)))
    else proxy.logger.warn({ agent: agent.id, path: call.path, status: isForwardFailure(response) ? response.failed : response.status }, 'a total is partial: an agent did not answer')
  }
  return { own, parts }
}

export async function hypervisorStatistics (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const gathered = await gather(proxy, call, everyAgentKnown(proxy))
  if ('failed' in gathered) return gathered.failed
  return jsonResponse(200, sumHypervisorStatistics(gathered.parts.map(p => (p.hypervisor_statistics ?? {}) as Wire)), passedVersionHeaders(gathered.own))
}

export async function absoluteLimits (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const project = projectOf(call)
  const gathered = await gather(proxy, call, project === null ? [] : proxy.footprint.agentsOf(project))
  if ('failed' in gathered) return gathered.failed
  const [own, ...others] = gathered.parts
  return jsonResponse(200, sumAbsoluteLimits(own ?? {}, others), passedVersionHeaders(gathered.own))
}

export async function tenantUsage (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const one = call.params.project_id !== undefined
  const project = projectOf(call)
  const agents = one ? (project === null ? [] : proxy.footprint.agentsOf(project)) : everyAgentKnown(proxy)
  const gathered = await gather(proxy, call, agents)
  if ('failed' in gathered) return gathered.failed
  const body = one
    ? mergeTenantUsage(gathered.parts.map(p => (p.tenant_usage ?? {}) as WireUsage))
    : mergeTenantUsageLists(gathered.parts.map(p => (Array.isArray(p.tenant_usages) ? p.tenant_usages : []) as WireUsage[]))
  return jsonResponse(200, body, passedVersionHeaders(gathered.own))
}
