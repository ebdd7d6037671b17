/**
 * A Neutron collection (networks, subnets, ports, security-groups, security-group-rules) across
 * cloudlets. Every cloudlet of the footprint gets the client's filters and sort_key/sort_dir but
 * no limit, marker, page_reverse or fields (networkFanOutQuery); mergeNetworkLists applies
 * Neutron's own collection semantics (openstack/network/collection-query.ts, the emulator's code)
 * to the union: the requested order then id ascending, the page after the marker (reversed by
 * page_reverse), the limit, the fields, and the absolute `<collection>_links` next/previous of
 * neutron.api.api_common — only when a limit was given, as Neutron does. Objects in several
 * cloudlets (a global network materialized in two) appear once.
 */
import type { OpenStackFault } from '../openstack/faults.ts'
import type { ListQuery, WireItem } from '../openstack/network/collection-query.ts'
import { paginationLinks, parseFields, projectFields, selectPage } from '../openstack/network/collection-query.ts'
import { badRequest, httpBadRequest, networkNotFound, portNotFound, securityGroupNotFound, securityGroupRuleNotFound, subnetNotFound } from '../openstack/network/faults.ts'
import type { NetworkCollection } from '../openstack/network/routes.ts'
import { uniqueById } from './sort-order.ts'

const NOT_FOUND: Readonly<Record<NetworkCollection, (id: string) => OpenStackFault>> = {
  networks: networkNotFound,
  subnets: subnetNotFound,
  ports: portNotFound,
  'security-groups': securityGroupNotFound,
  'security-group-rules': securityGroupRuleNotFound
}

/** The body key of a collection: 'security-groups' → 'security_groups'. */
export function networkBodyKey (collection: NetworkCollection): string {
  return collection.replace(/-/g, '_')
}

/** The query each cloudlet gets: the client's less paging and field selection (the agent does those after merging). */
export function networkFanOutQuery (query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams()
  for (const [key, value] of query) if (!['limit', 'marker', 'page_reverse', 'fields'].includes(key)) out.append(key, value)
  return out
}

function lastValue (query: URLSearchParams, key: string): string | null {
  const all = query.getAll(key)
  return all[all.length - 1] ?? null
}

/** Sorting and paging as Neutron reads them (the cloudlets checked the sort keys against their attribute maps). */
export function networkListQuery (query: URLSearchParams): ListQuery {
  const keys = query.getAll('sort_key').filter(v => v !== '')
  const dirs = query.getAll('sort_dir').filter(v => v !== '')
  if (keys.length !== dirs.length) throw httpBadRequest('The number of sort_keys and sort_dirs must be same')
  const rawLimit = lastValue(query, 'limit') ?? '0'
  if (!/^\s*[+]?\d+\s*$/.test(rawLimit)) throw badRequest('limit', `Limit must be an integer 0 or greater and not '${rawLimit}'`)
  const limit = Number(rawLimit.trim())
  const pageReverse = (lastValue(query, 'page_reverse') ?? 'False').toLowerCase() === 'true'
  const marker = lastValue(query, 'marker')
  return {
    filters: [],
    fields: parseFields(query),
    sorts: keys.map((k, i) => [k, dirs[i] === 'asc'] as const),
    limit: limit === 0 ? null : limit,
    marker: limit === 0 || marker === '' ? null : marker,
    pageReverse
  }
}

export interface NetworkListMergeInput {
  readonly collection: NetworkCollection
  /** Each cloudlet's whole answer to networkFanOutQuery (the items under the body key). */
  readonly lists: ReadonlyArray<readonly WireItem[]>
  /** The client's query. */
  readonly query: URLSearchParams
  /** The collection's absolute URL at the agent, as the client addressed it, e.g. 'http://127.0.0.1:8000/networking/v2.0/networks'. */
  readonly collectionUrl: string
  /** The marker's own item when the filters exclude it (fetched by id by the caller). */
  readonly markerItem?: WireItem | null
}

export function mergeNetworkLists (input: NetworkListMergeInput): Record<string, unknown> {
  const parsed = networkListQuery(input.query)
  const items = uniqueById(input.lists)
  let marker: WireItem | null = null
  if (parsed.limit !== null && parsed.marker !== null) {
    marker = items.find(item => item.id === parsed.marker) ?? (input.markerItem?.id === parsed.marker ? input.markerItem : null)
    if (marker === null) throw NOT_FOUND[input.collection](parsed.marker)
  }
  const page = selectPage(items, parsed, marker)
  const key = networkBodyKey(input.collection)
  const body: Record<string, unknown> = { [key]: page.map(item => projectFields(item, parsed.fields)) }
  const links = paginationLinks(input.collectionUrl, input.query, page, parsed)
  if (links.length > 0) body[`${key}_links`] = links
  return body
}
