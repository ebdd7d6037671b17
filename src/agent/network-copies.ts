/**
 * Copies of global network objects in this agent's cloudlet (issue 7 §3–§4), made when a server
 * or a port here first needs them, as the cloudlet's admin, under the object's owner project:
 * - a network with each of its subnets; a subnet's pool slice is asked from the subnet's home
 *   (`serveSliceRequest` there: the top of its free addresses, the same slice if asked again),
 *   so that no address is given out in two cloudlets;
 * - a security group with its rules, brought in line with its home's on every server create
 *   (a rule change this cloudlet missed is caught up);
 * - the project's default group is learnt (and its rules added from the other holders) on the
 *   project's first network call here;
 * - a server with `networks: "auto"` gets the project's auto-allocated network if a cloudlet
 *   already has one, so a project has one such network, not one per cloudlet.
 * Each copy is written down as an intent before the cloudlet is asked to make it; a copy that
 * was interrupted midway (the agent killed, the cloudlet's answer lost) is rolled back on the
 * next attempt — what the cloudlet made for the intent is deleted — and made again.
 */
import { jsonResponse } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { Conflict, OpenStackFault, ServiceUnavailable } from '../openstack/faults.ts'
import { neutronFault } from '../openstack/network/faults.ts'
import { formatIp, parseIp, removeAddress } from '../openstack/network/ip.ts'
import type { IpRange } from '../openstack/network/ip.ts'
import { carveSlice } from '../proxy/address-slices.ts'
import type { PoolRange } from '../proxy/address-slices.ts'
import { copyTags, slicedTags } from './network-copy-index.ts'
import { defaultGroupId } from './network-ids.ts'
import { networkFootprintKey, networkHolders, takeHome } from './network-holders.ts'
import { askAgents } from './peer-fan-out.ts'
import { isForwardFailure } from './proxy-call.ts'
import { bodyText, jsonObjectOf } from './upstream-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef } from './proxy-ports.ts'

type Json = Record<string, unknown>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The path of the call a subnet's home answers with a slice of the subnet's pools (between agents only). */
export const SLICE_PATH = /^\/v2\.0\/subnets\/([^/]+)\/p2pstack-slice$/

/** The same caller, making a network call (materialization starts from a compute call). */
export function networkCall (call: ProxyCall, method: string, path: string, search = ''): ProxyCall {
  const headers: Record<string, string | undefined> = { ...call.request.headers, 'content-type': 'application/json' }
  delete headers['openstack-api-version']
  delete headers['x-openstack-nova-api-version']
  return { ...call, service: 'network', path, search, route: null, params: {}, request: { ...call.request, method, body: null, headers } }
}

/** Projects whose default group this agent has learnt since it started. */
const knownDefaults = new WeakMap<ProxyContext, Set<string>>()

/**
 * The caller's project's default group in this cloudlet, learnt once per project (Neutron makes
 * it on the first list). A client's call or a server create placed here (not another agent's
 * lookup, which would ask on) also adds the rules the other holders' default groups have and
 * this one lacks (added through an agent while this cloudlet did not yet have the project).
 */
export async function knowDefaultGroup (proxy: ProxyContext, call: ProxyCall): Promise<void> {
  const project = call.auth.project?.id
  if (project === undefined) return
  let known = knownDefaults.get(proxy)
  if (known === undefined) knownDefaults.set(proxy, known = new Set())
  if (known.has(project)) return
  const listed = await proxy.rawLocal(call, 'GET', '/v2.0/security-groups', `?name=default&project_id=${encodeURIComponent(project)}`, null, 'caller')
  if (listed.status !== 200) return
  proxy.networkIds.learn(listed.text)
  known.add(project)
  if (call.directive !== null && call.directive.mode !== 'placed') return
  const id = defaultGroupId(project)
  const local = proxy.networkIds.localId(id)
  if (local === id) return
  try {
    await syncRules(proxy, call, id, local, await rulesAtHolders(proxy, call, id), project, false)
  } catch (error) {
    proxy.logger.warn({ err: (error as Error).message, project }, 'could not bring the default security group in line')
  }
}

