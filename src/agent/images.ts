/**
 * Images are one cloud's worth (issue 7 §1). An image's record lives in the Glance of the cloudlet
 * where it was created (its home) and, once a server elsewhere boots it, in that cloudlet's
 * Glance too, with the same id; its bytes live once, in the image store of the services node.
 *
 * - Who holds copies: the agents of the owner project's footprint (an image made or copied here
 *   puts this agent in it), and for public and community images the footprint key
 *   `images:public`; sharing an image with a project puts its holders in that project's footprint.
 * - `image list` gathers the own cloudlet's list and those agents' (each followed through Glance's
 *   pages), once each by id, sorted and paged as Glance does (proxy/image-list-merge.ts).
 * - A read by id (show, data, members, locations) is answered by the own cloudlet or else by the
 *   first holder that has the image; a change (update, tags, members, (de)activation, delete) is
 *   made on every copy.
 * - Upload (`PUT /v2/images/{id}/file`, what `image create --file` sends): the bytes stream to the
 *   image store (checked there, never held here), then the image's home imports them by
 *   web-download from the store; the call answers once the image is active, as Glance's own
 *   upload does.
 * - A server created with an image its cloudlet lacks gets a copy first (`ensureImage`): the same
 *   id, formats, visibility, owner and properties, registered as the cloudlet's admin and
 *   imported by web-download from the store (found by the image's sha512, its os_hash_value); an
 *   image whose bytes never went through the store (a snapshot, an image uploaded before) is
 *   exported to it first from its home.
 */
import { bodyStream, discardBody, emptyResponse, jsonResponse, readBody } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { OpenStackFault, ServiceUnavailable } from '../openstack/faults.ts'
import { imageFanOutQuery, mergeImageLists } from '../proxy/image-list-merge.ts'
import type { WireImage } from '../proxy/image-list-merge.ts'
import type { ImageStoreClient } from './image-store-client.ts'
import { askAgents, uniqueAgents } from './peer-fan-out.ts'
import type { AgentAnswer } from './peer-fan-out.ts'
import { getCall, isForwardFailure } from './proxy-call.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'
import type { AgentRef } from './proxy-ports.ts'
import { bodyText } from './upstream-call.ts'

export const PUBLIC_IMAGES_KEY = 'images:public'

/** Glance pages at most this many per page; a cloudlet's list is read through at most MAX_PAGES. */
const MAX_PAGES = 50
/** How long an upload or a copy waits for the image to become active. */
const ACTIVE_TIMEOUT_MS = 120_000
const ACTIVE_POLL_MS = 100

/** The image fields a copy is created with; the rest of a view (besides read-only ones) are properties. */
const READ_ONLY_FIELDS = new Set(['status', 'created_at', 'updated_at', 'file', 'self', 'schema', 'size', 'virtual_size', 'checksum',
  'os_hash_algo', 'os_hash_value', 'direct_url', 'locations', 'stores', 'owner', 'os_glance_failed_import', 'os_glance_importing_to_stores',
  'os_glance_import_task', 'os_glance_stage_host', 'visibility'])

/** The agents that may hold a copy of an image the caller can see. */
export function imageHolders (proxy: ProxyContext, call: ProxyCall): AgentRef[] {
  const projectId = call.auth.project?.id
  return uniqueAgents([
    ...(projectId === undefined ? [] : proxy.footprint.agentsOf(projectId)),
    ...proxy.footprint.agentsOf(PUBLIC_IMAGES_KEY),
    ...(call.auth.roles.includes('admin') ? proxy.footprint.allAgents() : [])
  ])
}

export async function listImages (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const query = new URLSearchParams(call.search)
  const search = `?${imageFanOutQuery(query).toString()}`
  const peers = Promise.all(imageHolders(proxy, call).filter(a => a.id !== proxy.self.id).map(async agent => await wholeList(proxy, call, agent, search)))
  const own = await wholeList(proxy, call, null, search)
  if (own.failure !== null) return own.failure
  const lists = [own.images]
  for (const peer of await peers) {
    if (peer.failure === null) lists.push(peer.images)
    else proxy.logger.warn({ status: peer.failure.status }, 'an image list is partial: an agent did not answer')
  }
  const marker = query.get('marker')
  const markerImage = marker === null || lists.some(l => l.some(i => i.id === marker)) ? null : await imageView(proxy, call, marker)
  return jsonResponse(200, mergeImageLists({ lists, query, markerImage }))
}

