/**
 * GET /servers and /servers/detail as Nova answers them: the caller's project (an admin's
 * all_tenants sees every project), Nova's filters (name is a regex search; changes-since and
 * changes-before include deleted servers), sort_key/sort_dir with Nova's default of
 * created_at desc then id desc, and limit/marker pages with a next link whenever a page is full.
 */
import { concatChunks, joinChunks } from '../../core/http.ts'
import type { HttpResponse } from '../../core/http.ts'
import { BadRequest, Forbidden } from '../../openstack/faults.ts'
import type { ServerRow } from '../../openstack/compute/model.ts'
import { toBoolean } from '../../openstack/compute/parameter-types.ts'
import { KNOWN_STATUSES, serverStatus } from '../../openstack/compute/servers/server-status.ts'
import { serverBriefView } from '../../openstack/compute/servers/views.ts'
import { formatMicroversion, isAtLeast } from '../../openstack/microversion.ts'
import { parseIsoTimestamp } from '../../openstack/timestamps.ts'
import type { RequestContext } from '../request-context.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { callerProject } from './compute-deps.ts'
import { ServerViewCache } from './server-view-cache.ts'
import { compareColumnValues } from '../../openstack/column-order.ts'

/** Nova's [api]max_limit. */
export const MAX_LIMIT = 1000

const SORT_KEYS: Readonly<Record<string, (s: ServerRow) => string | number | boolean | null>> = {
  created_at: s => s.createdAtMs,
  updated_at: s => s.updatedAtMs,
  uuid: s => s.id,
  display_name: s => s.name,
  display_description: s => s.description,
  hostname: s => s.hostname,
  availability_zone: s => s.availabilityZone,
  key_name: s => s.keyName,
  launched_at: s => s.launchedAtMs,
  terminated_at: s => s.terminatedAtMs,
  launch_index: s => s.launchIndex,
  locked: s => s.locked,
  power_state: s => s.powerState,
  progress: () => 0,
  project_id: s => s.projectId,
  user_id: s => s.userId,
  task_state: s => s.taskState,
  vm_state: s => s.vmState,
  image_ref: s => s.imageId,
  instance_type_id: s => s.flavor.id,
  access_ip_v4: s => s.accessIPv4,
  access_ip_v6: s => s.accessIPv6,
  config_drive: s => s.configDrive,
  auto_disk_config: s => s.diskConfig,
  host: s => s.host,
  node: s => s.host,
  root_device_name: () => '/dev/vda',
  kernel_id: () => '',
  ramdisk_id: () => '',
  locked_by: s => (s.locked ? 'owner' : null)
}

const ADMIN_SORT_KEYS = new Set(['host', 'node'])

/** The query parameters Nova's servers index schema knows at 2.75+ (unknown ones are 400 there). */
const KNOWN_PARAMS = new Set([
  'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref', 'image', 'kernel_id', 'ramdisk_id', 'hostname', 'key_name',
  'power_state', 'vm_state', 'task_state', 'host', 'node', 'flavor', 'reservation_id', 'launched_at', 'terminated_at',
  'availability_zone', 'name', 'display_name', 'description', 'display_description', 'locked_by', 'uuid', 'root_device_name',
  'config_drive', 'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'progress', 'sort_key', 'sort_dir', 'all_tenants',
  'soft_deleted', 'deleted', 'status', 'changes-since', 'changes-before', 'ip', 'ip6', 'created_at', 'block_device_mapping',
  'services', 'metadata', 'system_metadata', 'info_cache', 'security_groups', 'pci_devices', 'tags', 'tags-any', 'not-tags',
  'not-tags-any', 'locked', 'limit', 'marker'
])

export function listServers (deps: ComputeDeps, context: RequestContext, detail: boolean): HttpResponse {
  const key = [deps.state.servers.version, detail ? 'detail' : 'brief', context.request.url.search, context.serviceUrl,
    formatMicroversion(context.microversion), context.isAdmin ? 'admin' : '', context.auth.project?.id ?? ''].join('|')
  let body = deps.lists.get(key)
  if (body === undefined) {
    body = concatChunks(buildList(deps, context, detail))
    deps.lists.set(key, body)
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body }
}

