/**
 * Image bytes in and out: a source stream is written into the BlobStore chunk by chunk while
 * its size, md5 (Glance's `checksum`) and sha512 (`os_hash_value`) are computed and the size
 * cap is enforced, so no image is ever held in memory whole; a failure leaves no blob behind
 * (BlobStore.write's contract). The first bytes are inspected, as Glance's format inspector
 * does for bare raw and qcow2 images, to learn the virtual size. Reading serves a blob, or an
 * http(s) location through the outbound port, optionally a byte range of it.
 */
import type { HttpBodyStream } from '../../core/http.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import type { ServedRange } from '../../openstack/image/byte-range.ts'
import type { ImageDeps, StoredData } from './image-deps.ts'
import { fetchAllowed } from './outbound-fetch.ts'


/** The data went past Glance's image_size_cap. */
export class ImageTooLargeError extends Error {
  readonly code = 'P2P_ERR_IMAGE_TOO_LARGE'
  constructor () { super('The provided image is too large.') }
}

/** A download ended with fewer or more bytes than its Content-Length announced. */
export class LengthMismatchError extends Error {
  readonly code = 'P2P_ERR_LENGTH_MISMATCH'
}

export function imageBlobKey (imageId: string): string {
  return `image/${imageId}/data`
}

export function stagingBlobKey (imageId: string): string {
  return `image/${imageId}/staging`
}

export interface StoreOptions {
  readonly capBytes: number
  readonly diskFormat: string | null
  readonly containerFormat: string | null
  /** The size the source announced, checked at the end (web-download's Content-Length). */
  readonly expectedSize?: number | null
  /** Another digest to compute on the way (to check a location's validation data). */
  readonly extraHash?: 'sha1' | 'sha256'
}

/** Streams `source` into the blob `key` (or only reads it, with a null key), hashing and counting on the way. */
export async function storeImageData (deps: ImageDeps, key: string | null, source: AsyncIterable<Uint8Array>, options: StoreOptions): Promise<StoredData> {
  const md5 = deps.hashing.create('md5')
  const sha512 = deps.hashing.create('sha512')
  const extra = options.extraHash === undefined ? null : deps.hashing.create(options.extraHash)
  const head = new Uint8Array(32)
  let size = 0
  async function * measured (): HttpBodyStream {
    for await (const chunk of source) {
      if (size < head.byteLength) head.set(chunk.subarray(0, head.byteLength - size), size)
      size += chunk.byteLength
      if (size > options.capBytes) throw new ImageTooLargeError()
      md5.update(chunk)
      sha512.update(chunk)
      extra?.update(chunk)
      yield chunk
    }
  }
  if (key === null) {
    for await (const _chunk of measured()) { /* measured, not kept */ }
  } else {
    await deps.blobs.write(key, measured())
  }
  if (options.expectedSize !== undefined && options.expectedSize !== null && options.expectedSize !== size) {
    if (key !== null) await deps.blobs.delete(key)
    throw new LengthMismatchError(`downloaded data size ${size} is different from expected ${options.expectedSize}`)
  }
  return {
    blobKey: key,
    size,
    checksum: md5.digestHex(),
    osHashValue: sha512.digestHex(),
    virtualSize: virtualSizeOf(head.subarray(0, Math.min(size, head.byteLength)), size, options),
    ...(extra === null ? {} : { extraHashValue: extra.digestHex() })
  }
}

/** Glance's in-flight format inspection: raw is its own size, qcow2 says it in its header; only for bare images. */
function virtualSizeOf (head: Uint8Array, size: number, options: StoreOptions): number | null {
  if (options.containerFormat !== 'bare') return null
  if (options.diskFormat === 'raw') return size > 0 ? size : null
  if (options.diskFormat === 'qcow2') {
    if (head.byteLength < 32 || head[0] !== 0x51 || head[1] !== 0x46 || head[2] !== 0x49 || head[3] !== 0xfb) return null
    let virtual = 0
    for (let i = 24; i < 32; i++) virtual = virtual * 256 + (head[i] ?? 0)
    return virtual > 0 ? virtual : null
  }
  return null
}

/** The image's bytes (or `range` of them), or null when it has no data. */
export async function openImageData (deps: ImageDeps, row: ImageRow, range: ServedRange | null): Promise<HttpBodyStream | null> {
  const location = row.locations[0]
  if (location === undefined) return null
  if (location.blobKey !== null) {
    return deps.blobs.read(location.blobKey, range === null ? undefined : { start: range.offset, end: range.last })
  }
  const response = await fetchAllowed(deps, location.url)
  const body = response.body ?? emptyStream()
  return range === null ? body : slice(body, range.offset, range.last)
}

async function * emptyStream (): HttpBodyStream {}

async function * slice (source: HttpBodyStream, first: number, last: number): HttpBodyStream {
  let position = 0
  for await (const chunk of source) {
    const start = Math.max(first - position, 0)
    const end = Math.min(last + 1 - position, chunk.byteLength)
    position += chunk.byteLength
    if (end > start) yield chunk.subarray(start, end)
    if (position > last) return
  }
}
