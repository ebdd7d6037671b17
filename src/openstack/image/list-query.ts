/**
 * GET /v2/images query parameters, read the way Glance reads them: limit, marker and
 * member_status; repeatable `tag`; visibility, os_hidden and protected; sorting in the classic
 * (sort_key/sort_dir, repeatable) or the new (sort=name:asc,size) syntax, with created_at and
 * id always appended so the order is total; and every other parameter as a filter — operators
 * (in:/eq:) on name, id, status and the formats, gt/gte/lt/lte/neq/eq on created_at and
 * updated_at, size_min/size_max, columns by equality, and anything else as an extra-property
 * equality. Bad values get Glance's 400 messages.
 */
import { BadRequest } from '../faults.ts'
import { parseIsoTimestamp } from '../timestamps.ts'
import type { ImageVisibility, MemberStatus } from './model.ts'
import { IMAGE_LIMITS } from './model.ts'

export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const
export type SortKey = typeof SORT_KEYS[number]
export type SortDir = 'asc' | 'desc'

export interface SortSpec {
  readonly key: SortKey
  readonly dir: SortDir
}

export type TimeOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'neq' | 'eq'

export type ImageFilter =
  | { readonly kind: 'match', readonly field: 'name' | 'id' | 'status' | 'container_format' | 'disk_format', readonly values: readonly string[] }
  | { readonly kind: 'range', readonly field: 'size' | 'virtual_size' | 'min_ram' | 'min_disk', readonly bound: 'min' | 'max', readonly value: number }
  | { readonly kind: 'time', readonly field: 'created_at' | 'updated_at', readonly op: TimeOperator, readonly atMs: number }
  | { readonly kind: 'column', readonly field: string, readonly value: string }
  | { readonly kind: 'property', readonly key: string, readonly value: string }

export interface ImageListQuery {
  readonly limit: number
  readonly marker: string | null
  readonly memberStatus: MemberStatus | 'all'
  readonly visibility: ImageVisibility | 'all' | null
  readonly osHidden: boolean
  readonly protected: boolean | null
  readonly tags: readonly string[]
  /** The requested order, then created_at and id (when absent) in the default direction. */
  readonly sort: readonly SortSpec[]
  readonly filters: readonly ImageFilter[]
}

/** Image columns a filter may compare by equality (Glance's models.Image attributes). */
const COLUMNS: ReadonlySet<string> = new Set(['owner', 'checksum', 'os_hash_algo', 'os_hash_value', 'min_ram', 'min_disk', 'virtual_size', 'size'])
const RANGE_COLUMNS: ReadonlySet<string> = new Set(['size', 'virtual_size', 'min_ram', 'min_disk'])
const MATCH_FIELDS: ReadonlySet<string> = new Set(['name', 'id', 'status', 'container_format', 'disk_format'])
const VISIBILITIES: readonly string[] = ['community', 'public', 'private', 'shared', 'all']

class Params {
  readonly #items: Array<[string, string]>
  constructor (items: Array<[string, string]>) { this.#items = items }
  has (name: string): boolean { return this.#items.some(([k]) => k === name) }
  /** Removes and returns the first value, as webob's MultiDict.pop does. */
  pop (name: string): string | undefined {
    const index = this.#items.findIndex(([k]) => k === name)
    if (index === -1) return undefined
    const [, value] = this.#items[index] as [string, string]
    this.#items.splice(index, 1)
    return value
  }
  /** The last value, as MultiDict.get (and a dict built from it) has it. */
  get (name: string): string | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) if (this.#items[i]?.[0] === name) return this.#items[i]?.[1]
    return undefined
  }
  /** Remaining names in first-seen order, each with its last value. */
  entries (): Array<[string, string]> {
    const names = [...new Set(this.#items.map(([k]) => k))]
    return names.map(name => [name, this.get(name) as string])
  }
}

export function parseImageListQuery (search: URLSearchParams): ImageListQuery {
  const params = new Params([...search])
  const limitText = params.pop('limit')
  const marker = params.pop('marker') ?? null
  const memberStatusText = params.pop('member_status') ?? 'accepted'
  const tags: string[] = []
  while (params.has('tag')) tags.push((params.pop('tag') as string).trim())

  const visibilityText = params.get('visibility')
  if (visibilityText !== undefined && visibilityText !== '' && !VISIBILITIES.includes(visibilityText)) {
    throw new BadRequest(`Invalid visibility value: ${visibilityText}`)
  }
  const changesSince = params.get('changes-since')
  if (changesSince !== undefined && changesSince !== '') throw new BadRequest('The "changes-since" filter is no longer available on v2.')
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatusText)) throw new BadRequest(`Invalid status: ${memberStatusText}`)
  let limit: number = IMAGE_LIMITS.pageDefault
  if (limitText !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(limitText)) throw new BadRequest('limit param must be an integer')
    limit = Number(limitText)
    if (limit < 0) throw new BadRequest('limit param must be positive')
  }
  const sort = sortingParams(params)

  const osHiddenText = (params.get('os_hidden') ?? 'false').toLowerCase()
  if (osHiddenText !== 'true' && osHiddenText !== 'false') {
    throw new BadRequest(`Invalid value '${osHiddenText}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`)
  }
  const protectedText = params.get('protected')
  if (protectedText !== undefined && protectedText !== 'true' && protectedText !== 'false') {
    throw new BadRequest(`Invalid value '${protectedText}' for 'protected' filter. Valid values are 'true' or 'false'.`)
  }

