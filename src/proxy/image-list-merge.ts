/**
 * GET /v2/images across cloudlets. Glance pages every list (25 by default, 1000 at most), so
 * the agent asks each cloudlet with the client's filters and sort, limit=1000 and no marker
 * (imageFanOutQuery), following `next` until a cloudlet's list is whole; mergeImageLists then
 * reads the client's query as Glance does (openstack/image/list-query.ts: sort_key/sort_dir or
 * sort=, created_at and id appended, 400s in Glance's words), sorts the union, starts after the
 * marker (an unknown one is Glance's 400 "No image found with ID …"), cuts at the limit, and
 * writes `first`, `schema` and — when the page is full — `next` as Glance does: relative paths
 * starting /v2/images, which the SDK resolves against the agent's image endpoint.
 */
import { BadRequest } from '../openstack/faults.ts'
import { parseImageListQuery } from '../openstack/image/list-query.ts'
import type { SortSpec } from '../openstack/image/list-query.ts'
import { IMAGE_LIMITS } from '../openstack/image/model.ts'
import { pyUrlencode } from '../openstack/image/views.ts'
import type { SortKey } from './sort-order.ts'
import { comparatorOf, startAfter, uniqueById } from './sort-order.ts'

export type WireImage = Readonly<Record<string, unknown>>

/** The query each cloudlet gets: the client's, with the largest page and no marker. */
export function imageFanOutQuery (query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams()
  for (const [key, value] of query) if (key !== 'limit' && key !== 'marker') out.append(key, value)
  out.append('limit', String(IMAGE_LIMITS.pageMax))
  return out
}

/** Glance's order over wire images: each sort key is the image field of the same name. */
export function imageSortOrder (sort: readonly SortSpec[]): Array<SortKey<WireImage>> {
  return sort.map(({ key, dir }) => ({ value: (image: WireImage) => image[key], descending: dir === 'desc' }))
}

export interface ImageListMergeInput {
  /** Each cloudlet's whole list for imageFanOutQuery. */
  readonly lists: ReadonlyArray<readonly WireImage[]>
  /** The client's query. */
  readonly query: URLSearchParams
  /** The marker's image when the filters exclude it (fetched by id by the caller). */
  readonly markerImage?: WireImage | null
}

export interface ImageListBody {
  images: WireImage[]
  first: string
  schema: string
  next?: string
}

export function mergeImageLists (input: ImageListMergeInput): ImageListBody {
  const parsed = parseImageListQuery(input.query)
  const compare = comparatorOf(imageSortOrder(parsed.sort))
  const sorted = uniqueById(input.lists).sort(compare)
  let start = 0
  if (parsed.marker !== null) {
    const marker = sorted.find(image => image.id === parsed.marker) ?? (input.markerImage?.id === parsed.marker ? input.markerImage : undefined)
    if (marker === undefined) throw new BadRequest(`No image found with ID ${parsed.marker}`)
    start = startAfter(sorted, marker, image => image.id === parsed.marker, compare)
  }
  const page = sorted.slice(start, start + parsed.limit)
  const params = [...input.query].filter(([name]) => name !== 'marker')
  const body: ImageListBody = {
    images: page,
    first: params.length > 0 ? `/v2/images?${pyUrlencode(params)}` : '/v2/images',
    schema: '/v2/schemas/images'
  }
  const last = page[page.length - 1]
  if (last !== undefined && page.length === parsed.limit) body.next = `/v2/images?${pyUrlencode([...params, ['marker', String(last.id)]])}`
  return body
}
