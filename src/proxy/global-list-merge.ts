/**
 * Lists of global objects (flavors, keypairs) gathered from several cloudlets: the same object
 * materialized in two cloudlets is one object, so the lists are concatenated and de-duplicated
 * (flavors by id, keypairs by name), then ordered and paged as Nova does — flavors by
 * sort_key/sort_dir (default flavorid asc), keypairs by name — with Nova's "marker [x] not
 * found" 400 and the absolute next link when a page is full. Each cloudlet is asked without
 * limit and marker.
 */
import { BadRequest } from '../openstack/faults.ts'
import type { Microversion } from '../openstack/microversion.ts'
import { isAtLeast } from '../openstack/microversion.ts'
import type { Link } from './server-list-merge.ts'
import { NOVA_MAX_LIMIT, novaNextLink, serverListPaging } from './server-list-merge.ts'
import { comparatorOf, startAfter, uniqueById } from './sort-order.ts'

export type WireObject = Readonly<Record<string, unknown>>

/** Nova's flavor sort keys → the flavor view's fields. */
const FLAVOR_SORT_FIELDS: Readonly<Record<string, string>> = {
  flavorid: 'id',
  id: 'id',
  name: 'name',
  memory_mb: 'ram',
  root_gb: 'disk',
  vcpus: 'vcpus',
  swap: 'swap',
  ephemeral_gb: 'OS-FLV-EXT-DATA:ephemeral',
  rxtx_factor: 'rxtx_factor',
  description: 'description',
  is_public: 'os-flavor-access:is_public',
  disabled: 'OS-FLV-DISABLED:disabled'
}

export interface FlavorListMergeInput {
  /** Each cloudlet's /flavors/detail answer (detail even for GET /flavors: sorting needs the fields). */
  readonly lists: ReadonlyArray<readonly WireObject[]>
  readonly query: URLSearchParams
  readonly detail: boolean
  /** The agent's compute root, e.g. 'http://127.0.0.1:8000/compute'. */
  readonly computeUrl: string
}

export function mergeFlavorLists (input: FlavorListMergeInput): { flavors: WireObject[], flavors_links?: Link[] } {
  const { limit, marker } = serverListPaging(input.query)
  const key = input.query.get('sort_key') ?? 'flavorid'
  const descending = (input.query.get('sort_dir') ?? 'asc') === 'desc'
  const fieldName = FLAVOR_SORT_FIELDS[key] ?? 'id'
  const compare = comparatorOf<WireObject>([
    { value: f => f[fieldName], descending },
    { value: f => f.id, descending }
  ])
  const sorted = uniqueById(input.lists).sort(compare)
  let start = 0
  if (marker !== null) {
    const found = sorted.find(f => f.id === marker)
    if (found === undefined) throw new BadRequest(`marker [${marker}] not found`)
    start = startAfter(sorted, found, f => f.id === marker, compare)
  }
  const page = sorted.slice(start, start + limit)
  const flavors = input.detail ? page : page.map(f => ({ id: f.id, links: f.links, name: f.name, ...('description' in f ? { description: f.description } : {}) }))
  const body: { flavors: WireObject[], flavors_links?: Link[] } = { flavors }
  const last = page[page.length - 1]
  if (limit > 0 && last !== undefined && page.length === limit) {
    body.flavors_links = [{ rel: 'next', href: novaNextLink(`${input.computeUrl}/v2.1/flavors${input.detail ? '/detail' : ''}`, input.query, String(last.id)) }]
  }
  return body
}

export interface KeypairListMergeInput {
  /** Each cloudlet's `keypairs` entries, as Nova wraps them: [{keypair: {...}}]. */
  readonly lists: ReadonlyArray<ReadonlyArray<{ readonly keypair: WireObject }>>
  readonly query: URLSearchParams
  readonly version: Microversion
  readonly computeUrl: string
}

export function mergeKeypairLists (input: KeypairListMergeInput): { keypairs: Array<{ keypair: WireObject }>, keypairs_links?: Link[] } {
  const flat = uniqueById(input.lists.map(list => list.map(entry => entry.keypair)), 'name')
  const compare = comparatorOf<WireObject>([{ value: k => k.name, descending: false }])
  let keypairs = flat.sort(compare)
  const body: { keypairs: Array<{ keypair: WireObject }>, keypairs_links?: Link[] } = { keypairs: [] }
  if (isAtLeast(input.version, '2.35')) {
    const marker = input.query.get('marker')
    if (marker !== null) {
      const found = keypairs.find(k => k.name === marker)
      if (found === undefined) throw new BadRequest(`marker [${marker}] not found`)
      keypairs = keypairs.slice(startAfter(keypairs, found, k => k.name === marker, compare))
    }
    if (input.query.get('limit') !== null) {
      const { limit } = serverListPaging(input.query)
      keypairs = keypairs.slice(0, limit)
      const last = keypairs[keypairs.length - 1]
      if (limit > 0 && last !== undefined && keypairs.length === limit && limit <= NOVA_MAX_LIMIT) {
        body.keypairs_links = [{ rel: 'next', href: novaNextLink(`${input.computeUrl}/v2.1/os-keypairs`, input.query, String(last.name)) }]
      }
    }
  }
  body.keypairs = keypairs.map(keypair => ({ keypair }))
  return body
}
