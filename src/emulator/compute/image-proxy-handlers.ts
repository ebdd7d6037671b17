/**
 * Nova's image proxy (GET /images, /images/detail, /images/{id}, DELETE), below microversion
 * 2.36 only, as Nova answers it from Glance: pkgcloud lists images this way.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { Forbidden, NotFound } from '../../openstack/faults.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import { isoSecondsZ } from '../../openstack/timestamps.ts'
import { ImageNotFoundError, ImageProtectedError } from '../image/compute-images.ts'
import type { ImageSummary } from '../image/compute-images.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'

const STATUS: Record<string, string> = { active: 'ACTIVE', queued: 'SAVING', saving: 'SAVING', importing: 'SAVING', uploading: 'SAVING', deleted: 'DELETED', pending_delete: 'DELETED', killed: 'ERROR' }

function links (id: string, context: RequestContext): unknown[] {
  return [
    { rel: 'self', href: `${context.serviceUrl}/v2.1/images/${id}` },
    { rel: 'bookmark', href: `${context.serviceUrl}/images/${id}` },
    { rel: 'alternate', type: 'application/vnd.openstack.image', href: `${context.request.url.origin}/image/images/${id}` }
  ]
}

function detail (image: ImageSummary, context: RequestContext): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: image.id,
    name: image.name,
    minRam: image.minRamMb,
    minDisk: image.minDiskGb,
    metadata: image.properties,
    created: isoSecondsZ(image.createdAtMs),
    updated: isoSecondsZ(image.updatedAtMs),
    status: STATUS[image.status] ?? 'UNKNOWN',
    progress: image.status === 'active' ? 100 : image.status === 'saving' ? 50 : 0,
    links: links(image.id, context),
    'OS-EXT-IMG-SIZE:size': image.size ?? 0
  }
  if (image.properties.instance_uuid !== undefined) {
    view.server = { id: image.properties.instance_uuid, links: [] }
  }
  return view
}

export function imageProxyHandlers (deps: ComputeDeps): Record<string, RouteHandler> {
  const gate = (context: RequestContext): void => {
    if (isAtLeast(context.microversion, '2.36')) throw new NotFound('The resource could not be found.')
  }
  const find = (context: RequestContext): ImageSummary => {
    const image = deps.images.getVisible(context.param('image_id'), context.auth)
    if (image === null) throw new NotFound('Image not found.')
    return image
  }
  return {
    'images:list': context => {
      gate(context)
      return jsonResponse(200, { images: deps.images.listVisible(context.auth).map(i => ({ id: i.id, name: i.name, links: links(i.id, context) })) })
    },
    'images:detail': context => {
      gate(context)
      return jsonResponse(200, { images: deps.images.listVisible(context.auth).map(i => detail(i, context)) })
    },
    'images:show': context => {
      gate(context)
      return jsonResponse(200, { image: detail(find(context), context) })
    },
    'images:delete': async context => {
      gate(context)
      try {
        await deps.images.deleteAsCaller(context.param('image_id'), context.auth)
      } catch (error) {
        if (error instanceof ImageNotFoundError) throw new NotFound('Image not found.')
        if (error instanceof ImageProtectedError) throw new Forbidden('Image is protected.')
        throw error
      }
      return emptyResponse(204)
    }
  }
}
