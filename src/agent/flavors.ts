/**
 * Flavors are one global set (issue 7 §2): a flavor an admin creates through any agent lives in
 * that agent's cloudlet, and is created with the same id in another cloudlet the first time a
 * server there needs it (`ensureFlavor`, as the cloudlet's admin). The agents holding flavors
 * made or copied through the proxy form the footprint key `flavors`, so that
 * - `flavor list` gathers the own cloudlet's flavors and those agents', once each by id, sorted
 *   and paged as Nova does (proxy/global-list-merge.ts);
 * - a show, and a read of a flavor's extra specs or access list, is answered by the own cloudlet
 *   or else by the first of those agents that has the flavor;
 * - a change (delete, description, extra specs, access) is made on every copy.
 * A copy held by an agent that is down during a delete stays there (and in lists) until the
 * flavor is deleted again; the replicated registry of issue 7's later parts removes that gap.
 */
import { jsonResponse } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { mergeFlavorLists } from '../proxy/global-list-merge.ts'
import type { WireObject } from '../proxy/global-list-merge.ts'
import { askAgents, gatherLists } from './peer-fan-out.ts'
import { isForwardFailure } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import { bodyText, passedVersionHeaders } from './upstream-call.ts'

export const FLAVORS_FOOTPRINT_KEY = 'flavors'

export async function listFlavors (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const gathered = await gatherLists(proxy, call, proxy.footprint.agentsOf(FLAVORS_FOOTPRINT_KEY), '/v2.1/flavors/detail', flavorsOf)
  if ('failed' in gathered) return gathered.failed
  const body = mergeFlavorLists({ lists: gathered.lists, query: new URLSearchParams(call.search), detail: call.route?.name === 'flavors:detail', computeUrl: `${call.publicBase}/compute` })
  return jsonResponse(200, body, passedVersionHeaders(gathered.own))
}

/** A read of one flavor (show, extra specs, access list): the own cloudlet's, or the first holder's. */
export async function readFlavor (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const own = await proxy.serveLocally(call)
  if (own.status !== 404) return own
  for (const { response } of await askAgents(proxy, call, proxy.footprint.agentsOf(FLAVORS_FOOTPRINT_KEY), { method: call.request.method, path: call.path, search: call.search, timeoutMs: proxy.listTimeoutMs })) {
    if (!isForwardFailure(response) && response.status < 300) return response
  }
  return own
}

/** A change of one flavor, made on every copy: the own cloudlet's answer if it has the flavor, else the first holder's. */
export async function changeFlavor (proxy: ProxyContext, call: ProxyCall, text: string | null): Promise<HttpResponse> {
  const holders = proxy.footprint.agentsOf(FLAVORS_FOOTPRINT_KEY)
  const peers = askAgents(proxy, call, holders, { method: call.request.method, path: call.path, search: call.search, ...(text === null ? {} : { body: text }) })
  const own = await proxy.serveLocally(call, text === null ? {} : { body: text })
  const answers = await peers
  if (own.status !== 404) return own
  for (const { response } of answers) {
    if (!isForwardFailure(response) && response.status !== 404) return response
  }
  return own
}

/**
 * Before a server is created in the own cloudlet with flavor `flavorId`: if the cloudlet lacks
 * it, it is created with the same id, sizes, extra specs and (for a private flavor) access for
 * the caller's project, from what a holder shows the caller. Nothing found: Nova answers.
 */
export async function ensureFlavor (proxy: ProxyContext, call: ProxyCall, flavorId: string): Promise<void> {
  const path = `/v2.1/flavors/${encodeURIComponent(flavorId)}`
  if ((await proxy.asCloudletAdmin(call, 'GET', path, null)).status === 200) return
  const found = await remoteFlavor(proxy, call, flavorId)
  if (found === null) return
  const { flavor, extraSpecs } = found
  const isPublic = flavor['os-flavor-access:is_public'] !== false
  const created = await proxy.asCloudletAdmin(call, 'POST', '/v2.1/flavors', JSON.stringify({
    flavor: {
      id: flavorId,
      name: flavor.name,
      ram: flavor.ram,
      vcpus: flavor.vcpus,
      disk: flavor.disk,
      ...(typeof flavor.swap === 'number' ? { swap: flavor.swap } : {}),
      ...(typeof flavor['OS-FLV-EXT-DATA:ephemeral'] === 'number' ? { 'OS-FLV-EXT-DATA:ephemeral': flavor['OS-FLV-EXT-DATA:ephemeral'] } : {}),
      ...(typeof flavor.rxtx_factor === 'number' ? { rxtx_factor: flavor.rxtx_factor } : {}),
      ...(typeof flavor.description === 'string' ? { description: flavor.description } : {}),
      'os-flavor-access:is_public': isPublic
    }
  }))
  if (created.status >= 300 && created.status !== 409) {
    proxy.logger.warn({ status: created.status, flavorId }, 'could not copy a flavor into this cloudlet')
    return
  }
  if (Object.keys(extraSpecs).length > 0) await proxy.asCloudletAdmin(call, 'POST', `${path}/os-extra_specs`, JSON.stringify({ extra_specs: extraSpecs }))
  const projectId = call.auth.project?.id
  if (!isPublic && projectId !== undefined) await proxy.asCloudletAdmin(call, 'POST', `${path}/action`, JSON.stringify({ addTenantAccess: { tenant: projectId } }))
  proxy.footprint.add(FLAVORS_FOOTPRINT_KEY)
}

/** A flavor and its extra specs as the first holder shows them to the caller; null when none does. */
export async function remoteFlavor (proxy: ProxyContext, call: ProxyCall, flavorId: string): Promise<{ flavor: WireObject, extraSpecs: Record<string, string> } | null> {
  const path = `/v2.1/flavors/${encodeURIComponent(flavorId)}`
  const versioned = { ...call, request: { ...call.request, headers: { ...call.request.headers, 'openstack-api-version': 'compute 2.61' } } }
  for (const { response } of await askAgents(proxy, versioned, proxy.footprint.agentsOf(FLAVORS_FOOTPRINT_KEY), { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    try {
      const flavor = (JSON.parse(bodyText(response)) as { flavor?: WireObject }).flavor
      if (flavor === undefined || flavor === null) continue
      const specs = flavor.extra_specs
      return { flavor, extraSpecs: specs !== null && typeof specs === 'object' ? specs as Record<string, string> : {} }
    } catch {
      continue
    }
  }
  return null
}

function flavorsOf (response: HttpResponse): WireObject[] {
  try {
    const parsed = JSON.parse(bodyText(response)) as { flavors?: unknown }
    return Array.isArray(parsed.flavors) ? parsed.flavors.filter(f => f !== null && typeof f === 'object' && 'id' in f) as WireObject[] : []
  } catch {
    return []
  }
}