/** One cloudlet's whole list (the own when `agent` is null), through Glance's next links. */
async function wholeList (proxy: ProxyContext, call: ProxyCall, agent: AgentRef | null, firstSearch: string): Promise<{ images: WireImage[], failure: HttpResponse | null }> {
  const images: WireImage[] = []
  let search: string | null = firstSearch
  for (let page = 0; search !== null && page < MAX_PAGES; page++) {
    const response: HttpResponse | { failed: string } = agent === null
      ? await proxy.serveLocally(getCall(call, '/v2/images', null, search), { method: 'GET' })
      : await proxy.forwardTo(agent, call, { mode: 'local', method: 'GET', path: '/v2/images', search, timeoutMs: proxy.listTimeoutMs })
    if ('failed' in response) return { images, failure: emptyResponse(504) }
    if (response.status !== 200) return { images, failure: response }
    let next: string | null = null
    try {
      const body = JSON.parse(bodyText(response)) as { images?: unknown, next?: unknown }
      if (Array.isArray(body.images)) images.push(...body.images.filter(i => i !== null && typeof i === 'object') as WireImage[])
      if (typeof body.next === 'string' && body.next.startsWith('/v2/images?')) next = body.next.slice('/v2/images'.length)
    } catch {
      return { images, failure: emptyResponse(502) }
    }
    search = next
  }
  return { images, failure: null }
}

/** A read of one image (show, data, members, locations): the own cloudlet's answer, or the first holder's that has it. */
export async function readImage (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const own = await proxy.serveLocally(call)
  if (own.status !== 404) return own
  for (const { response } of await askAgents(proxy, call, imageHolders(proxy, call), { method: call.request.method, path: call.path, search: call.search, timeoutMs: proxy.listTimeoutMs })) {
    if (!isForwardFailure(response) && response.status !== 404) return response
  }
  return own
}

/**
 * A change of one image, made on every copy. The own cloudlet goes first: a change it refuses
 * (a protected image's delete, a bad patch) is refused for all, and no copy is touched; one it
 * makes, or an image it does not hold, goes to the other holders. The answer is the own cloudlet's
 * if it has the image, else the first holder's that has it.
 */
export async function changeImage (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const text = call.request.body === null ? null : new TextDecoder().decode(await readBody(call.request.body, 1024 * 1024))
  const own = await proxy.serveLocally(call, text === null ? {} : { body: text })
  if (own.status >= 300 && own.status !== 404) return own
  const answers = await askAgents(proxy, call, imageHolders(proxy, call), { method: call.request.method, path: call.path, search: call.search, ...(text === null ? {} : { body: text }) })
  if (own.status !== 404) return own
  return firstFound(answers) ?? own
}

function firstFound (answers: readonly AgentAnswer[]): HttpResponse | null {
  for (const { response } of answers) if (!isForwardFailure(response) && response.status !== 404) return response
  return null
}

/**
 * PUT /v2/images/{id}/file: the bytes go to the image store, then the image's home imports them
 * from there. An image that is not queued (or not found) is left to its Glance to refuse.
 */
export async function uploadImage (proxy: ProxyContext, call: ProxyCall, store: ImageStoreClient): Promise<HttpResponse> {
  const imageId = call.params.image_id ?? ''
  const home = await imageHome(proxy, call, imageId)
  if (home === null || home.view.status !== 'queued') {
    // Glance refuses these (404, 409) without reading the data: the data is let go here (the
    // connection then closes after the answer) and Glance is asked with none.
    await discardBody(call.request.body)
    return await passThrough(proxy, call, home?.agent ?? null, '')
  }
  const length = Number(call.request.headers['content-length'])
  let stored
  try {
    stored = await store.upload(call.request.body ?? (async function * () {})(), Number.isSafeInteger(length) && length >= 0 ? { size: length } : {})
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 400 || status === 413) throw new OpenStackFault(status, (error as Error).message.replace(/^the image store refused the upload \(\d+\): /, ''))
    throw new OpenStackFault(503, `The image store could not take the image data: ${(error as Error).message}`)
  }
  const imported = await importFromStore(proxy, call, home.agent, imageId, stored.url, false)
  if (imported !== null) return imported
  return emptyResponse(204)
}

/**
 * Before a server is created in the own cloudlet with image `imageId`: if the cloudlet lacks it, a
 * copy is registered with the same id and imported from the image store. Nothing found: Nova answers.
 */
