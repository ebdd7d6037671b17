/**
 * POST/GET/PATCH/DELETE /v2/images[/{id}], the deactivate and reactivate actions, and image
 * tags, with Glance's checks in Glance's order: the body first (400/403/415 before any
 * lookup), then the image (404 when the caller may not see it), then ownership and policy
 * (403), then the image's own rules. A request that fails changes nothing.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { uuid } from '../../core/ids.ts'
import { BadRequest, Conflict, Forbidden, NotFound, RequestEntityTooLarge } from '../../openstack/faults.ts'
import { IMAGE_SCHEMA, schemaMismatch } from '../../openstack/image/image-schema.ts'
import { parseImagePatch, patchDraft } from '../../openstack/image/json-patch.ts'
import { parseImageListQuery } from '../../openstack/image/list-query.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import { IMAGE_LIMITS, IMAGE_STORE_ID, IMPORT_METHODS } from '../../openstack/image/model.ts'
import { imageCreateRequest, requireBody } from '../../openstack/image/schemas.ts'
import { imagesView, imageView } from '../../openstack/image/views.ts'
import type { RouteHandler } from '../service-host.ts'
import { canChange } from './image-access.ts'
import type { ImageDeps } from './image-deps.ts'
import { callerOfContext, nowSeconds, visibleImage } from './image-deps.ts'
import { imageBlobKey, stagingBlobKey } from './image-data.ts'
import { removeBlob } from './image-jobs.ts'
import { checkMinimum, checkQuotas, tagQuotaMessage } from './image-rules.ts'
import { applyImageChanges } from './image-update.ts'
import { listImagePage } from './list-images.ts'
import { glanceJsonBody } from './request-body.ts'

export function imageHandlers (deps: ImageDeps): Record<string, RouteHandler> {
  const { state } = deps

  return {
    'images:create': async context => {
      const request = imageCreateRequest(await glanceJsonBody(context))
      const caller = callerOfContext(context)
      const owner = request.owner !== undefined ? request.owner : caller.projectId
      if (request.visibility === 'public' && !caller.isAdmin) throw new Forbidden('You are not authorized to complete publicize_image action.')
      if (!caller.isAdmin && owner !== caller.projectId) throw new Forbidden(`You are not permitted to create images owned by '${owner ?? 'None'}'.`)
      if (request.readOnlyAttribute !== null) throw new Forbidden(`Attribute '${request.readOnlyAttribute}' is read-only.`)
      if (request.reservedAttribute !== null) throw new Forbidden(`Attribute '${request.reservedAttribute}' is reserved.`)
      checkMinimum('min_disk', request.minDisk)
      checkMinimum('min_ram', request.minRam)
      checkQuotas(request.properties, request.tags)
      const id = request.id ?? uuid(deps.random)
      if (state.isIdTaken(id)) throw new Conflict(`Image ID ${id} already exists!`)
      const now = nowSeconds(deps)
      const row: ImageRow = {
        id,
        name: request.name ?? null,
        status: 'queued',
        visibility: request.visibility ?? 'shared',
        protected: request.protected ?? false,
        osHidden: request.osHidden ?? false,
        owner,
        diskFormat: request.diskFormat ?? null,
        containerFormat: request.containerFormat ?? null,
        minDisk: request.minDisk ?? 0,
        minRam: request.minRam ?? 0,
        size: null,
        virtualSize: null,
        checksum: null,
        osHashAlgo: null,
        osHashValue: null,
        tags: request.tags,
        properties: request.properties,
        locations: [],
        createdAtMs: now,
        updatedAtMs: now,
        job: null
      }
      state.images.put(row)
      return jsonResponse(201, imageView(row), {
        location: `${context.serviceUrl}/v2/images/${id}`,
        'openstack-image-import-methods': IMPORT_METHODS.join(','),
        'openstack-image-store-ids': IMAGE_STORE_ID
      })
    },

    'images:list': context => {
      const query = parseImageListQuery(context.query)
      const page = listImagePage(state, callerOfContext(context), query)
      return jsonResponse(200, imagesView(page.rows, [...context.query], page.nextMarker))
    },

    'images:show': context => {
      const row = visibleImage(deps, context.param('image_id'), callerOfContext(context))
      return jsonResponse(200, imageView(row))
    },

    'images:update': async context => {
      const draft = patchDraft(context.header('content-type'))
      const changes = parseImagePatch(requireBody(await glanceJsonBody(context)), draft)
      const caller = callerOfContext(context)
      const row = visibleImage(deps, context.param('image_id'), caller)
      if (changes.length === 0) return jsonResponse(200, imageView(row))
      const updated: ImageRow = { ...applyImageChanges(row, changes, caller), updatedAtMs: nowSeconds(deps) }
      state.images.put(updated)
      return jsonResponse(200, imageView(updated))
    },

    'images:delete': context => {
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      if (!canChange(row, caller)) throw new Forbidden('You do not own this image')
      if (row.protected) throw new Forbidden(`Image ${id} is protected and cannot be deleted.`)
      state.deleteImage(id)
      removeBlob(deps, imageBlobKey(id))
      removeBlob(deps, stagingBlobKey(id))
      return emptyResponse(204)
    },

    'images:deactivate': context => {
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      if (!canChange(row, caller)) throw new Forbidden('You do not own this image')
      if (row.status === 'active') state.images.put({ ...row, status: 'deactivated', updatedAtMs: nowSeconds(deps) })
      else if (row.status !== 'deactivated') throw new Forbidden(`Not allowed to deactivate image in status '${row.status}'`)
      return emptyResponse(204)
    },

    'images:reactivate': context => {
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller)
      if (!canChange(row, caller)) throw new Forbidden('You do not own this image')
      if (row.status === 'deactivated') state.images.put({ ...row, status: 'active', updatedAtMs: nowSeconds(deps) })
      else if (row.status !== 'active') throw new Forbidden(`Not allowed to reactivate image in status '${row.status}'`)
      return emptyResponse(204)
    },

    'tags:add': context => {
      const id = context.param('image_id')
      const tag = context.param('tag_value')
      const problem = schemaMismatch({ tags: [tag] }, IMAGE_SCHEMA)
      if (problem !== null) throw new BadRequest(problem)
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      if (!canChange(row, caller)) throw new Forbidden(`Not allowed to update tags for image ${id}.`)
      const tags = row.tags.includes(tag) ? row.tags : [...row.tags, tag]
      if (tags.length > IMAGE_LIMITS.tags) throw new RequestEntityTooLarge(`Image tag limit exceeded for image ${id}: ${tagQuotaMessage(tags.length)}:`)
      state.images.put({ ...row, tags, updatedAtMs: nowSeconds(deps) })
      return emptyResponse(204)
    },

    'tags:delete': context => {
      const id = context.param('image_id')
      const tag = context.param('tag_value')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      if (!canChange(row, caller)) throw new Forbidden(`Not allowed to delete tags for image ${id}.`)
      if (!row.tags.includes(tag)) throw new NotFound('The resource could not be found.')
      state.images.put({ ...row, tags: row.tags.filter(t => t !== tag), updatedAtMs: nowSeconds(deps) })
      return emptyResponse(204)
    }
  }
}
