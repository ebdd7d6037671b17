/**
 * Neutron's generic collection semantics, as pure functions over wire items: filters
 * (?attr=value, repeated for OR, checked against the attribute map as filter-validation
 * does), fields, sort_key/sort_dir, and native pagination (limit, marker, page_reverse) with
 * the absolute next/previous links neutron.api.api_common builds. The emulator's list
 * handlers are these functions applied to the rows a caller may see.
 */
import type { AttributeMap } from './attributes.ts'
import { toBoolean } from './attributes.ts'
import { badRequest, httpBadRequest } from './faults.ts'
import { pyRepr } from '../python-text.ts'
import { compareColumnValues } from '../column-order.ts'

/** Query parameters that are never filters. */
const NOT_FILTERS = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse'])
const TAG_FILTERS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any'])

export type WireItem = Record<string, unknown>

export interface Filter {
  readonly key: string
  /** The converted values (OR), or for key=value list filters (fixed_ips) a map of lists. */
  readonly values: unknown
}

export interface ListQuery {
  readonly filters: readonly Filter[]
  /** Requested fields, or null for all. */
  readonly fields: readonly string[] | null
  /** (key, ascending) pairs, as given. */
  readonly sorts: ReadonlyArray<readonly [string, boolean]>
  /** Page size, or null when the whole collection is wanted. */
  readonly limit: number | null
  readonly marker: string | null
  readonly pageReverse: boolean
}

/** Groups query parameters by name, in first-appearance order, keeping every value. */
function grouped (query: URLSearchParams): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [key, value] of query) {
    const list = map.get(key)
    if (list === undefined) map.set(key, [value])
    else list.push(value)
  }
  return map
}

/** The last value of a parameter, as webob's MultiDict.get returns it. */
function lastValue (query: URLSearchParams, key: string): string | null {
  const all = query.getAll(key)
  return all.length === 0 ? null : all[all.length - 1] ?? null
}

/** Reads and checks a list request's query; throws Neutron's 400s. */
export function parseListQuery (query: URLSearchParams, attributes: AttributeMap): ListQuery {
  return {
    filters: parseFilters(query, attributes),
    fields: parseFields(query),
    sorts: parseSorts(query, attributes),
    ...parsePaging(query)
  }
}

export function parseFields (query: URLSearchParams): string[] | null {
  const fields = [...new Set(query.getAll('fields').filter(f => f !== ''))]
  return fields.length === 0 ? null : fields
}

function parseFilters (query: URLSearchParams, attributes: AttributeMap): Filter[] {
  const filters: Filter[] = []
  const invalid: string[] = []
  for (const [key, raw] of grouped(query)) {
    if (NOT_FILTERS.has(key)) continue
    const values = raw.filter(v => v !== '')
    const spec = attributes[key]
    if (spec === undefined || spec.isFilter !== true) {
      invalid.push(key)
      continue
    }
    if (values.length === 0) continue
    if (TAG_FILTERS.has(key)) {
      filters.push({ key, values: values.flatMap(v => v.split(',')).filter(v => v !== '') })
    } else if (spec.convertFilterList !== undefined) {
      filters.push({ key, values: spec.convertFilterList(values) })
    } else {
      const convert = spec.convert
      filters.push({ key, values: convert === undefined ? values : values.map(v => convert(v)) })
    }
  }
  if (invalid.length > 0) throw httpBadRequest(`${pyRepr(invalid)} is invalid attribute for filtering`)
  return filters
}

function parseSorts (query: URLSearchParams, attributes: AttributeMap): Array<readonly [string, boolean]> {
  const keys = query.getAll('sort_key').filter(v => v !== '')
  const dirs = query.getAll('sort_dir').filter(v => v !== '')
  if (keys.length !== dirs.length) throw httpBadRequest('The number of sort_keys and sort_dirs must be same')
  const absent = keys.filter(k => attributes[k]?.isSortKey !== true)
  if (absent.length > 0) throw httpBadRequest(`${pyRepr(absent)} is invalid attribute for sort_keys`)
  const badDirs = dirs.filter(d => d !== 'asc' && d !== 'desc')
  if (badDirs.length > 0) throw httpBadRequest(`${pyRepr(badDirs)} is invalid value for sort_dirs, valid value is 'asc' and 'desc'`)
  return keys.map((k, i) => [k, dirs[i] === 'asc'] as const)
}

function parsePaging (query: URLSearchParams): { limit: number | null, marker: string | null, pageReverse: boolean } {
  const rawLimit = lastValue(query, 'limit') ?? '0'
  if (!/^\s*[+]?\d+\s*$/.test(rawLimit)) throw badRequest('limit', `Limit must be an integer 0 or greater and not '${rawLimit}'`)
  const limit = Number(rawLimit.trim())
  const pageReverse = (lastValue(query, 'page_reverse') ?? 'False').toLowerCase() === 'true'
  if (limit === 0) return { limit: null, marker: null, pageReverse }
  const marker = lastValue(query, 'marker')
  return { limit, marker: marker === '' ? null : marker, pageReverse }
}

// ---- filtering ---------------------------------------------------------------------------