  const filters: ImageFilter[] = []
  for (const [name, value] of params.entries()) {
    if (['visibility', 'os_hidden', 'protected', 'deleted', 'changes-since'].includes(name)) continue
    filters.push(filterFor(name, value))
  }
  return {
    limit: Math.min(IMAGE_LIMITS.pageMax, limit),
    marker,
    memberStatus: memberStatusText as MemberStatus | 'all',
    visibility: visibilityText === undefined || visibilityText === '' ? null : visibilityText as ImageVisibility | 'all',
    osHidden: osHiddenText === 'true',
    protected: protectedText === undefined ? null : protectedText === 'true',
    tags,
    sort,
    filters
  }
}

function sortingParams (params: Params): SortSpec[] {
  const keys: SortKey[] = []
  const dirs: SortDir[] = []
  if (params.has('sort')) {
    if (params.has('sort_key') || params.has('sort_dir')) throw new BadRequest('Old and new sorting syntax cannot be combined')
    for (const part of (params.pop('sort') as string).trim().split(',')) {
      const colon = part.indexOf(':')
      const key = colon === -1 ? part : part.slice(0, colon)
      const dir = colon === -1 || part.slice(colon + 1) === '' ? 'desc' : part.slice(colon + 1)
      keys.push(sortKey(key.trim()))
      dirs.push(sortDir(dir.trim()))
    }
  } else {
    while (params.has('sort_key')) keys.push(sortKey((params.pop('sort_key') as string).trim()))
    while (params.has('sort_dir')) dirs.push(sortDir((params.pop('sort_dir') as string).trim()))
    if (dirs.length > 1 && dirs.length !== keys.length) throw new BadRequest('Number of sort dirs does not match the number of sort keys')
  }
  if (keys.length === 0) keys.push('created_at')
  if (dirs.length === 0) dirs.push('desc')
  const defaultDir: SortDir = dirs.length === 1 ? dirs[0] as SortDir : 'desc'
  const specs: SortSpec[] = keys.map((key, i) => ({ key, dir: dirs.length === 1 ? defaultDir : dirs[i] ?? defaultDir }))
  for (const key of ['created_at', 'id'] as const) if (!keys.includes(key)) specs.push({ key, dir: defaultDir })
  return specs
}

function sortKey (key: string): SortKey {
  if (!(SORT_KEYS as readonly string[]).includes(key)) {
    throw new BadRequest(`Invalid sort key: ${key}. It must be one of the following: ${SORT_KEYS.join(', ')}.`)
  }
  return key as SortKey
}

function sortDir (dir: string): SortDir {
  if (dir !== 'asc' && dir !== 'desc') throw new BadRequest(`Invalid sort direction: ${dir}`)
  return dir
}

function filterFor (name: string, value: string): ImageFilter {
  if (name.endsWith('_min') || name.endsWith('_max')) {
    const column = name.slice(0, -4)
    if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new BadRequest('Unable to filter on a range with a non-numeric value.')
    if (RANGE_COLUMNS.has(column)) {
      return { kind: 'range', field: column as 'size', bound: name.endsWith('_min') ? 'min' : 'max', value: Number(value) }
    }
    return { kind: 'property', key: name, value }
  }
  if (name === 'created_at' || name === 'updated_at') {
    const [op, threshold] = splitFilterOperator(value)
    const atMs = parseIsoTimestamp(threshold)
    if (atMs === null) throw new BadRequest(`Bad "${name}" query filter format. Use ISO 8601 DateTime notation.`)
    if (!['gt', 'gte', 'lt', 'lte', 'neq', 'eq'].includes(op)) throw new BadRequest('Unable to filter on a unknown operator.')
    return { kind: 'time', field: name, op: op as TimeOperator, atMs }
  }
  if (MATCH_FIELDS.has(name)) {
    const [op, threshold] = splitFilterOperator(value)
    if (op === 'in') return { kind: 'match', field: name as 'name', values: splitQuotedList(threshold) }
    if (op === 'eq') return { kind: 'match', field: name as 'name', values: [threshold] }
    throw new BadRequest(`Unable to filter by unknown operator '${op}'.`)
  }
  if (COLUMNS.has(name)) return { kind: 'column', field: name, value }
  return { kind: 'property', key: name, value }
}

/** Glance's split_filter_op: "gte:2026-01-01T00:00:00Z" → gte; a bare ISO timestamp (with its colons) → eq. */
export function splitFilterOperator (expression: string): [op: string, threshold: string] {
  const colon = expression.indexOf(':')
  if (colon === -1) return ['eq', expression]
  if (parseIsoTimestamp(expression) !== null) return ['eq', expression]
  return [expression.slice(0, colon), expression.slice(colon + 1)]
}

/** Glance's split_filter_value_for_quotes: comma-separated, with "double quoted" values that may hold commas. */
export function splitQuotedList (value: string): string[] {
  let open = true
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '"' || (i > 0 && value[i - 1] === '\\')) continue
    if (open && i > 0 && value[i - 1] !== ',') throw new BadRequest(`Invalid filter value ${value}. There is no comma before opening quotation mark.`)
    if (!open && i + 1 !== value.length && value[i + 1] !== ',') throw new BadRequest(`Invalid filter value ${value}. There is no comma after closing quotation mark.`)
    open = !open
  }
  if (!open) throw new BadRequest(`Invalid filter value ${value}. The quote is not closed.`)
  const out: string[] = []
  for (const match of value.matchAll(/"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,/g)) out.push(match[1] ?? match[2] ?? '')
  return out
}
