/**
 * Keypairs are one cloud's worth (issue 7 §3): a user's keypair, created through any agent,
 * lives in that agent's cloudlet and is copied into another cloudlet the first time a server
 * there needs it. The agents holding copies of a user's keypairs are that user's footprint
 * (the project footprint's CRDT, under the key `user:<user id>`), so that
 * - a list gathers the user's keypairs from the own cloudlet and those agents, once each by name,
 *   sorted and paged as Nova does (proxy/global-list-merge.ts);
 * - a show is answered by the own cloudlet, or else by the first of those agents that has it;
 * - a delete reaches every copy;
 * - a server created with `key_name` in a cloudlet that lacks the keypair gets a copy first
 *   (`ensureKeypair`: the public key imported for the same user, under the same name).
 */
import { emptyResponse, jsonResponse } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { LEGACY_VERSION_HEADER } from '../openstack/compute/microversions.ts'
import { requestedMicroversion } from '../openstack/microversion.ts'
import { mergeKeypairLists } from '../proxy/global-list-merge.ts'
import type { WireObject } from '../proxy/global-list-merge.ts'
import { askAgents, gatherLists } from './peer-fan-out.ts'
import { getCall, isForwardFailure } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import { bodyText, passedVersionHeaders } from './upstream-call.ts'

/** The footprint key of the agents holding a user's keypairs; null when the id is too long for one. */
export function userFootprintKey (userId: string): string | null {
  const key = `user:${userId}`
  return key.length <= 64 ? key : null
}

/** The user a keypair call is about: an admin's ?user_id=, else the caller. */
function targetUser (call: ProxyCall): string {
  const requested = new URLSearchParams(call.search).get('user_id')
  return requested !== null && requested !== '' && call.auth.roles.includes('admin') ? requested : call.auth.userId
}

function holders (proxy: ProxyContext, userId: string): ReturnType<ProxyContext['footprint']['agentsOf']> {
  const key = userFootprintKey(userId)
  return key === null ? [] : proxy.footprint.agentsOf(key)
}

export async function listKeypairs (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const gathered = await gatherLists(proxy, call, holders(proxy, targetUser(call)), '/v2.1/os-keypairs', entriesOf)
  if ('failed' in gathered) return gathered.failed
  const version = requestedMicroversion(call.request.headers, 'compute', proxy.computeRange(), LEGACY_VERSION_HEADER)
  const body = mergeKeypairLists({ lists: gathered.lists, query: new URLSearchParams(call.search), version, computeUrl: `${call.publicBase}/compute` })
  return jsonResponse(200, body, passedVersionHeaders(gathered.own))
}

export async function showKeypair (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const own = await proxy.serveLocally(call)
  if (own.status !== 404) return own
  for (const { response } of await askAgents(proxy, call, holders(proxy, targetUser(call)), { method: 'GET', path: call.path, search: call.search, timeoutMs: proxy.listTimeoutMs })) {
    if (!isForwardFailure(response) && response.status === 200) return response
  }
  return own
}

/** Deletes every copy; answers as the own cloudlet did if it had one, else as the first that had one. */
export async function deleteKeypair (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const peers = askAgents(proxy, call, holders(proxy, targetUser(call)), { method: 'DELETE', path: call.path, search: call.search })
  const own = await proxy.serveLocally(call)
  if (own.status < 300) {
    await peers
    return own
  }
  for (const { response } of await peers) {
    if (!isForwardFailure(response) && response.status < 300) return response.status === 204 ? emptyResponse(204, passedVersionHeaders(own)) : response
  }
  return own
}

/**
 * Before a server is created in the own cloudlet with `keyName`: if the cloudlet lacks that
 * keypair of the user, its public key is fetched from an agent holding it and imported here.
 * When nobody has it, nothing is done, and Nova answers the create as it would.
 */
export async function ensureKeypair (proxy: ProxyContext, call: ProxyCall, keyName: string): Promise<void> {
  const path = `/v2.1/os-keypairs/${encodeURIComponent(keyName)}`
  const headers = { 'openstack-api-version': 'compute 2.2' }
  const local = await proxy.serveLocally(withHeaders(getCall(call, path, null), headers), { method: 'GET' })
  if (local.status === 200) return
  let keypair: WireObject | null = null
  for (const { response } of await askAgents(proxy, withHeaders(getCall(call, path, null), headers), holders(proxy, call.auth.userId), { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    keypair = keypairOf(response)
    if (keypair !== null) break
  }
  if (keypair === null || typeof keypair.public_key !== 'string') return
  const body = JSON.stringify({ keypair: { name: keyName, public_key: keypair.public_key, type: typeof keypair.type === 'string' ? keypair.type : 'ssh' } })
  const created = await proxy.serveLocally(
    withHeaders({ ...call, path: '/v2.1/os-keypairs', search: '', route: null }, { ...headers, 'content-type': 'application/json' }),
    { method: 'POST', body }
  )
  if (created.status >= 300 && created.status !== 409) {
    proxy.logger.warn({ status: created.status, keyName }, 'could not copy a keypair into this cloudlet')
    return
  }
  // A holder of the user's keypairs from now on: lists and deletes reach this copy.
  const key = userFootprintKey(call.auth.userId)
  if (key !== null) proxy.footprint.add(key)
}

function withHeaders (call: ProxyCall, headers: Record<string, string>): ProxyCall {
  return { ...call, request: { ...call.request, headers: { ...call.request.headers, ...headers } } }
}

function entriesOf (response: HttpResponse): Array<{ keypair: WireObject }> {
  try {
    const parsed = JSON.parse(bodyText(response)) as { keypairs?: unknown }
    return Array.isArray(parsed.keypairs) ? parsed.keypairs.filter(e => typeof e?.keypair?.name === 'string') as Array<{ keypair: WireObject }> : []
  } catch {
    return []
  }
}

function keypairOf (response: HttpResponse): WireObject | null {
  try {
    const keypair = (JSON.parse(bodyText(response)) as { keypair?: unknown }).keypair
    return keypair !== null && typeof keypair === 'object' ? keypair as WireObject : null
  } catch {
    return null
  }
}