async function rulesAtHolders (proxy: ProxyContext, call: ProxyCall, groupId: string): Promise<Json[]> {
  const path = `/v2.0/security-groups/${groupId}`
  const rules = new Map<string, Json>()
  for (const { response } of await askAgents(proxy, networkCall(call, 'GET', path), networkHolders(proxy, call), { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    for (const rule of rulesOf(jsonObjectOf(bodyText(response)).security_group)) if (typeof rule.id === 'string') rules.set(rule.id, rule)
  }
  return [...rules.values()]
}

/** What a server create needs of the networks here: its networks (an "auto" one resolved) and its security groups. Returns the body to create with. */
export async function materializeNetworking (proxy: ProxyContext, call: ProxyCall, body: Json, server: Json): Promise<Json> {
  let networks = server.networks
  if (networks === 'auto') {
    const auto = await autoAllocatedNetwork(proxy, call)
    if (auto !== null) {
      networks = [{ uuid: auto }]
      body = { ...body, server: { ...server, networks } }
    }
  }
  if (Array.isArray(networks)) {
    for (const entry of networks) {
      if (entry !== null && typeof entry === 'object' && typeof (entry as Json).uuid === 'string') await ensureNetwork(proxy, call, (entry as Json).uuid as string)
    }
  }
  const groups = Array.isArray(server.security_groups)
    ? server.security_groups.map(g => (g !== null && typeof g === 'object' ? (g as Json).name : undefined)).filter((n): n is string => typeof n === 'string')
    : ['default']
  await ensureSecurityGroups(proxy, call, groups)
  return body
}

/**
 * What Nova makes of `networks: "auto"`, decided over the whole cloud rather than the chosen
 * cloudlet: the project's one available network (its own or a shared one, as Nova's
 * _get_available_networks finds them; the auto-allocated network once one exists anywhere), or
 * null when it has none (the cloudlet's Neutron allocates one); several: Nova's 409.
 */
async function autoAllocatedNetwork (proxy: ProxyContext, call: ProxyCall): Promise<string | null> {
  const project = call.auth.project?.id
  if (project === undefined) return null
  const ids = new Set<string>()
  for (const search of [`?project_id=${encodeURIComponent(project)}&shared=False`, '?shared=True']) {
    const list = networkCall(call, 'GET', '/v2.0/networks', search)
    const own = await proxy.serveLocally(list)
    if (own.status === 200) for (const id of idsOf(bodyText(own), 'networks')) ids.add(id)
    for (const { response } of await askAgents(proxy, list, networkHolders(proxy, call), { method: 'GET', path: '/v2.0/networks', search, timeoutMs: proxy.listTimeoutMs })) {
      if (!isForwardFailure(response) && response.status === 200) for (const id of idsOf(bodyText(response), 'networks')) ids.add(id)
    }
  }
  if (ids.size > 1) throw new Conflict('Multiple possible networks found, use a Network ID to be more specific.')
  return [...ids][0] ?? null
}

/** Copies being made, by agent and global id: a second create needing the same copy waits for the first instead of making another. */
const copying = new WeakMap<ProxyContext, Map<string, Promise<void>>>()

async function oneAtATime (proxy: ProxyContext, id: string, work: () => Promise<void>): Promise<void> {
  let running = copying.get(proxy)
  if (running === undefined) copying.set(proxy, running = new Map())
  const previous = running.get(id) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(work)
  running.set(id, next)
  try {
    await next
  } finally {
    if (running.get(id) === next) running.delete(id)
  }
}

/** Makes sure network `id` (with its subnets) is in this cloudlet; when nobody has it, Neutron or Nova answers as it would. */
export async function ensureNetwork (proxy: ProxyContext, call: ProxyCall, id: string): Promise<void> {
  if (!UUID.test(id) || proxy.networkIds.isCopy(id)) return
  await oneAtATime(proxy, id, async () => { await copyNetwork(proxy, call, id) })
}

async function copyNetwork (proxy: ProxyContext, call: ProxyCall, id: string): Promise<void> {
  if (proxy.networkIds.isCopy(id)) return
  if ((await proxy.rawLocal(call, 'GET', `/v2.0/networks/${id}`, '', null, 'admin')).status === 200) return
  const found = await fromHome(proxy, call, 'networks', id)
  if (found === null) return
  const network = found.item
  const owner = typeof network.project_id === 'string' ? network.project_id : call.auth.project?.id ?? null
  await rollBack(proxy, call, 'networks', id, `?name=${encodeURIComponent(String(network.name ?? ''))}`)
  proxy.networkIds.records.put({ globalId: id, kind: 'network', localId: null, projectId: owner, home: found.home })
  const created = await proxy.rawLocal(call, 'POST', '/v2.0/networks', '', JSON.stringify({
    network: pick(network, ['name', 'description', 'admin_state_up', 'mtu', 'shared', 'router:external', 'port_security_enabled'], owner)
  }), 'admin')
  const localNetwork = idOf(created, 'network')
  await tag(proxy, call, 'networks', localNetwork, copyTags(id, found.home))
  for (const subnetId of Array.isArray(network.subnets) ? network.subnets.filter((s): s is string => typeof s === 'string') : []) {
    await copySubnet(proxy, call, subnetId, localNetwork, found.home, owner)
  }
  proxy.networkIds.record({ globalId: id, kind: 'network', localId: localNetwork, projectId: owner, home: found.home })
  holdFor(proxy, owner)
}

async function copySubnet (proxy: ProxyContext, call: ProxyCall, id: string, localNetwork: string, home: AgentRef, owner: string | null): Promise<void> {
  if (proxy.networkIds.isCopy(id)) return
  const path = `/v2.0/subnets/${id}`
  const shown = await proxy.forwardTo(home, networkCall(call, 'GET', path), { mode: 'local', method: 'GET', path, search: '' })
  if (isForwardFailure(shown)) throw new ServiceUnavailable(`Subnet ${id} could not be copied: agent ${home.id}, its home, is not reachable.`)
  if (shown.status !== 200) throw new OpenStackFault(shown.status === 404 ? 404 : 503, `Subnet ${id} could not be copied: its home answered ${shown.status}.`)
  const subnet = jsonObjectOf(bodyText(shown)).subnet as Json
  const slicePath = `/v2.0/subnets/${id}/p2pstack-slice`
  const sliced = await proxy.forwardTo(home, networkCall(call, 'POST', slicePath), { mode: 'local', method: 'POST', path: slicePath, search: '', body: '{}' })
  if (isForwardFailure(sliced)) throw new ServiceUnavailable(`Subnet ${id} could not be copied: agent ${home.id}, its home, is not reachable.`)
  if (sliced.status !== 200) return void passFault(sliced)
  const slice = jsonObjectOf(bodyText(sliced)).allocation_pools
  await rollBack(proxy, call, 'subnets', id, `?network_id=${encodeURIComponent(localNetwork)}&cidr=${encodeURIComponent(String(subnet.cidr ?? ''))}`)
  proxy.networkIds.records.put({ globalId: id, kind: 'subnet', localId: null, projectId: owner, home })
  const created = await proxy.rawLocal(call, 'POST', '/v2.0/subnets', '', JSON.stringify({
    subnet: {
      ...pick(subnet, ['name', 'description', 'cidr', 'ip_version', 'gateway_ip', 'enable_dhcp', 'dns_nameservers', 'host_routes', 'ipv6_ra_mode', 'ipv6_address_mode'], owner),
      network_id: localNetwork,
      allocation_pools: slice
    }
  }), 'admin')
  const localSubnet = idOf(created, 'subnet')
  await tag(proxy, call, 'subnets', localSubnet, copyTags(id, home))
  proxy.networkIds.record({ globalId: id, kind: 'subnet', localId: localSubnet, projectId: owner, home })
  if (Array.isArray(subnet.allocation_pools)) proxy.networkIds.setPools(id, subnet.allocation_pools as PoolRange[])
}

/** Serialized per subnet: two slices of one subnet are never carved at once. */
const slicing = new Map<string, Promise<unknown>>()

/**
 * At a subnet's home: the slice of its pools another agent gets (the same one if it asked
 * before): the top of the free addresses, taken out of this cloudlet's pools. The pools the
 * subnet had before its first slice are what users are shown from then on.
 */
export async function serveSliceRequest (proxy: ProxyContext, call: ProxyCall, subnetId: string): Promise<HttpResponse> {
  const requester = call.directive?.from ?? ''
  const previous = slicing.get(subnetId) ?? Promise.resolve()
  const work = previous.catch(() => {}).then(async () => await carveFor(proxy, call, subnetId, requester))
  slicing.set(subnetId, work)
  try {
    return jsonResponse(200, { allocation_pools: await work })
  } finally {
    if (slicing.get(subnetId) === work) slicing.delete(subnetId)
  }
}

async function carveFor (proxy: ProxyContext, call: ProxyCall, subnetId: string, requester: string): Promise<PoolRange[]> {
  const records = proxy.networkIds.records
  const given = records.slice(subnetId, requester)
  if (given !== null) return given
  const shown = await proxy.rawLocal(call, 'GET', `/v2.0/subnets/${subnetId}`, '', null, 'admin')
  if (shown.status !== 200) throw neutronFault(404, 'SubnetNotFound', `Subnet ${subnetId} could not be found.`)
  const subnet = jsonObjectOf(shown.text).subnet as Json
  const pools = (Array.isArray(subnet.allocation_pools) ? subnet.allocation_pools : []) as PoolRange[]
  if (proxy.networkIds.pools(subnetId) === null) {
    proxy.networkIds.setPools(subnetId, pools)
    for (const sliced of slicedTags(pools)) {
      const added = await proxy.rawLocal(call, 'PUT', `/v2.0/subnets/${subnetId}/tags/${encodeURIComponent(sliced)}`, '', null, 'admin')
      if (added.status >= 300) proxy.logger.warn({ status: added.status, subnetId }, 'could not tag a sliced subnet')
    }
  }
  const used = async (): Promise<string[]> => {
    const ports = await proxy.rawLocal(call, 'GET', '/v2.0/ports', `?network_id=${encodeURIComponent(String(subnet.network_id))}`, null, 'admin')
    const list = jsonObjectOf(ports.text).ports
    return (Array.isArray(list) ? list as Json[] : []).flatMap(p => Array.isArray(p.fixed_ips) ? p.fixed_ips as Json[] : [])
      .filter(f => f.subnet_id === subnetId && typeof f.ip_address === 'string').map(f => f.ip_address as string)
  }
  const carved = carveSlice(pools, await used())
  if (carved === null) throw neutronFault(409, 'IpAddressGenerationFailure', `No more IP addresses available on subnet ${subnetId} for another cloudlet.`)
  const updated = await proxy.rawLocal(call, 'PUT', `/v2.0/subnets/${subnetId}`, '', JSON.stringify({ subnet: { allocation_pools: carved.remaining } }), 'admin')
  if (updated.status !== 200) throw new ServiceUnavailable(`The pools of subnet ${subnetId} could not be sliced (${updated.status}).`)
  // An address given out here while the slice was being carved stays here.
  const slice = withoutAddresses(carved.slice, await used())
  records.putSlice(subnetId, requester, slice)
  return slice
}

function withoutAddresses (pools: readonly PoolRange[], used: readonly string[]): PoolRange[] {
  let ranges: IpRange[] = pools.flatMap(p => {
    const first = parseIp(p.start)
    const last = parseIp(p.end)
    return first === null || last === null ? [] : [{ version: first.version, first: first.value, last: last.value }]
  })
  for (const text of used) {
    const ip = parseIp(text)
    if (ip !== null) ranges = removeAddress(ranges, ip.value)
  }
  return ranges.map(r => ({ start: formatIp({ version: r.version, value: r.first }), end: formatIp({ version: r.version, value: r.last }) }))
}

export async function ensureSecurityGroups (proxy: ProxyContext, call: ProxyCall, refs: readonly string[]): Promise<void> {
  await knowDefaultGroup(proxy, call)
  for (const ref of new Set(refs)) await ensureSecurityGroup(proxy, call, ref, 0)
}

/** Makes sure group `ref` (a name or an id) is here, with its home's rules. */
async function ensureSecurityGroup (proxy: ProxyContext, call: ProxyCall, ref: string, depth: number): Promise<void> {
  const project = call.auth.project?.id
  if (ref === 'default' || (project !== undefined && ref === defaultGroupId(project))) return
  const id = UUID.test(ref) ? ref : await groupIdByName(proxy, call, ref)
  if (id === null || proxy.networkIds.records.get(id)?.kind === 'default-security-group') return
  await oneAtATime(proxy, id, async () => { await copySecurityGroup(proxy, call, id, depth) })
}

async function copySecurityGroup (proxy: ProxyContext, call: ProxyCall, id: string, depth: number): Promise<void> {
  const project = call.auth.project?.id
  if (!proxy.networkIds.isCopy(id) && (await proxy.rawLocal(call, 'GET', `/v2.0/security-groups/${id}`, '', null, 'admin')).status === 200) return
  const found = await fromHome(proxy, call, 'security-groups', id)
  if (found === null) return
  const group = found.item
  const owner = typeof group.project_id === 'string' ? group.project_id : project ?? null
  let local = proxy.networkIds.isCopy(id) ? proxy.networkIds.localId(id) : null
  if (local === null) {
    await rollBack(proxy, call, 'security-groups', id, `?name=${encodeURIComponent(String(group.name ?? ''))}`)
    proxy.networkIds.records.put({ globalId: id, kind: 'security-group', localId: null, projectId: owner, home: found.home })
    const created = await proxy.rawLocal(call, 'POST', '/v2.0/security-groups', '', JSON.stringify({ security_group: pick(group, ['name', 'description', 'stateful'], owner) }), 'admin')
    local = idOf(created, 'security_group')
    await tag(proxy, call, 'security-groups', local, copyTags(id, found.home))
    proxy.networkIds.record({ globalId: id, kind: 'security-group', localId: local, projectId: owner, home: found.home })
    holdFor(proxy, owner)
  }
  // Groups the rules name as their remote group come too (one level down).
  for (const rule of rulesOf(group)) {
    const remote = rule.remote_group_id
    if (typeof remote === 'string' && remote !== id && depth < 1) await ensureSecurityGroup(proxy, call, remote, depth + 1)
  }
  await syncRules(proxy, call, id, local, rulesOf(group), owner, true)
}

/** Adds the reference rules this cloudlet's group lacks (and, with `exact`, deletes the ones the reference does not have). */
async function syncRules (proxy: ProxyContext, call: ProxyCall, groupId: string, localGroup: string, reference: readonly Json[], owner: string | null, exact: boolean): Promise<void> {
  const listed = await proxy.rawLocal(call, 'GET', '/v2.0/security-group-rules', `?security_group_id=${encodeURIComponent(localGroup)}`, null, 'admin')
  proxy.networkIds.learn(listed.text, true)
  const local = new Map<string, string>()
  const rules = jsonObjectOf(listed.text).security_group_rules
  for (const rule of Array.isArray(rules) ? rules as Json[] : []) if (typeof rule.id === 'string') local.set(proxy.networkIds.globalId(rule.id), rule.id)
  const wanted = new Set(reference.map(r => r.id).filter((id): id is string => typeof id === 'string'))
  for (const rule of reference) {
    if (typeof rule.id !== 'string' || local.has(rule.id)) continue
    const created = await proxy.rawLocal(call, 'POST', '/v2.0/security-group-rules', '', JSON.stringify({
      security_group_rule: { ...pick(rule, ['direction', 'ethertype', 'protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix', 'remote_group_id', 'remote_address_group_id', 'description'], owner), security_group_id: localGroup }
    }), 'admin')
    if (created.status === 201) proxy.networkIds.learn(created.text)
    else if (created.status !== 409) proxy.logger.warn({ status: created.status, group: groupId }, 'could not copy a security group rule')
  }
  if (!exact) return
  for (const [global, localRule] of local) {
    if (wanted.has(global)) continue
    const deleted = await proxy.rawLocal(call, 'DELETE', `/v2.0/security-group-rules/${localRule}`, '', null, 'admin')
    if (deleted.status === 204 || deleted.status === 404) proxy.networkIds.forget(global)
  }
}

async function groupIdByName (proxy: ProxyContext, call: ProxyCall, name: string): Promise<string | null> {
  const search = `?name=${encodeURIComponent(name)}`
  const list = networkCall(call, 'GET', '/v2.0/security-groups', search)
  const ids = new Set<string>()
  const own = await proxy.serveLocally(list)
  if (own.status === 200) for (const id of idsOf(bodyText(own), 'security_groups')) ids.add(id)
  for (const { response } of await askAgents(proxy, list, networkHolders(proxy, call), { method: 'GET', path: '/v2.0/security-groups', search, timeoutMs: proxy.listTimeoutMs })) {
    if (!isForwardFailure(response) && response.status === 200) for (const id of idsOf(bodyText(response), 'security_groups')) ids.add(id)
  }
  return ids.size === 1 ? [...ids][0] as string : null
}

/** The object as its home shows it (global ids), and the home; null when no holder has it. */
async function fromHome (proxy: ProxyContext, call: ProxyCall, collection: 'networks' | 'security-groups', id: string): Promise<{ item: Json, home: AgentRef } | null> {
  const path = `/v2.0/${collection}/${id}`
  const key = collection === 'networks' ? 'network' : 'security_group'
  const known = proxy.networkIds.homeOf(id) ?? proxy.locations.get(id)?.agent ?? null
  const asked = known !== null && known.id !== proxy.self.id ? [known] : networkHolders(proxy, call)
  for (const { agent, response } of await askAgents(proxy, networkCall(call, 'GET', path), asked, { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    const item = jsonObjectOf(bodyText(response))[key]
    if (item === null || typeof item !== 'object') continue
    const home = takeHome(response).home ?? agent
    return { item: item as Json, home }
  }
  if (known !== null && asked.length === 1 && asked[0]?.id === known.id) {
    throw new ServiceUnavailable(`The ${key.replace('_', ' ')} ${id} could not be copied into this cloudlet: agent ${known.id}, its home, is not reachable.`)
  }
  return null
}

/**
 * An earlier copy of `id` that stopped midway (its intent is written, its local id is not): what
 * the cloudlet made for it since the intent — an object found by `search`, mapped to nothing,
 * not this agent's own — is deleted.
 */
async function rollBack (proxy: ProxyContext, call: ProxyCall, collection: 'networks' | 'subnets' | 'security-groups', id: string, search: string): Promise<void> {
  const intent = proxy.networkIds.records.get(id)
  if (intent === null || intent.localId !== null) return
  const key = collection.replace(/-/g, '_')
  const listed = await proxy.rawLocal(call, 'GET', `/v2.0/${collection}`, search, null, 'admin')
  const since = Math.floor((intent.updatedMs ?? 0) / 1000) * 1000 - 1000
  const items = jsonObjectOf(listed.text)[key]
  for (const item of (Array.isArray(items) ? items as Json[] : [])) {
    if (typeof item.id !== 'string' || item.id === id) continue
    if (proxy.networkIds.records.byLocal(item.id) !== null || proxy.locations.get(item.id) !== null) continue
    if (typeof item.created_at !== 'string' || Date.parse(item.created_at) < since) continue
    const deleted = await proxy.rawLocal(call, 'DELETE', `/v2.0/${collection}/${item.id}`, '', null, 'admin')
    proxy.logger.warn({ collection, local: item.id, global: id, status: deleted.status }, 'rolled back a copy that had stopped midway')
  }
  proxy.networkIds.records.delete(id)
}

/** Writes a copy's global id and home into the cloudlet too (network-copy-index.ts), before the copy is mapped. */
async function tag (proxy: ProxyContext, call: ProxyCall, collection: string, localId: string, tags: readonly string[]): Promise<void> {
  const answer = await proxy.rawLocal(call, 'PUT', `/v2.0/${collection}/${localId}/tags`, '', JSON.stringify({ tags }), 'admin')
  if (answer.status >= 300) proxy.logger.warn({ status: answer.status, collection, localId }, 'could not tag a copy')
}

/** This agent holds copies of the owner's network objects: deletes and changes reach it. */
function holdFor (proxy: ProxyContext, owner: string | null): void {
  const key = owner === null ? null : networkFootprintKey(owner)
  if (key !== null) proxy.footprint.add(key)
}

function pick (item: Json, keys: readonly string[], owner: string | null): Json {
  const out: Json = {}
  for (const key of keys) if (item[key] !== undefined && item[key] !== null) out[key] = item[key]
  if (owner !== null) out.project_id = owner
  return out
}

function idOf (answer: { status: number, text: string }, key: string): string {
  const id = (jsonObjectOf(answer.text)[key] as Json | undefined)?.id
  if (answer.status !== 201 || typeof id !== 'string') {
    throw new ServiceUnavailable(`A copy could not be made in this cloudlet: its Neutron answered ${answer.status} ${answer.text.slice(0, 200)}`)
  }
  return id
}

function passFault (answer: HttpResponse): never {
  const error = jsonObjectOf(bodyText(answer)).NeutronError as Json | undefined
  const message = typeof error?.message === 'string' ? error.message : `The subnet's home answered ${answer.status}.`
  throw neutronFault(answer.status === 409 ? 409 : 503, typeof error?.type === 'string' ? error.type : 'ServiceUnavailable', message)
}

function rulesOf (group: unknown): Json[] {
  const rules = group !== null && typeof group === 'object' ? (group as Json).security_group_rules : undefined
  return Array.isArray(rules) ? rules.filter((r): r is Json => r !== null && typeof r === 'object') : []
}

function idsOf (text: string, key: string): string[] {
  const items = jsonObjectOf(text)[key]
  return Array.isArray(items) ? items.map(i => (i as Json).id).filter((id): id is string => typeof id === 'string') : []
}


