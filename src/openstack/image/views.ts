/**
 * Glance's wire bodies: the image (extra properties first, then the core attributes, then the
 * relative self/file/schema links and, with data in a store, `stores`), the image member, the
 * image list with its relative `first`/`next` links, and the locations list.
 */
import { isoSecondsZ } from '../timestamps.ts'
import type { ImageLocation, ImageRow, MemberRow } from './model.ts'

/** Extra properties Glance keeps but never shows. */
const HIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['os_glance_stage_host', 'os_glance_hash_op_host'])

export function imageView (row: ImageRow): Record<string, unknown> {
  const entries: Array<[string, unknown]> = Object.entries(row.properties).filter(([key]) => !HIDDEN_PROPERTIES.has(key))
  entries.push(
    ['name', row.name],
    ['disk_format', row.diskFormat],
    ['container_format', row.containerFormat],
    ['visibility', row.visibility],
    ['size', row.size],
    ['virtual_size', row.virtualSize],
    ['status', row.status],
    ['checksum', row.checksum],
    ['protected', row.protected],
    ['min_ram', row.minRam],
    ['min_disk', row.minDisk],
    ['owner', row.owner],
    ['os_hidden', row.osHidden],
    ['os_hash_algo', row.osHashAlgo],
    ['os_hash_value', row.osHashValue],
    ['id', row.id],
    ['created_at', isoSecondsZ(row.createdAtMs)],
    ['updated_at', isoSecondsZ(row.updatedAtMs)],
    ['tags', [...row.tags]],
    ['self', `/v2/images/${row.id}`],
    ['file', `/v2/images/${row.id}/file`],
    ['schema', '/v2/schemas/image']
  )
  const stores = row.locations.map(l => l.metadata.store).filter((s): s is string => s !== undefined && s !== '')
  if (stores.length > 0) entries.push(['stores', stores.join(',')])
  return Object.fromEntries(entries)
}

export function memberView (row: MemberRow): Record<string, unknown> {
  return {
    member_id: row.memberId,
    image_id: row.imageId,
    status: row.status,
    created_at: isoSecondsZ(row.createdAtMs),
    updated_at: isoSecondsZ(row.updatedAtMs),
    schema: '/v2/schemas/member'
  }
}

export function membersView (rows: readonly MemberRow[]): Record<string, unknown> {
  return { members: rows.map(memberView), schema: '/v2/schemas/members' }
}

/**
 * GET /v2/images: `first` is the request's query without the marker, `next` (only when the page
 * is full) adds the last image's id as marker; both relative, starting /v2/images.
 */
export function imagesView (rows: readonly ImageRow[], query: ReadonlyArray<readonly [string, string]>, nextMarker: string | null): Record<string, unknown> {
  const params = query.filter(([name]) => name !== 'marker')
  const body: Record<string, unknown> = {
    images: rows.map(imageView),
    first: params.length > 0 ? `/v2/images?${pyUrlencode(params)}` : '/v2/images',
    schema: '/v2/schemas/images'
  }
  if (nextMarker !== null) body.next = `/v2/images?${pyUrlencode([...params, ['marker', nextMarker]])}`
  return body
}

/** GET /v2/images/{id}/locations: a bare list of {url, metadata}. */
export function locationsView (locations: readonly ImageLocation[]): unknown[] {
  return locations.map(l => ({ url: l.url, metadata: { ...l.metadata } }))
}

/** Python's urllib.parse.urlencode (quote_plus: letters, digits and _.-~ stay, space is +). */
export function pyUrlencode (pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&')
}

function quotePlus (text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+')
}