function sameValue (actual: unknown, wanted: unknown): boolean {
  if (actual === wanted) return true
  if (typeof actual === 'number' && typeof wanted === 'string') return wanted.trim() !== '' && Number(wanted) === actual
  if (typeof actual === 'boolean' && typeof wanted === 'string') {
    try { return toBoolean(wanted) === actual } catch { return false }
  }
  return false
}

function matchesFixedIps (item: WireItem, wanted: Record<string, string[]>): boolean {
  const fixedIps = (item.fixed_ips ?? []) as Array<{ ip_address: string, subnet_id: string }>
  return fixedIps.some(ip =>
    (wanted.ip_address === undefined || wanted.ip_address.includes(ip.ip_address)) &&
    (wanted.subnet_id === undefined || wanted.subnet_id.includes(ip.subnet_id)) &&
    (wanted.ip_address_substr === undefined || wanted.ip_address_substr.some(s => ip.ip_address.includes(s))))
}

function matchesFilters (item: WireItem, filters: readonly Filter[]): boolean {
  for (const { key, values } of filters) {
    if (TAG_FILTERS.has(key)) {
      const tags = (item.tags ?? []) as string[]
      const wanted = values as string[]
      const all = wanted.every(t => tags.includes(t))
      const any = wanted.some(t => tags.includes(t))
      if ((key === 'tags' && !all) || (key === 'tags-any' && !any) || (key === 'not-tags' && all) || (key === 'not-tags-any' && any)) return false
    } else if (key === 'fixed_ips') {
      if (!matchesFixedIps(item, values as Record<string, string[]>)) return false
    } else {
      const actual = item[key]
      const wanted = values as unknown[]
      if (Array.isArray(actual)) {
        if (!wanted.some(w => actual.some(a => sameValue(a, w)))) return false
      } else if (!wanted.some(w => sameValue(actual, w))) {
        return false
      }
    }
  }
  return true
}

// ---- sorting and paging ------------------------------------------------------------------

/** The full order native pagination uses: the requested keys, then id ascending. */
function effectiveSorts (query: ListQuery): Array<readonly [string, boolean]> {
  const sorts = [...query.sorts]
  if (!sorts.some(([key]) => key === 'id')) sorts.push(['id', true])
  return query.pageReverse ? sorts.map(([key, asc]) => [key, !asc] as const) : sorts
}

function comparator (sorts: ReadonlyArray<readonly [string, boolean]>): (a: WireItem, b: WireItem) => number {
  return (a, b) => {
    for (const [key, asc] of sorts) {
      const c = compareColumnValues(a[key], b[key])
      if (c !== 0) return asc ? c : -c
    }
    return 0
  }
}

/**
 * Orders, filters and pages items. `marker` is the marker's own item (looked up by the caller,
 * who answers 404 for an unknown one). Without a limit everything comes back, in the requested
 * order or, with none requested, by id — reversed by page_reverse, since Neutron reverses the
 * sort and only turns a limited page back around.
 */
export function selectPage (items: readonly WireItem[], query: ListQuery, marker: WireItem | null): WireItem[] {
  const sorts = effectiveSorts(query)
  const compare = comparator(sorts)
  let rows = items.filter(item => matchesFilters(item, query.filters)).sort(compare)
  if (query.limit === null) return rows
  if (marker !== null) rows = rows.filter(item => compare(item, marker) > 0)
  const page = rows.slice(0, query.limit)
  return query.pageReverse ? page.reverse() : page
}

/** Python's urllib.parse.quote_plus. */
function quotePlus (text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+')
}

function withParams (baseUrl: string, params: ReadonlyArray<readonly [string, string]>): string {
  return `${baseUrl}?${params.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&')}`
}

/**
 * The `<collection>_links` of a page (neutron.api.api_common.get_pagination_links): a next
 * link unless a forward page came back short, a previous link unless a reverse page did.
 * `baseUrl` is the absolute URL of the collection as the client addressed it.
 */
export function paginationLinks (baseUrl: string, query: URLSearchParams, page: readonly WireItem[], parsed: ListQuery): Array<{ rel: string, href: string }> {
  if (parsed.limit === null) return []
  const params = [...query].filter(([k]) => k !== 'marker')
  const links: Array<{ rel: string, href: string }> = []
  const short = page.length < parsed.limit
  if (!(short && !parsed.pageReverse)) {
    const next = params.filter(([k]) => k !== 'page_reverse')
    const last = page[page.length - 1]
    if (last !== undefined) next.push(['marker', String(last.id)])
    links.push({ rel: 'next', href: withParams(baseUrl, next) })
  }
  if (!(short && parsed.pageReverse)) {
    const previous = params.filter(([k]) => k !== 'page_reverse')
    const first = page[0]
    if (first !== undefined) previous.push(['marker', String(first.id)])
    previous.push(['page_reverse', 'True'])
    links.push({ rel: 'previous', href: withParams(baseUrl, previous) })
  }
  return links
}

/** Keeps only the requested fields of an item (all of them when none were requested). */
export function projectFields (item: WireItem, fields: readonly string[] | null): WireItem {
  if (fields === null) return item
  const out: WireItem = {}
  for (const field of fields) if (field in item) out[field] = item[field]
  return out
}
