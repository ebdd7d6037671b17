/**
 * Networks, subnets, ports, security groups and their rules as one cloud's worth (issue 7
 * §3–§4, issue 6's network lists). An object made through an agent lives in that agent's
 * cloudlet, its home (a subnet in its network's home); other cloudlets get copies when a server
 * or port there first needs one (network-copies.ts), under the same global id (network-ids.ts).
 * - Lists gather the cloudlets of the project's network footprint (`net:<project>`, with the
 *   shared networks' holders and, for an admin, every agent), each leaving its copies out, and
 *   are merged, sorted and paged with Neutron's semantics (proxy/network-list-merge.ts).
 * - A read by id goes to the object's home (a copy answers while its home is unreachable); a
 *   change goes to the home, then to every copy; a delete to the copies first (a copy still in
 *   use refuses as Neutron does, and the object stays), then to the home. A rule is added in its
 *   group's home and then in each copy; rules are deleted everywhere.
 * - A port is made in the agent's own cloudlet, with its network copied there first; a server
 *   given that port is placed in that cloudlet (server-create.ts).
 * Connectivity between cloudlets is not provided (docs/ARCHITECTURE.md).
 */
import { jsonResponse } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { ServiceUnavailable } from '../openstack/faults.ts'
import { invalidInput } from '../openstack/network/faults.ts'
import { NETWORK_COLLECTIONS } from '../openstack/network/routes.ts'
import type { NetworkCollection } from '../openstack/network/routes.ts'
import type { WireItem } from '../openstack/network/collection-query.ts'
import { mergeNetworkLists, networkBodyKey, networkFanOutQuery } from '../proxy/network-list-merge.ts'
import { ensureNetwork, ensureSecurityGroups, knowDefaultGroup } from './network-copies.ts'
import { HOME_HEADER, networkHolders, takeHome } from './network-holders.ts'
import { askAgents } from './peer-fan-out.ts'
import { getCall, isForwardFailure } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef } from './proxy-ports.ts'
import { bodyText } from './upstream-call.ts'

/** Collections with copies in several cloudlets (ports live in one). */
const COPIED: ReadonlySet<NetworkCollection> = new Set(['networks', 'subnets', 'security-groups'])

function collectionOf (routeName: string): { collection: NetworkCollection, op: string } | null {
  const [segment, ...rest] = routeName.split(':')
  if (segment === undefined || !(segment in NETWORK_COLLECTIONS)) return null
  return { collection: segment as NetworkCollection, op: rest.join(':') }
}

export async function routeNetwork (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  await knowDefaultGroup(proxy, call)
  const found = collectionOf(call.route?.name ?? '')
  if (found === null) return await proxy.serveLocally(call)
  const { collection, op } = found
  if (op === 'list') return await listObjects(proxy, call, collection)
  if (op === 'create') return await createObject(proxy, call, collection)
  const id = call.params[NETWORK_COLLECTIONS[collection].param] ?? ''
  if (op === 'show' || op === 'tags:list' || op === 'tags:check') return await readObject(proxy, call, collection, id)
  if (collection === 'security-group-rules' && op === 'delete') return await everywhere(proxy, call)
  if (op === 'delete' && COPIED.has(collection)) return await deleteObject(proxy, call, collection, id)
  return await changeObject(proxy, call, collection, id)
}

/** A call another agent sent for this one's own cloudlet: as it is, with the home of a copied object named. */
export async function serveForwardedNetworkCall (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  await knowDefaultGroup(proxy, call)
  const response = await proxy.serveLocally(call)
  const found = collectionOf(call.route?.name ?? '')
  if (found === null || !COPIED.has(found.collection) || found.op !== 'show' || response.status !== 200) return response
  const id = call.params[NETWORK_COLLECTIONS[found.collection].param] ?? ''
  const home = proxy.networkIds.homeOf(id) ?? proxy.self
  return { ...response, headers: { ...response.headers, [HOME_HEADER]: `${home.id} ${home.address}` } }
}

async function listObjects (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection): Promise<HttpResponse> {
  const query = new URLSearchParams(call.search)
  const fanOut = networkFanOutQuery(query)
  const search = fanOut.size === 0 ? '' : `?${fanOut.toString()}`
  const peers = askAgents(proxy, call, networkHolders(proxy, call), { method: 'GET', path: call.path, search, timeoutMs: proxy.listTimeoutMs })
  const own = await proxy.serveLocally(getCall(call, call.path, call.route, search))
  if (own.status !== 200) return own
  const key = networkBodyKey(collection)
  const lists = [itemsOf(own, key)]
  for (const { agent, response } of await peers) {
    if (!isForwardFailure(response) && response.status === 200) lists.push(itemsOf(response, key))
    else proxy.logger.warn({ agent: agent.id, path: call.path, status: isForwardFailure(response) ? response.failed : response.status }, 'a list is partial: an agent did not answer')
  }
  const body = mergeNetworkLists({ collection, lists, query, collectionUrl: `${call.publicBase}/network${call.path}` })
  return jsonResponse(200, body, requestIdOf(own))
}

