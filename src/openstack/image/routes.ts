/**
 * Glance v2's routes, relative to the image endpoint ({base}/image). The proxy classifies image
 * calls from this table and the emulator serves it. Everything under /v2/images/{image_id}
 * (data, tags, members, locations, actions) lives where the image lives, so it is by-id.
 */
import type { RouteSpec } from '../route-table.ts'

const r = (method: RouteSpec['method'], path: string, name: string, kind: RouteSpec['kind'], authenticated = true): RouteSpec =>
  ({ method, path, name, kind, authenticated })

/** Image data: streamed by the handler, limited only by the image size cap, not the JSON body limit. */
const data = (method: RouteSpec['method'], path: string, name: string): RouteSpec =>
  ({ method, path, name, kind: 'by-id', authenticated: true, unlimitedBody: true })

export const IMAGE_ROUTES: readonly RouteSpec[] = [
  r('GET', '/', 'versions', 'global', false),
  r('GET', '/versions', 'versions:list', 'global', false),

  r('GET', '/v2/images', 'images:list', 'list'),
  r('POST', '/v2/images', 'images:create', 'create'),
  r('GET', '/v2/images/{image_id}', 'images:show', 'by-id'),
  r('PATCH', '/v2/images/{image_id}', 'images:update', 'by-id'),
  r('DELETE', '/v2/images/{image_id}', 'images:delete', 'by-id'),

  data('PUT', '/v2/images/{image_id}/file', 'images:upload'),
  r('GET', '/v2/images/{image_id}/file', 'images:download', 'by-id'),
  data('PUT', '/v2/images/{image_id}/stage', 'images:stage'),
  r('POST', '/v2/images/{image_id}/import', 'images:import', 'by-id'),

  r('POST', '/v2/images/{image_id}/actions/deactivate', 'images:deactivate', 'by-id'),
  r('POST', '/v2/images/{image_id}/actions/reactivate', 'images:reactivate', 'by-id'),

  r('PUT', '/v2/images/{image_id}/tags/{tag_value}', 'tags:add', 'by-id'),
  r('DELETE', '/v2/images/{image_id}/tags/{tag_value}', 'tags:delete', 'by-id'),

  r('GET', '/v2/images/{image_id}/members', 'members:list', 'by-id'),
  r('POST', '/v2/images/{image_id}/members', 'members:create', 'by-id'),
  r('GET', '/v2/images/{image_id}/members/{member_id}', 'members:show', 'by-id'),
  r('PUT', '/v2/images/{image_id}/members/{member_id}', 'members:update', 'by-id'),
  r('DELETE', '/v2/images/{image_id}/members/{member_id}', 'members:delete', 'by-id'),

  r('GET', '/v2/images/{image_id}/locations', 'locations:list', 'by-id'),
  r('POST', '/v2/images/{image_id}/locations', 'locations:add', 'by-id'),

  r('GET', '/v2/info/import', 'info:import', 'global'),
  r('GET', '/v2/info/stores', 'info:stores', 'global'),
  r('GET', '/v2/info/stores/detail', 'info:stores-detail', 'global'),

  r('GET', '/v2/schemas/image', 'schemas:image', 'global'),
  r('GET', '/v2/schemas/images', 'schemas:images', 'global'),
  r('GET', '/v2/schemas/member', 'schemas:member', 'global'),
  r('GET', '/v2/schemas/members', 'schemas:members', 'global')
]
