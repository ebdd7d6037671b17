/**
 * What Glance answers about itself: the version documents (GET / is 300, GET /versions 200,
 * both without a token) and the JSON schemas of images and members.
 */
import { jsonResponse } from '../../core/http.ts'
import { IMAGE_SCHEMA, IMAGES_SCHEMA, MEMBER_SCHEMA, MEMBERS_SCHEMA } from '../../openstack/image/image-schema.ts'
import { imageVersionsDocument } from '../../openstack/image/versions.ts'
import type { RouteHandler } from '../service-host.ts'

export function discoveryHandlers (): Record<string, RouteHandler> {
  return {
    versions: context => jsonResponse(300, imageVersionsDocument(context.serviceUrl)),
    'versions:list': context => jsonResponse(200, imageVersionsDocument(context.serviceUrl)),
    'schemas:image': () => jsonResponse(200, IMAGE_SCHEMA),
    'schemas:images': () => jsonResponse(200, IMAGES_SCHEMA),
    'schemas:member': () => jsonResponse(200, MEMBER_SCHEMA),
    'schemas:members': () => jsonResponse(200, MEMBERS_SCHEMA)
  }
}