export async function ensureImage (proxy: ProxyContext, call: ProxyCall, store: ImageStoreClient, imageId: string): Promise<void> {
  const path = `/v2/images/${encodeURIComponent(imageId)}`
  const imageCall = { ...call, service: 'image' as const }
  if ((await proxy.asCloudletAdmin(imageCall, 'GET', path, null)).status === 200) return
  const home = await imageHome(proxy, call, imageId)
  if (home === null || home.agent === null || home.view.status !== 'active') return
  const url = await storeUrlOf(proxy, call, store, home.agent, home.view)
  if (url === null) return
  const view = home.view
  const properties: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(view)) if (!READ_ONLY_FIELDS.has(name)) properties[name] = value
  const created = await proxy.asCloudletAdmin(imageCall, 'POST', '/v2/images', JSON.stringify({
    ...properties,
    id: imageId,
    visibility: view.visibility,
    ...(typeof view.owner === 'string' ? { owner: view.owner } : {})
  }))
  if (created.status >= 300 && created.status !== 409) {
    proxy.logger.warn({ status: created.status, imageId, body: bodyText(created).slice(0, 300) }, 'could not copy an image record into this cloudlet')
    return
  }
  const projectId = call.auth.project?.id
  if (view.visibility === 'shared' && projectId !== undefined && projectId !== view.owner) {
    await proxy.asCloudletAdmin(imageCall, 'POST', `${path}/members`, JSON.stringify({ member: projectId }))
    await proxy.asCloudletAdmin(imageCall, 'PUT', `${path}/members/${encodeURIComponent(projectId)}`, JSON.stringify({ status: 'accepted' }))
  }
  const failed = await importFromStore(proxy, imageCall, null, imageId, url, true)
  if (failed !== null) {
    proxy.logger.warn({ status: failed.status, imageId }, 'could not import a copied image from the image store')
    return
  }
  if (typeof view.owner === 'string') proxy.footprint.add(view.owner)
  if (view.visibility === 'public' || view.visibility === 'community') proxy.footprint.add(PUBLIC_IMAGES_KEY)
}

/** Where the image is and how its holder shows it: the own cloudlet (agent null) or a holder; null if nobody has it. */
async function imageHome (proxy: ProxyContext, call: ProxyCall, imageId: string): Promise<{ agent: AgentRef | null, view: WireImage } | null> {
  const path = `/v2/images/${encodeURIComponent(imageId)}`
  const own = await proxy.serveLocally(getCall({ ...call, service: 'image' }, path, null), { method: 'GET' })
  if (own.status === 200) {
    const view = parseImage(own)
    if (view !== null) return { agent: null, view }
  }
  for (const { agent, response } of await askAgents(proxy, { ...call, service: 'image' }, imageHolders(proxy, call), { method: 'GET', path, timeoutMs: proxy.listTimeoutMs })) {
    if (isForwardFailure(response) || response.status !== 200) continue
    const view = parseImage(response)
    if (view !== null) return { agent, view }
  }
  return null
}

/** The image as its holder shows it, for a marker the filters exclude; null when nobody shows it. */
async function imageView (proxy: ProxyContext, call: ProxyCall, imageId: string): Promise<WireImage | null> {
  return (await imageHome(proxy, call, imageId))?.view ?? null
}

/** The store URL of an image's bytes: found by its sha512, or exported from its holder first. */
async function storeUrlOf (proxy: ProxyContext, call: ProxyCall, store: ImageStoreClient, holder: AgentRef, view: WireImage): Promise<string | null> {
  if (view.os_hash_algo === 'sha512' && typeof view.os_hash_value === 'string') {
    const found = await store.findBySha512(view.os_hash_value)
    if (found !== null) return found
  }
  const path = `/v2/images/${encodeURIComponent(String(view.id))}/file`
  const response = await proxy.forwardTo(holder, { ...call, service: 'image' }, { mode: 'local', method: 'GET', path, search: '' })
  if (isForwardFailure(response) || response.status !== 200) return null
  const bytes = bodyStream(response.body)
  if (bytes === null) return null
  const stored = await store.upload(bytes, {
    ...(typeof view.size === 'number' ? { size: view.size } : {}),
    ...(typeof view.checksum === 'string' ? { md5: view.checksum } : {})
  })
  return stored.url
}

