/**
 * What an agent remembers from its own cloudlet's answers to network calls: an object made here
 * is at home here (location store) and puts this agent in its project's network footprint —
 * in the shared networks' too, for a shared or external network — so that lists and by-id calls
 * through other agents find it; a deleted copy or derived id is forgotten.
 */
import type { HttpResponse } from '../core/http.ts'
import { NETWORK_COLLECTIONS } from '../openstack/network/routes.ts'
import type { NetworkCollection } from '../openstack/network/routes.ts'
import { networkBodyKey } from '../proxy/network-list-merge.ts'
import { networkFootprintKey, SHARED_NETWORKS_KEY } from './network-holders.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import { bodyText } from './upstream-call.ts'

export function learnNetworkAnswer (proxy: ProxyContext, call: ProxyCall, response: HttpResponse): void {
  const [segment, op] = (call.route?.name ?? '').split(':')
  if (segment === undefined || !(segment in NETWORK_COLLECTIONS)) return
  const collection = segment as NetworkCollection
  if (op === 'delete' && response.status === 204) {
    const id = call.params[NETWORK_COLLECTIONS[collection].param]
    if (id === undefined) return
    if (proxy.networkIds.records.get(id) !== null) proxy.networkIds.forget(id)
    if (proxy.locations.get(id)?.agent.id === proxy.self.id) proxy.locations.delete(id)
    return
  }
  if ((op !== 'create' && op !== 'update') || response.status >= 300) return
  let item: Record<string, unknown> | undefined
  try {
    item = (JSON.parse(bodyText(response)) as Record<string, Record<string, unknown> | undefined>)[networkBodyKey(collection).replace(/s$/, '')]
  } catch {
    return
  }
  if (item === undefined || item === null || typeof item.id !== 'string') return
  const project = typeof item.project_id === 'string' ? item.project_id : call.auth.project?.id ?? null
  if (op === 'create') {
    proxy.locations.put(item.id, collection, { agent: proxy.self, projectId: project, createdAt: typeof item.created_at === 'string' ? item.created_at : null })
    const key = project === null ? null : networkFootprintKey(project)
    if (key !== null) proxy.footprint.add(key)
  }
  if (collection === 'networks' && (item.shared === true || item['router:external'] === true) && !proxy.networkIds.isCopy(item.id)) proxy.footprint.add(SHARED_NETWORKS_KEY)
}
