/**
 * Nova v2.1's routes, relative to the compute root ({base}/compute; the catalog names
 * {base}/compute/v2.1). The kinds tell the agent's proxy how to treat each call: servers are
 * created, found by id and listed across cloudlets; flavors, keypairs and quotas are global.
 * Usage sums servers of every cloudlet, so it is a list; the legacy image proxy (< 2.36) has
 * the kinds of the Glance calls it stands for.
 */
import type { RouteKind, RouteSpec } from '../route-table.ts'

const r = (method: RouteSpec['method'], path: string, name: string, kind: RouteKind, authenticated = true): RouteSpec =>
  ({ method, path: `/v2.1${path}`, name, kind, authenticated })

export const COMPUTE_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/', name: 'versions', kind: 'local', authenticated: false },
  r('GET', '', 'version', 'local', false),

  r('GET', '/servers', 'servers:list', 'list'),
  r('GET', '/servers/detail', 'servers:detail', 'list'),
  r('POST', '/servers', 'servers:create', 'create'),
  r('GET', '/servers/{server_id}', 'servers:show', 'by-id'),
  r('PUT', '/servers/{server_id}', 'servers:update', 'by-id'),
  r('DELETE', '/servers/{server_id}', 'servers:delete', 'by-id'),
  r('POST', '/servers/{server_id}/action', 'servers:action', 'by-id'),
  r('GET', '/servers/{server_id}/ips', 'ips:list', 'by-id'),
  r('GET', '/servers/{server_id}/ips/{network_label}', 'ips:show', 'by-id'),
  r('GET', '/servers/{server_id}/metadata', 'metadata:list', 'by-id'),
  r('PUT', '/servers/{server_id}/metadata', 'metadata:replace', 'by-id'),
  r('POST', '/servers/{server_id}/metadata', 'metadata:update', 'by-id'),
  r('GET', '/servers/{server_id}/metadata/{key}', 'metadata:show', 'by-id'),
  r('PUT', '/servers/{server_id}/metadata/{key}', 'metadata:set', 'by-id'),
  r('DELETE', '/servers/{server_id}/metadata/{key}', 'metadata:delete', 'by-id'),
  r('GET', '/servers/{server_id}/os-interface', 'interfaces:list', 'by-id'),
  r('GET', '/servers/{server_id}/os-interface/{port_id}', 'interfaces:show', 'by-id'),
  r('GET', '/servers/{server_id}/os-volume_attachments', 'volume-attachments:list', 'by-id'),
  r('GET', '/servers/{server_id}/os-security-groups', 'server-security-groups:list', 'by-id'),
  r('GET', '/servers/{server_id}/os-instance-actions', 'instance-actions:list', 'by-id'),
  r('GET', '/servers/{server_id}/os-instance-actions/{request_id}', 'instance-actions:show', 'by-id'),
  r('GET', '/servers/{server_id}/tags', 'tags:list', 'by-id'),
  r('PUT', '/servers/{server_id}/tags', 'tags:replace', 'by-id'),
  r('DELETE', '/servers/{server_id}/tags', 'tags:delete-all', 'by-id'),
  r('GET', '/servers/{server_id}/tags/{tag}', 'tags:check', 'by-id'),
  r('PUT', '/servers/{server_id}/tags/{tag}', 'tags:add', 'by-id'),
  r('DELETE', '/servers/{server_id}/tags/{tag}', 'tags:delete', 'by-id'),

  r('GET', '/flavors', 'flavors:list', 'global'),
  r('GET', '/flavors/detail', 'flavors:detail', 'global'),
  r('POST', '/flavors', 'flavors:create', 'global'),
  r('GET', '/flavors/{flavor_id}', 'flavors:show', 'global'),
  r('PUT', '/flavors/{flavor_id}', 'flavors:update', 'global'),
  r('DELETE', '/flavors/{flavor_id}', 'flavors:delete', 'global'),
  r('POST', '/flavors/{flavor_id}/action', 'flavors:action', 'global'),
  r('GET', '/flavors/{flavor_id}/os-flavor-access', 'flavor-access:list', 'global'),
  r('GET', '/flavors/{flavor_id}/os-extra_specs', 'extra-specs:list', 'global'),
  r('POST', '/flavors/{flavor_id}/os-extra_specs', 'extra-specs:create', 'global'),
  r('GET', '/flavors/{flavor_id}/os-extra_specs/{key}', 'extra-specs:show', 'global'),
  r('PUT', '/flavors/{flavor_id}/os-extra_specs/{key}', 'extra-specs:update', 'global'),
  r('DELETE', '/flavors/{flavor_id}/os-extra_specs/{key}', 'extra-specs:delete', 'global'),

  r('GET', '/os-keypairs', 'keypairs:list', 'global'),
  r('POST', '/os-keypairs', 'keypairs:create', 'global'),
  r('GET', '/os-keypairs/{keypair_name}', 'keypairs:show', 'global'),
  r('DELETE', '/os-keypairs/{keypair_name}', 'keypairs:delete', 'global'),

  r('GET', '/os-availability-zone', 'availability-zones:list', 'global'),
  r('GET', '/os-availability-zone/detail', 'availability-zones:detail', 'global'),
  r('GET', '/limits', 'limits:show', 'global'),
  r('GET', '/os-quota-sets/{project_id}', 'quota-sets:show', 'global'),
  r('PUT', '/os-quota-sets/{project_id}', 'quota-sets:update', 'global'),
  r('DELETE', '/os-quota-sets/{project_id}', 'quota-sets:delete', 'global'),
  r('GET', '/os-quota-sets/{project_id}/detail', 'quota-sets:detail', 'global'),
  r('GET', '/os-quota-sets/{project_id}/defaults', 'quota-sets:defaults', 'global'),

  r('GET', '/os-hypervisors', 'hypervisors:list', 'local'),
  r('GET', '/os-hypervisors/detail', 'hypervisors:detail', 'local'),
  r('GET', '/os-hypervisors/statistics', 'hypervisors:statistics', 'local'),
  r('GET', '/os-hypervisors/{hypervisor_id}', 'hypervisors:show', 'local'),
  r('GET', '/os-services', 'services:list', 'local'),
  r('GET', '/os-simple-tenant-usage', 'usage:list', 'list'),
  r('GET', '/os-simple-tenant-usage/{project_id}', 'usage:show', 'list'),

  r('GET', '/images', 'images:list', 'list'),
  r('GET', '/images/detail', 'images:detail', 'list'),
  r('GET', '/images/{image_id}', 'images:show', 'by-id'),
  r('DELETE', '/images/{image_id}', 'images:delete', 'by-id')
]