function buildList (deps: ComputeDeps, context: RequestContext, detail: boolean): Uint8Array[] {
  const q = context.query
  const version = context.microversion
  if (isAtLeast(version, '2.75')) {
    for (const key of q.keys()) {
      if (!KNOWN_PARAMS.has(key)) throw new BadRequest(`Invalid input for query parameters ${key}. Value: ${q.get(key) ?? ''}. Additional properties are not allowed ('${key}' was unexpected)`)
    }
  }
  const { limit, marker } = limitAndMarker(q)
  const servers = filterServers(deps, context)
  const sorted = sortServers(servers, context)
  let start = 0
  if (marker !== null) {
    const markerRow = deps.state.servers.get(marker)
    if (markerRow === undefined || (!context.isAdmin && markerRow.projectId !== context.auth.project?.id)) throw new BadRequest(`marker [${marker}] not found`)
    const index = sorted.indexOf(markerRow)
    start = index >= 0 ? index + 1 : sorted.findIndex(s => sorted.compare(s, markerRow) > 0)
    if (start < 0) start = sorted.length
  }
  const page = sorted.slice(start, start + limit)
  const computeUrl = context.serviceUrl
  const viewOptions = { computeUrl, version, isAdmin: context.isAdmin, single: false }
  const variant = ServerViewCache.variant(viewOptions)
  const encoder = new TextEncoder()
  const parts: Uint8Array[] = page.map(s => detail
    ? deps.views.detailBytes(s, viewOptions, variant)
    : encoder.encode(JSON.stringify(serverBriefView(s, computeUrl))))
  let suffix = ']'
  const last = page[page.length - 1]
  if (last !== undefined && page.length === limit) {
    const params = new URLSearchParams(q)
    params.set('marker', last.id)
    const href = `${computeUrl}/v2.1/servers${detail ? '/detail' : ''}?${params.toString()}`
    suffix += `,"servers_links":[{"href":${JSON.stringify(href)},"rel":"next"}]`
  }
  return joinChunks(parts, ',', '{"servers":[', `${suffix}}`)
}

function limitAndMarker (q: URLSearchParams): { limit: number, marker: string | null } {
  const rawLimit = q.get('limit')
  let limit = MAX_LIMIT
  if (rawLimit !== null) {
    if (!/^-?\d+$/.test(rawLimit)) throw new BadRequest('limit param must be an integer')
    const n = Number(rawLimit)
    if (n < 0) throw new BadRequest('limit param must be positive')
    limit = Math.min(n, MAX_LIMIT)
  }
  return { limit, marker: q.get('marker') }
}