async function createObject (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection): Promise<HttpResponse> {
  const text = await proxy.bodyOf(call)
  const item = itemOf(text, collection)
  if (collection === 'subnets' && typeof item?.network_id === 'string') {
    // A subnet lives in its network's home, which slices its pool for the other cloudlets.
    const home = await homeOf(proxy, call, 'networks', item.network_id)
    if (home !== null && home.id !== proxy.self.id) {
      const answer = await proxy.forwardTo(home, call, { mode: 'local', body: text })
      if (!isForwardFailure(answer)) return answer
      return unreachable(home)
    }
  }
  if (collection === 'ports' && item !== null) {
    if (typeof item.network_id === 'string') await ensureNetwork(proxy, call, item.network_id)
    if (Array.isArray(item.security_groups)) await ensureSecurityGroups(proxy, call, item.security_groups.filter((g): g is string => typeof g === 'string'))
  }
  if (collection === 'security-group-rules' && typeof item?.security_group_id === 'string') return await addRule(proxy, call, text, item.security_group_id)
  return await proxy.serveLocally(call, { body: text })
}

/** A rule goes to its group's home (a default group's is everywhere, so here first), then to every other holder of the group. */
async function addRule (proxy: ProxyContext, call: ProxyCall, text: string, groupId: string): Promise<HttpResponse> {
  const home = proxy.networkIds.records.get(groupId)?.kind === 'default-security-group' ? proxy.self : await homeOf(proxy, call, 'security-groups', groupId)
  let answer: HttpResponse
  if (home === null || home.id === proxy.self.id) {
    answer = await proxy.serveLocally(call, { body: text })
  } else {
    const forwarded = await proxy.forwardTo(home, call, { mode: 'local', body: text })
    if (isForwardFailure(forwarded)) return unreachable(home)
    answer = forwarded
  }
  if (answer.status !== 201) return answer
  const others = networkHolders(proxy, call).filter(a => a.id !== home?.id)
  for (const { agent, response } of await askAgents(proxy, call, others, { method: 'POST', path: call.path, body: text })) {
    const status = isForwardFailure(response) ? response.failed : response.status
    if (status !== 201 && status !== 404 && status !== 409) proxy.logger.warn({ agent: agent.id, status }, 'a rule did not reach a copy of its group')
  }
  return answer
}

