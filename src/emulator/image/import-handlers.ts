/**
 * POST /v2/images/{id}/import (interoperable image import) and the discovery calls around it,
 * GET /v2/info/import and /v2/info/stores[/detail]. glance-direct imports the staged data,
 * web-download fetches a URL the cloudlet allows; either way the call answers 202 at once, the
 * image is importing, and the data streams into the store in the background. Success makes it
 * active; failure puts it back to queued with os_glance_failed_import naming the store.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest, Conflict, Forbidden } from '../../openstack/faults.ts'
import { isFetchAllowed } from '../../openstack/image/import-uri.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import { IMAGE_STORE_ID, IMPORT_METHODS } from '../../openstack/image/model.ts'
import { importRequest } from '../../openstack/image/schemas.ts'
import type { ImportRequest } from '../../openstack/image/schemas.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import { canChange } from './image-access.ts'
import type { ImageDeps, StoredData } from './image-deps.ts'
import { callerOfContext, nowSeconds, visibleImage } from './image-deps.ts'
import { imageBlobKey, stagingBlobKey, storeImageData } from './image-data.ts'
import { FAILED_IMPORT_KEY, IMPORT_TASK_KEY, IMPORTING_STORES_KEY, newJob, runImageJob } from './image-jobs.ts'
import { fetchAllowed } from './outbound-fetch.ts'
import { glanceJsonBody } from './request-body.ts'

const STORE = { id: IMAGE_STORE_ID, description: 'Local file store of the emulated cloudlet' }

export function importHandlers (deps: ImageDeps): Record<string, RouteHandler> {
  const { state } = deps

  return {
    'images:import': async context => {
      const request = importRequest(await glanceJsonBody(context))
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      checkImportable(row, request)
      if (!canChange(row, caller)) throw new Forbidden('You do not own this image')
      if (Object.hasOwn(row.properties, IMPORT_TASK_KEY)) throw new Conflict('Image has active task')
      checkStores(context, request)
      if (request.method === 'web-download' && (request.uri === null || !isFetchAllowed(request.uri, deps.settings.webDownloadAllowedHosts))) {
        throw new BadRequest(`URI for web-download does not pass filtering: ${request.uri ?? 'None'}`)
      }
      const job = newJob(deps, 'import')
      const properties = { ...row.properties, [IMPORT_TASK_KEY]: job.id, [IMPORTING_STORES_KEY]: IMAGE_STORE_ID, [FAILED_IMPORT_KEY]: '' }
      state.images.put({ ...row, status: 'importing', properties, job, updatedAtMs: nowSeconds(deps) })
      const options = { capBytes: deps.settings.imageSizeCapBytes, diskFormat: row.diskFormat, containerFormat: row.containerFormat }
      const uri = request.uri
      runImageJob(deps, id, job, async (): Promise<StoredData> => {
        if (uri !== null && request.method === 'web-download') {
          const response = await fetchAllowed(deps, uri)
          const length = response.headers['content-length']
          const source = response.body ?? (async function * () {})()
          return await storeImageData(deps, imageBlobKey(id), source, { ...options, expectedSize: length === undefined ? null : Number(length) })
        }
        const staged = deps.blobs.read(stagingBlobKey(id))
        if (staged === null) throw new Error(`image ${id} has no staged data`)
        return await storeImageData(deps, imageBlobKey(id), staged, options)
      })
      return emptyResponse(202)
    },

    'info:import': () => jsonResponse(200, {
      'import-methods': { description: 'Import methods available.', type: 'array', value: IMPORT_METHODS }
    }),

    'info:stores': () => jsonResponse(200, { stores: [{ ...STORE, default: 'true' }] }),

    'info:stores-detail': context => {
      if (!context.isAdmin) throw new Forbidden('You are not authorized to complete stores_info_detail action.')
      return jsonResponse(200, {
        stores: [{
          ...STORE,
          default: 'true',
          type: 'file',
          properties: { data_dir: '/opt/stack/data/glance/images/', chunk_size: 65536, thin_provisioning: false }
        }]
      })
    }
  }
}

/** Glance's status checks before an import, in its order. */
function checkImportable (row: ImageRow, request: ImportRequest): void {
  if (row.status === 'active') throw new Conflict('Image with status active cannot be target for import')
  if (request.method === 'web-download' && row.status !== 'queued') throw new Conflict("Image needs to be in 'queued' state to use 'web-download' method")
  if (request.method === 'glance-direct' && row.status !== 'uploading') throw new Conflict("Image needs to be staged before 'glance-direct' method can be used")
  if (row.containerFormat === null || row.containerFormat === '') throw new Conflict("'container_format' needs to be set before import")
  if (row.diskFormat === null || row.diskFormat === '') throw new Conflict("'disk_format' needs to be set before import")
}

/** The target stores (from `stores`, `all_stores` or X-Image-Meta-Store) must be this Glance's one store. */
function checkStores (context: RequestContext, request: ImportRequest): void {
  const header = context.header('x-image-meta-store')
  let stores: readonly unknown[]
  if (request.allStores) {
    if (request.stores !== null || header !== undefined) {
      throw new BadRequest("All_stores parameter can't be used with x-image-meta-store header or stores parameter")
    }
    stores = [IMAGE_STORE_ID]
  } else if (request.stores !== null) {
    if (header !== undefined) throw new BadRequest("Stores parameter and x-image-meta-store header can't be both specified")
    stores = request.stores
  } else {
    stores = [header ?? IMAGE_STORE_ID]
  }
  for (const store of stores) {
    if (store !== IMAGE_STORE_ID) throw new Conflict(`Unknown scheme '${String(store)}' found in URI`)
  }
}