function filterServers (deps: ComputeDeps, context: RequestContext): ServerRow[] {
  const q = context.query
  const version = context.microversion
  const admin = context.isAdmin
  const allTenants = q.has('all_tenants') && (q.get('all_tenants') === '' || toBoolean(q.get('all_tenants') as string))
  if (allTenants && !admin) throw new Forbidden("Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.")
  const project = q.get('project_id') ?? q.get('tenant_id')
  const ownProject = callerProject(context)
  // Without all_tenants even an admin lists only their own project, as Nova does.
  const scopeProject = admin && allTenants ? project : ownProject
  const changesSince = timestampParam(q, 'changes-since')
  const changesBefore = isAtLeast(version, '2.66') ? timestampParam(q, 'changes-before') : null
  if (changesSince !== null && changesBefore !== null && changesSince > changesBefore) {
    throw new BadRequest('The value of changes-since must be less than or equal to changes-before.')
  }
  const includeDeleted = changesSince !== null || changesBefore !== null || (admin && q.get('deleted') !== null && toBoolean(q.get('deleted') as string))
  const statuses = q.getAll('status').map(s => s.toUpperCase())
  if (isAtLeast(version, '2.38')) {
    for (const s of statuses) if (!KNOWN_STATUSES.has(s)) throw new BadRequest('Invalid status value')
  }
  const nameRe = regexParam(q.get('name'))
  const ipRe = regexParam(q.get('ip'))
  const ip6Re = regexParam(q.get('ip6'))
  const tags = q.get('tags')?.split(',') ?? null
  const tagsAny = q.get('tags-any')?.split(',') ?? null
  const notTags = q.get('not-tags')?.split(',') ?? null
  const notTagsAny = q.get('not-tags-any')?.split(',') ?? null
  const exact: Array<[string, (s: ServerRow) => string | number | null]> = [
    ['image', s => s.imageId], ['flavor', s => s.flavor.id], ['reservation_id', s => s.reservationId], ['user_id', s => s.userId],
    ['availability_zone', s => s.availabilityZone], ['key_name', s => s.keyName], ['vm_state', s => s.vmState],
    ['task_state', s => s.taskState], ['power_state', s => s.powerState], ['uuid', s => s.id]
  ]
  if (admin) exact.push(['host', s => s.host], ['node', s => s.host])
  const exactFilters = exact.filter(([key]) => q.has(key)).map(([key, get]) => ({ values: q.getAll(key), get }))
  const locked = isAtLeast(version, '2.73') && q.has('locked') ? toBoolean(q.get('locked') as string) : null

  return deps.state.servers.filter(s => {
    if (scopeProject !== null && s.projectId !== scopeProject) return false
    if (s.vmState === 'deleted' && !includeDeleted) return false
    if (changesSince !== null && s.updatedAtMs < changesSince) return false
    if (changesBefore !== null && s.updatedAtMs > changesBefore) return false
    if (statuses.length > 0 && !statuses.includes(serverStatus(s.vmState, s.taskState))) return false
    if (nameRe !== null && !nameRe.test(s.name)) return false
    if (ipRe !== null && !s.nics.some(n => n.fixedIps.some(ip => ip.version === 4 && ipRe.test(ip.ipAddress)))) return false
    if (ip6Re !== null && !s.nics.some(n => n.fixedIps.some(ip => ip.version === 6 && ip6Re.test(ip.ipAddress)))) return false
    for (const f of exactFilters) if (!f.values.includes(String(f.get(s)))) return false
    if (isAtLeast(version, '2.26')) {
      if (tags !== null && !tags.every(t => s.tags.includes(t))) return false
      if (tagsAny !== null && !tagsAny.some(t => s.tags.includes(t))) return false
      if (notTags !== null && notTags.every(t => s.tags.includes(t))) return false
      if (notTagsAny !== null && notTagsAny.some(t => s.tags.includes(t))) return false
    }
    if (locked !== null && s.locked !== locked) return false
    return true
  })
}

type SortedServers = ServerRow[] & { compare(a: ServerRow, b: ServerRow): number }

function sortServers (servers: ServerRow[], context: RequestContext): SortedServers {
  const q = context.query
  const keys = q.getAll('sort_key')
  const dirs = q.getAll('sort_dir')
  for (const d of dirs) if (d !== 'asc' && d !== 'desc') throw new BadRequest(`Invalid input for query parameters sort_dir. Value: ${d}. '${d}' is not one of ['asc', 'desc']`)
  for (const k of keys) {
    if (SORT_KEYS[k] === undefined) throw new BadRequest(`Invalid input for query parameters sort_key. Value: ${k}. '${k}' is not one of the allowed sort keys`)
    if (ADMIN_SORT_KEYS.has(k) && !context.isAdmin) throw new Forbidden(`Only administrators can sort servers by ${k}`)
  }
  const order: Array<{ get: (s: ServerRow) => string | number | boolean | null, desc: boolean }> = keys.length === 0
    ? [{ get: s => s.createdAtMs, desc: true }]
    : keys.map((k, i) => ({ get: SORT_KEYS[k] as (s: ServerRow) => string | number | boolean | null, desc: (dirs[i] ?? dirs[0] ?? 'desc') === 'desc' }))
  if (!keys.includes('uuid')) order.push({ get: s => s.id, desc: order[0]?.desc ?? true })
  const compare = (a: ServerRow, b: ServerRow): number => {
    for (const { get, desc } of order) {
      const c = compareColumnValues(get(a), get(b))
      if (c !== 0) return desc ? -c : c
    }
    return 0
  }
  return Object.assign([...servers].sort(compare), { compare })
}

function timestampParam (q: URLSearchParams, name: string): number | null {
  const value = q.get(name)
  if (value === null) return null
  const ms = parseIsoTimestamp(value)
  if (ms === null) throw new BadRequest(`Invalid input for query parameters ${name}. Value: ${value}. '${value}' is not a 'date-time'`)
  return ms
}

/** Nova's name/ip filters are regular expressions (a search, not a full match); an invalid one matches literally. */
function regexParam (value: string | null): RegExp | null {
  if (value === null) return null
  try {
    return new RegExp(value)
  } catch {
    return new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  }
}