/** Imports by web-download at `agent` (null: here; asAdmin: as the cloudlet's admin) and waits until active; the failure's answer, or null. */
async function importFromStore (proxy: ProxyContext, call: ProxyCall, agent: AgentRef | null, imageId: string, url: string, asAdmin: boolean): Promise<HttpResponse | null> {
  const path = `/v2/images/${encodeURIComponent(imageId)}`
  const body = JSON.stringify({ method: { name: 'web-download', uri: url } })
  const imageCall: ProxyCall = { ...call, service: 'image', route: null, path: `${path}/import`, search: '', request: { ...call.request, headers: { ...call.request.headers, 'content-type': 'application/json' } } }
  const started = asAdmin
    ? await proxy.asCloudletAdmin(imageCall, 'POST', `${path}/import`, body)
    : agent === null
      ? await proxy.serveLocally(imageCall, { method: 'POST', body })
      : await proxy.forwardTo(agent, imageCall, { mode: 'local', method: 'POST', path: `${path}/import`, search: '', body })
  if (isForwardFailure(started)) return emptyResponse(503)
  if (started.status !== 202) return started
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS
  while (Date.now() < deadline) {
    const shown = asAdmin
      ? await proxy.asCloudletAdmin(imageCall, 'GET', path, null)
      : agent === null
        ? await proxy.serveLocally(getCall(imageCall, path, null), { method: 'GET' })
        : await proxy.forwardTo(agent, imageCall, { mode: 'local', method: 'GET', path, search: '', timeoutMs: proxy.listTimeoutMs })
    if (!isForwardFailure(shown) && shown.status === 200) {
      const status = parseImage(shown)?.status
      if (status === 'active') return null
      if (status === 'killed' || status === 'deleted') throw new ServiceUnavailable(`The image ${imageId} could not take its data (${status}).`)
      if (status === 'queued' && parseImage(shown)?.os_glance_failed_import !== undefined && parseImage(shown)?.os_glance_failed_import !== '') {
        throw new ServiceUnavailable(`The image ${imageId} could not import its data from the image store: the cloudlet's Glance failed the web-download import (is the store's host and port allowed by its [import_filtering_opts]?).`)
      }
    }
    await new Promise(resolve => setTimeout(resolve, ACTIVE_POLL_MS))
  }
  throw new ServiceUnavailable(`The image ${imageId} did not become active in time.`)
}

/** The call as the image's holder answers it (the own cloudlet when `agent` is null), with `body` instead of the client's when given. */
async function passThrough (proxy: ProxyContext, call: ProxyCall, agent: AgentRef | null, body?: string): Promise<HttpResponse> {
  const local = async (): Promise<HttpResponse> => await proxy.serveLocally(call, body === undefined ? {} : { body })
  if (agent === null) return await local()
  const response = await proxy.forwardTo(agent, call, { mode: 'local', ...(body === undefined ? {} : { body }) })
  if (isForwardFailure(response)) throw new ServiceUnavailable(`The image is held by agent ${agent.id}, which did not answer; try again later.`)
  return response
}

function parseImage (response: HttpResponse): WireImage | null {
  try {
    const view = JSON.parse(bodyText(response)) as unknown
    return view !== null && typeof view === 'object' && 'id' in view ? view as WireImage : null
  } catch {
    return null
  }
}

/** Stage, import and new locations go to the cloudlet that holds the image (its bytes or its task are there). */
export async function callImageHome (proxy: ProxyContext, call: ProxyCall): Promise<HttpResponse> {
  const home = await imageHome(proxy, call, call.params.image_id ?? '')
  return await passThrough(proxy, call, home?.agent ?? null)
}

/** What an image answer served here teaches: who holds the project's (and the public) images, and who they are shared with. */
export function learnImage (proxy: ProxyContext, call: ProxyCall, response: HttpResponse): void {
  const name = call.route?.name
  if (name !== 'images:create' && name !== 'images:update' && name !== 'members:create') return
  let body: { visibility?: unknown, owner?: unknown, member_id?: unknown }
  try {
    body = JSON.parse(bodyText(response)) as typeof body
  } catch {
    return
  }
  if (name === 'members:create') {
    if (typeof body.member_id === 'string') proxy.footprint.add(body.member_id)
    return
  }
  if (typeof body.owner === 'string') proxy.footprint.add(body.owner)
  if (body.visibility === 'public' || body.visibility === 'community') proxy.footprint.add(PUBLIC_IMAGES_KEY)
}
