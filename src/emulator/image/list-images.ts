/**
 * GET /v2/images over the rows: which images a caller's list may hold (Glance's visibility
 * and member_status rules, community images only when asked for or owned, killed images
 * never), the filters, the order (every sort key, then created_at and id), and the page after
 * the marker. An unknown marker is Glance's 400; a marker the caller cannot see, its 403.
 */
import { BadRequest, Forbidden } from '../../openstack/faults.ts'
import type { ImageFilter, ImageListQuery, SortKey, SortSpec } from '../../openstack/image/list-query.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import type { Caller } from './image-access.ts'
import { canSee } from './image-access.ts'
import type { ImageState } from './image-state.ts'
import { compareColumnValues } from '../../openstack/column-order.ts'

export interface ImagePage {
  readonly rows: ImageRow[]
  /** The id to put in `next`, when the page is full. */
  readonly nextMarker: string | null
}

export function listImagePage (state: ImageState, caller: Caller, query: ImageListQuery): ImagePage {
  const rows = selectImages(state, caller, query)
  let start = 0
  if (query.marker !== null) {
    const marker = state.images.get(query.marker)
    if (marker === undefined) throw new BadRequest(`No image found with ID ${query.marker}`)
    if (!canSee(state, marker, caller)) throw new Forbidden(`Forbidding request, image ${query.marker} not visible`)
    const compare = comparator(query.sort)
    start = rows.findIndex(row => compare(row, marker) > 0)
    if (start === -1) start = rows.length
  }
  const page = rows.slice(start, start + query.limit)
  const last = page[page.length - 1]
  return { rows: page, nextMarker: last !== undefined && page.length === query.limit ? last.id : null }
}

/** Every image the list may hold, filtered and sorted, before the marker and the limit. */
export function selectImages (state: ImageState, caller: Caller, query: ImageListQuery): ImageRow[] {
  const rows = state.images.filter(row => row.status !== 'killed' && inScope(state, row, caller, query) && matches(row, query))
  return rows.sort(comparator(query.sort))
}

function inScope (state: ImageState, row: ImageRow, caller: Caller, query: ImageListQuery): boolean {
  const own = caller.projectId !== null && row.owner === caller.projectId
  if (!caller.isAdmin) {
    let listed = row.visibility === 'public' || row.visibility === 'community' || own
    if (!listed && row.visibility === 'shared' && caller.projectId !== null) {
      const member = state.member(row.id, caller.projectId)
      listed = member !== undefined && (query.memberStatus === 'all' || member.status === query.memberStatus)
    }
    if (!listed) return false
  }
  if (query.visibility !== null) return query.visibility === 'all' || row.visibility === query.visibility
  return own || row.visibility !== 'community'
}

function matches (row: ImageRow, query: ImageListQuery): boolean {
  if (row.osHidden !== query.osHidden) return false
  if (query.protected !== null && row.protected !== query.protected) return false
  if (!query.tags.every(tag => row.tags.includes(tag))) return false
  return query.filters.every(filter => matchesFilter(row, filter))
}

function matchesFilter (row: ImageRow, filter: ImageFilter): boolean {
  switch (filter.kind) {
    case 'match': {
      const value = column(row, filter.field)
      return value !== null && filter.values.includes(String(value))
    }
    case 'range': {
      const value = column(row, filter.field)
      if (typeof value !== 'number') return false
      return filter.bound === 'min' ? value >= filter.value : value <= filter.value
    }
    case 'time': {
      const value = filter.field === 'created_at' ? row.createdAtMs : row.updatedAtMs
      switch (filter.op) {
        case 'gt': return value > filter.atMs
        case 'gte': return value >= filter.atMs
        case 'lt': return value < filter.atMs
        case 'lte': return value <= filter.atMs
        case 'neq': return value !== filter.atMs
        case 'eq': return value === filter.atMs
      }
      return false
    }
    case 'column': {
      const value = column(row, filter.field)
      if (value === null) return false
      if (typeof value === 'number') return /^\s*[+-]?\d+(\.\d+)?\s*$/.test(filter.value) && Number(filter.value) === value
      return String(value) === filter.value
    }
    case 'property':
      return Object.hasOwn(row.properties, filter.key) && row.properties[filter.key] === filter.value
  }
}

function column (row: ImageRow, field: string): string | number | boolean | null {
  switch (field) {
    case 'id': return row.id
    case 'name': return row.name
    case 'status': return row.status
    case 'container_format': return row.containerFormat
    case 'disk_format': return row.diskFormat
    case 'size': return row.size
    case 'virtual_size': return row.virtualSize
    case 'min_ram': return row.minRam
    case 'min_disk': return row.minDisk
    case 'owner': return row.owner
    case 'checksum': return row.checksum
    case 'os_hash_algo': return row.osHashAlgo
    case 'os_hash_value': return row.osHashValue
    case 'created_at': return row.createdAtMs
    case 'updated_at': return row.updatedAtMs
    default: return null
  }
}

/** Orders rows by the sort keys; null sorts first ascending, as in Glance's database. */
export function comparator (sort: readonly SortSpec[]): (a: ImageRow, b: ImageRow) => number {
  return (a, b) => {
    for (const { key, dir } of sort) {
      const order = compareColumnValues(sortValue(a, key), sortValue(b, key))
      if (order !== 0) return dir === 'asc' ? order : -order
    }
    return 0
  }
}

function sortValue (row: ImageRow, key: SortKey): string | number | null {
  const value = column(row, key)
  return typeof value === 'boolean' ? Number(value) : value
}

