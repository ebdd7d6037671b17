/**
 * Image locations (Image API 2.17, added in Glance 2024.2 and served here as well): POST
 * /v2/images/{id}/locations registers an http(s) URL as a queued image's data — the URL is
 * read in the background, through the outbound port and the cloudlet's allow-list, to learn
 * its size and hashes (checked against validation_data when given) and the image becomes
 * active, its data then streamed from the URL on download; GET lists the locations, for the
 * service role (and admins) only.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest, Conflict, Forbidden } from '../../openstack/faults.ts'
import { addLocationRequest } from '../../openstack/image/schemas.ts'
import type { AddLocationRequest } from '../../openstack/image/schemas.ts'
import { locationsView } from '../../openstack/image/views.ts'
import type { RouteHandler } from '../service-host.ts'
import { canChange } from './image-access.ts'
import type { ImageDeps, StoredData } from './image-deps.ts'
import { callerOfContext, nowSeconds, visibleImage } from './image-deps.ts'
import { storeImageData } from './image-data.ts'
import { IMPORT_TASK_KEY, newJob, runImageJob } from './image-jobs.ts'
import { fetchAllowed } from './outbound-fetch.ts'
import { glanceJsonBody } from './request-body.ts'

const DIGEST_BYTES: Readonly<Record<string, number>> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 }

export function locationHandlers (deps: ImageDeps): Record<string, RouteHandler> {
  const { state } = deps

  return {
    'locations:list': context => {
      const caller = callerOfContext(context)
      const row = visibleImage(deps, context.param('image_id'), caller)
      if (!caller.isService && !caller.isAdmin) throw new Forbidden('You are not authorized to complete fetch_image_location action.')
      return jsonResponse(200, locationsView(row.locations))
    },

    'locations:add': async context => {
      const request = addLocationRequest(await glanceJsonBody(context))
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      if (row.status !== 'queued') throw new Conflict(`It's not allowed to add locations if image status is ${row.status}.`)
      if (!canChange(row, caller) && !caller.isService) throw new Forbidden('You are not authorized to complete add_image_location action.')
      if (!/^https?:\/\//i.test(request.url)) throw new Forbidden('http store must be enabled to use location API by normal user.')
      checkValidationData(request)
      if (Object.hasOwn(row.properties, IMPORT_TASK_KEY) || row.job !== null) throw new Conflict('Image has active task')
      const job = { ...newJob(deps, 'location'), url: request.url }
      state.images.put({ ...row, job, updatedAtMs: nowSeconds(deps) })
      const expected = request.validationData
      runImageJob(deps, id, job, async (): Promise<StoredData> => {
        const response = await fetchAllowed(deps, request.url)
        const length = response.headers['content-length']
        const algo = expected.osHashAlgo ?? 'sha512'
        const data = await storeImageData(deps, null, response.body ?? (async function * () {})(), {
          capBytes: deps.settings.imageSizeCapBytes,
          diskFormat: row.diskFormat,
          containerFormat: row.containerFormat,
          expectedSize: length === undefined ? null : Number(length),
          ...(algo === 'sha1' || algo === 'sha256' ? { extraHash: algo } : {})
        })
        if (expected.osHashValue !== undefined) {
          const actual = algo === 'md5' ? data.checksum : algo === 'sha512' ? data.osHashValue : data.extraHashValue
          if (actual !== expected.osHashValue.toLowerCase()) {
            throw new Error(`os_hash_value: (${expected.osHashValue}) not matched with actual os_hash_value: (${actual ?? ''})`)
          }
        }
        return data
      })
      return emptyResponse(202)
    }
  }
}

/** Glance's _validate_hashing_data: hexadecimal, and as long as the algorithm's digest. */
function checkValidationData (request: AddLocationRequest): void {
  const value = request.validationData.osHashValue
  if (value === undefined) return
  if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw new BadRequest(`os_hash_value (${value}) is not a valid hexadecimal value`)
  const algo = request.validationData.osHashAlgo ?? 'sha512'
  const want = DIGEST_BYTES[algo] ?? 64
  if (value.length / 2 !== want) {
    throw new BadRequest(`os_hash_value: (${value}) is not the correct size for (${algo}) (should be (${want}) bytes)`)
  }
}
