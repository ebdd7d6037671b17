/**
 * Image data: PUT /v2/images/{id}/file (upload: queued → saving → active, streamed into the
 * BlobStore while size and hashes are computed), PUT /v2/images/{id}/stage (the first half of
 * a glance-direct import: queued → uploading, data kept aside) and GET /v2/images/{id}/file
 * (streamed out, a Range as 206, 204 when there is no data). A failed upload or staging puts
 * the image back to queued with no data, as Glance does.
 */
import type { HttpBodyStream } from '../../core/http.ts'
import { emptyResponse } from '../../core/http.ts'
import { BadRequest, Conflict, Forbidden, OpenStackFault, RequestEntityTooLarge, ServiceUnavailable } from '../../openstack/faults.ts'
import { servedRange } from '../../openstack/image/byte-range.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import { canTransition, IMAGE_STORE_ID } from '../../openstack/image/model.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import { canChange } from './image-access.ts'
import type { ImageDeps, StoredData } from './image-deps.ts'
import { callerOfContext, nowSeconds, visibleImage } from './image-deps.ts'
import { ImageTooLargeError, imageBlobKey, openImageData, stagingBlobKey, storeImageData } from './image-data.ts'
import { newJob, removeBlob, withData } from './image-jobs.ts'
import { FetchFailedError, FetchRefusedError } from './outbound-fetch.ts'
import { requireOctetStream } from './request-body.ts'

const TOO_LARGE = 'The incoming image is too large: The provided image is too large.'

export function dataHandlers (deps: ImageDeps): Record<string, RouteHandler> {
  const { state } = deps

  /** Checks the announced length against the cap before a byte is read. */
  const checkLength = (context: RequestContext): void => {
    const length = Number(context.header('content-length') ?? '0')
    if (length > deps.settings.imageSizeCapBytes) throw new RequestEntityTooLarge(TOO_LARGE)
  }

  /**
   * Streams the request body into `key` under a job of `kind`, with the row in `status`; on
   * failure the row goes back to queued and the fault is Glance's. Returns the row as it is now.
   */
  const receive = async (context: RequestContext, row: ImageRow, kind: 'upload' | 'stage', status: 'saving' | 'uploading', key: string): Promise<[ImageRow, StoredData]> => {
    const job = newJob(deps, kind)
    state.images.put({ ...row, status, job, updatedAtMs: nowSeconds(deps) })
    let data: StoredData
    try {
      data = await storeImageData(deps, key, context.request.body ?? emptyBody(), {
        capBytes: deps.settings.imageSizeCapBytes,
        diskFormat: row.diskFormat,
        containerFormat: row.containerFormat
      })
    } catch (error) {
      const current = state.images.get(row.id)
      if (current !== undefined && current.job?.id === job.id) {
        state.images.put({ ...current, status: 'queued', size: null, virtualSize: null, job: null, updatedAtMs: nowSeconds(deps) })
      }
      if (error instanceof ImageTooLargeError) throw new RequestEntityTooLarge(TOO_LARGE)
      throw error
    }
    const current = state.images.get(row.id)
    if (current === undefined || current.job?.id !== job.id) {
      removeBlob(deps, key)
      throw new OpenStackFault(410, `Image ${row.id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.`)
    }
    return [current, data]
  }

  return {
    'images:upload': async context => {
      requireOctetStream(context)
      const store = context.header('x-image-meta-store')
      if (store !== undefined && store !== IMAGE_STORE_ID) throw new BadRequest(`Unknown scheme '${store}' found in URI`)
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      if (!canChange(row, caller)) throw new Forbidden(`Not allowed to upload image data for image ${id}`)
      if (!canTransition(row.status, 'saving')) throw new Conflict(`Image status transition from ${row.status} to saving is not allowed`)
      const missing = [row.diskFormat === null ? 'disk_format' : null, row.containerFormat === null ? 'container_format' : null].filter(m => m !== null)
      if (missing.length > 0) throw new BadRequest(`${missing.length === 1 ? 'Property' : 'Properties'} ${missing.join(', ')} must be set prior to saving data.`)
      checkLength(context)
      const [current, data] = await receive(context, row, 'upload', 'saving', imageBlobKey(id))
      state.images.put({ ...withData(current, data), job: null, updatedAtMs: nowSeconds(deps) })
      return emptyResponse(204)
    },

    'images:stage': async context => {
      requireOctetStream(context)
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      if (!canChange(row, caller)) throw new Forbidden('You do not own this image')
      if (!canTransition(row.status, 'uploading')) throw new Conflict(`Image status transition from ${row.status} to uploading is not allowed`)
      checkLength(context)
      const [current, data] = await receive(context, row, 'stage', 'uploading', stagingBlobKey(id))
      state.images.put({ ...current, size: data.size, job: null, updatedAtMs: nowSeconds(deps) })
      return emptyResponse(204)
    },

    'images:download': async context => {
      const caller = callerOfContext(context)
      const row = visibleImage(deps, context.param('image_id'), caller)
      if (row.status === 'deactivated' && !caller.isAdmin) {
        throw new Forbidden('The requested image has been deactivated. Image data download is forbidden.')
      }
      if (row.locations.length === 0) return emptyResponse(204)
      const size = row.size ?? 0
      const range = servedRange(context.header('range'), size)
      let body: HttpBodyStream | null
      try {
        body = await openImageData(deps, row, range)
      } catch (error) {
        if (error instanceof FetchRefusedError || error instanceof FetchFailedError) {
          throw new ServiceUnavailable('Remote server where the image is present is unavailable.', { cause: error })
        }
        throw error
      }
      if (body === null) return emptyResponse(204)
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
      if (row.checksum !== null) headers['content-md5'] = row.checksum
      if (range === null) {
        headers['content-length'] = String(size)
        return { status: 200, headers, body }
      }
      headers['content-length'] = String(range.last - range.offset + 1)
      headers['content-range'] = `bytes ${range.offset}-${range.last}/${size}`
      return { status: 206, headers, body }
    }
  }
}

async function * emptyBody (): HttpBodyStream {}