async function readObject (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection, id: string): Promise<HttpResponse> {
  const home = COPIED.has(collection) ? await homeOf(proxy, call, collection, id, false) : proxy.locations.get(id)?.agent ?? null
  if (home !== null && home.id !== proxy.self.id) {
    const answer = await proxy.forwardTo(home, call, { mode: 'local' })
    if (!isForwardFailure(answer) && answer.status !== 404) return takeHome(answer).response
  }
  const own = await proxy.serveLocally(call)
  if (own.status !== 404) return own
  for (const { agent, response } of await askAgents(proxy, call, networkHolders(proxy, call), { method: call.request.method, path: call.path, search: call.search, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    const taken = takeHome(response)
    proxy.locations.put(id, collection, { agent: taken.home ?? agent, projectId: call.auth.project?.id ?? null, createdAt: null })
    return taken.response
  }
  return own
}

/** An update or a tag change: at the home, then (for copied objects) at every copy. */
async function changeObject (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection, id: string): Promise<HttpResponse> {
  const text = call.request.body === null ? undefined : await proxy.bodyOf(call)
  if (collection === 'subnets' && text !== undefined && proxy.networkIds.pools(id) !== null && itemOf(text, 'subnets')?.allocation_pools !== undefined) {
    throw invalidInput(`the allocation pools of subnet ${id} are shared out between cloudlets by p2pstack and cannot be changed`)
  }
  const home = COPIED.has(collection) ? await homeOf(proxy, call, collection, id) : await locateOwner(proxy, call, collection, id)
  let answer: HttpResponse
  if (home === null || home.id === proxy.self.id) {
    answer = await proxy.serveLocally(call, text === undefined ? {} : { body: text })
  } else {
    const forwarded = await proxy.forwardTo(home, call, { mode: 'local', ...(text === undefined ? {} : { body: text }) })
    if (isForwardFailure(forwarded)) return unreachable(home)
    answer = forwarded
  }
  if (answer.status >= 300 || !COPIED.has(collection)) return answer
  const others = networkHolders(proxy, call).filter(a => a.id !== home?.id)
  await askAgents(proxy, call, others, { method: call.request.method, path: call.path, search: call.search, ...(text === undefined ? {} : { body: text }) })
  return answer
}

/** A delete of a copied object: the copies first (one in use refuses, and then nothing more is deleted), then the home. */
async function deleteObject (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection, id: string): Promise<HttpResponse> {
  const home = await homeOf(proxy, call, collection, id)
  const homeId = home?.id ?? proxy.self.id
  const copies = networkHolders(proxy, call).filter(a => a.id !== homeId)
  if (homeId !== proxy.self.id && proxy.networkIds.isCopy(id) && !copies.some(a => a.id === proxy.self.id)) copies.push(proxy.self)
  for (const agent of copies) {
    const answer = agent.id === proxy.self.id ? await proxy.serveLocally(call) : await proxy.forwardTo(agent, call, { mode: 'local' })
    if (!isForwardFailure(answer) && answer.status === 409) return answer
  }
  if (homeId === proxy.self.id) return await proxy.serveLocally(call)
  const answer = await proxy.forwardTo(home as AgentRef, call, { mode: 'local' })
  return isForwardFailure(answer) ? unreachable(home as AgentRef) : answer
}

/** A call made in the own cloudlet and at every holder; the own answer if it succeeded, else the first success, else the own. */
async function everywhere (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const peers = askAgents(proxy, call, networkHolders(proxy, call), { method: call.request.method, path: call.path, search: call.search })
  const own = await proxy.serveLocally(call)
  const answers = await peers
  if (own.status < 300) return own
  for (const { response } of answers) if (!isForwardFailure(response) && response.status < 300) return response
  return own
}

/**
 * The home of a copied object: this agent's record of its copy, the location store, this agent
 * (when its cloudlet has it), or the holder that answers for it; null when nobody knows it.
 */
export async function homeOf (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection, id: string, askOthers = true): Promise<AgentRef | null> {
  const recorded = proxy.networkIds.homeOf(id)
  if (recorded !== null) return recorded
  if (proxy.networkIds.records.get(id)?.kind === 'default-security-group') return proxy.self
  const known = proxy.locations.get(id)
  if (known !== null) return known.agent
  if (!askOthers) return null
  return await locateOwner(proxy, call, collection, id)
}

/** Where an object the agent has no record of is: this agent if its cloudlet shows it, else the holder that does. */
async function locateOwner (proxy: ProxyContext, call: ProxyCall, collection: NetworkCollection, id: string): Promise<AgentRef | null> {
  const known = proxy.locations.get(id)
  if (known !== null) return known.agent
  const path = `/v2.0/${collection}/${encodeURIComponent(id)}`
  const own = await proxy.serveLocally(getCall(call, path, null))
  if (own.status === 200) return proxy.self
  for (const { agent, response } of await askAgents(proxy, call, networkHolders(proxy, call), { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    const home = takeHome(response).home ?? agent
    proxy.locations.put(id, collection, { agent: home, projectId: call.auth.project?.id ?? null, createdAt: null })
    return home
  }
  return null
}

function unreachable (agent: AgentRef): never {
  throw new ServiceUnavailable(`The cloudlet behind agent ${agent.id}, which holds this object, is not reachable; try again later.`)
}

function itemsOf (response: HttpResponse, key: string): WireItem[] {
  try {
    const items = (JSON.parse(bodyText(response)) as Record<string, unknown>)[key]
    return Array.isArray(items) ? items.filter((i): i is WireItem => i !== null && typeof i === 'object' && typeof (i as WireItem).id === 'string') : []
  } catch {
    return []
  }
}

function itemOf (text: string, collection: NetworkCollection): Record<string, unknown> | null {
  try {
    const item = (JSON.parse(text) as Record<string, unknown>)[networkBodyKey(collection).replace(/s$/, '')]
    return item !== null && typeof item === 'object' && !Array.isArray(item) ? item as Record<string, unknown> : null
  } catch {
    return null
  }
}

function requestIdOf (response: HttpResponse): Record<string, string> {
  const id = response.headers['x-openstack-request-id']
  return id === undefined ? {} : { 'x-openstack-request-id': id }
}
