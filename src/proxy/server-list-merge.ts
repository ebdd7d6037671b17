/**
 * GET /servers and /servers/detail across cloudlets: the agent asks every cloudlet of the
 * project's footprint for its /servers/detail with the client's filters and sort but without
 * limit and marker (serverFanOutQuery), then mergeServerLists puts the answers into the one page
 * Nova would have given — sorted by the request's sort_key/sort_dir pairs as Nova's database
 * does (a missing direction is the first one given, or desc; created_at and then the id are
 * appended in that direction), after the marker, cut at the limit (Nova's [api]max_limit, 1000,
 * when none or a larger one is asked), with the absolute `servers_links` next link whenever the
 * page is full, pointing at the agent. Nova breaks ties by its internal integer id (creation
 * order); across cloudlets the uuid does. Sort values are read from the detail view's fields.
 */
import { BadRequest } from '../openstack/faults.ts'
import type { Microversion } from '../openstack/microversion.ts'
import { isAtLeast } from '../openstack/microversion.ts'
import { pyUrlencode } from '../openstack/image/views.ts'
import type { SortKey } from './sort-order.ts'
import { comparatorOf, startAfter, uniqueById } from './sort-order.ts'

export type WireServer = Readonly<Record<string, unknown>>

export interface Link { readonly rel: string, readonly href: string }

/** Nova's [api]max_limit. */
export const NOVA_MAX_LIMIT = 1000

/** Sort keys Nova accepts but drops (schemas/servers.py SERVER_LIST_IGNORE_SORT_KEY; 'locked' counts from 2.73). */
const IGNORED_SORT_KEYS = new Set([
  'architecture', 'cell_name', 'cleaned', 'default_ephemeral_device', 'default_swap_device', 'deleted', 'deleted_at',
  'disable_terminate', 'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on', 'locked', 'memory_mb', 'os_type',
  'reservation_id', 'root_gb', 'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode'
])

const field = (name: string) => (s: WireServer): unknown => s[name]

/** Nova's sort keys (instance columns) → where the detail view shows them. */
const SORT_FIELDS: Readonly<Record<string, (s: WireServer) => unknown>> = {
  created_at: field('created'),
  updated_at: field('updated'),
  uuid: field('id'),
  display_name: field('name'),
  display_description: field('description'),
  hostname: field('OS-EXT-SRV-ATTR:hostname'),
  availability_zone: field('OS-EXT-AZ:availability_zone'),
  key_name: field('key_name'),
  launched_at: field('OS-SRV-USG:launched_at'),
  terminated_at: field('OS-SRV-USG:terminated_at'),
  launch_index: field('OS-EXT-SRV-ATTR:launch_index'),
  locked: field('locked'),
  locked_by: field('locked'),
  power_state: field('OS-EXT-STS:power_state'),
  progress: s => s.progress ?? 0,
  project_id: field('tenant_id'),
  user_id: field('user_id'),
  task_state: field('OS-EXT-STS:task_state'),
  vm_state: field('OS-EXT-STS:vm_state'),
  image_ref: s => (typeof s.image === 'object' && s.image !== null ? (s.image as Record<string, unknown>).id : s.image),
  instance_type_id: s => {
    const flavor = s.flavor as Record<string, unknown> | undefined
    return flavor?.id ?? flavor?.original_name ?? null
  },
  access_ip_v4: field('accessIPv4'),
  access_ip_v6: field('accessIPv6'),
  config_drive: field('config_drive'),
  auto_disk_config: field('OS-DCF:diskConfig'),
  host: field('OS-EXT-SRV-ATTR:host'),
  node: field('OS-EXT-SRV-ATTR:hypervisor_hostname'),
  root_device_name: field('OS-EXT-SRV-ATTR:root_device_name'),
  kernel_id: field('OS-EXT-SRV-ATTR:kernel_id'),
  ramdisk_id: field('OS-EXT-SRV-ATTR:ramdisk_id')
}

/** The query each cloudlet gets: the client's, less limit and marker (the agent pages the merge). */
export function serverFanOutQuery (query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams()
  for (const [key, value] of query) if (key !== 'limit' && key !== 'marker') out.append(key, value)
  return out
}

/** limit and marker as Nova reads them (400 for a limit that is not a non-negative integer). */
export function serverListPaging (query: URLSearchParams): { limit: number, marker: string | null } {
  const raw = query.get('limit')
  let limit = NOVA_MAX_LIMIT
  if (raw !== null) {
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw new BadRequest('limit param must be an integer')
    const n = Number(raw)
    if (n < 0) throw new BadRequest('limit param must be positive')
    limit = Math.min(n, NOVA_MAX_LIMIT)
  }
  return { limit, marker: query.get('marker') }
}

/**
 * The full order of a server list: the requested keys, then created_at and uuid (nova.db
 * process_sort_params). Without a version 'locked' counts as a key (2.73+), as the cloudlets
 * were asked at the client's version.
 */
export function serverSortOrder (query: URLSearchParams, version?: Microversion): Array<SortKey<WireServer>> {
  const ignored = (key: string): boolean => IGNORED_SORT_KEYS.has(key) && !(key === 'locked' && (version === undefined || isAtLeast(version, '2.73')))
  const keys = query.getAll('sort_key').map(k => k.trim())
  const dirs = query.getAll('sort_dir').map(d => d.trim())
  if (keys.length === 0) keys.push('created_at')
  if (dirs.length === 0) dirs.push('desc')
  // remove_invalid_sort_keys: an ignored key goes, with the direction at its place.
  for (let i = keys.length - 1; i >= 0; i--) {
    if (ignored(keys[i] as string)) {
      keys.splice(i, 1)
      if (i < dirs.length) dirs.splice(i, 1)
    }
  }
  const defaultDir = dirs[0] ?? 'desc'
  const order: Array<SortKey<WireServer>> = keys.map((key, i) => ({
    value: SORT_FIELDS[key] ?? (() => null),
    descending: (dirs[i] ?? defaultDir) === 'desc'
  }))
  if (!keys.includes('created_at')) order.push({ value: field('created'), descending: defaultDir === 'desc' })
  if (!keys.includes('uuid')) order.push({ value: field('id'), descending: defaultDir === 'desc' })
  return order
}

export interface ServerListMergeInput {
  /** Each cloudlet's whole /servers/detail answer to serverFanOutQuery (detail even for GET /servers). */
  readonly lists: ReadonlyArray<readonly WireServer[]>
  /** The client's query. */
  readonly query: URLSearchParams
  /** True for /servers/detail; false renders the brief {id, name, links}. */
  readonly detail: boolean
  /** The agent's compute root as the client addressed it, e.g. 'http://127.0.0.1:8000/compute'. */
  readonly computeUrl: string
  /**
   * The marker's server (its detail view) when it is in none of the lists because the filters
   * exclude it — the caller fetched it by id; undefined or null: the marker must be in the lists.
   */
  readonly markerServer?: WireServer | null
  /** The request's microversion, for the sort keys it allows ('locked' from 2.73); latest when absent. */
  readonly version?: Microversion
  /** Records for cloudlets that did not answer (down-cloudlet.ts), put first as Nova puts down cells' records. */
  readonly unreachable?: readonly WireServer[]
}

export interface ServerListBody {
  servers: WireServer[]
  servers_links?: Link[]
}

export function mergeServerLists (input: ServerListMergeInput): ServerListBody {
  const { limit, marker } = serverListPaging(input.query)
  const compare = comparatorOf(serverSortOrder(input.query, input.version))
  const sorted = uniqueById(input.lists).sort(compare)
  let start = 0
  if (marker !== null) {
    const markerServer = sorted.find(s => s.id === marker) ?? (input.markerServer?.id === marker ? input.markerServer : undefined)
    if (markerServer === undefined) throw new BadRequest(`marker [${marker}] not found`)
    start = startAfter(sorted, markerServer, s => s.id === marker, compare)
  }
  const unreachable = marker === null ? (input.unreachable ?? []) : []
  const page = [...unreachable, ...sorted.slice(start, start + limit)].slice(0, limit)
  const body: ServerListBody = { servers: input.detail ? page : page.map(briefView) }
  const last = page[page.length - 1]
  if (limit > 0 && page.length === limit && last !== undefined) {
    body.servers_links = [{ rel: 'next', href: novaNextLink(`${input.computeUrl}/v2.1/servers${input.detail ? '/detail' : ''}`, input.query, String(last.id)) }]
  }
  return body
}

/** The brief view of a server from its detail view (GET /servers): id, name, links — or a down record as it is. */
function briefView (server: WireServer): WireServer {
  if (server.status === 'UNKNOWN' && !('name' in server)) return server
  return { id: server.id, name: server.name, links: server.links }
}

/**
 * Nova's next link (ViewBuilder._get_next_link): the request's parameters sorted by name (one
 * value per name, the last in that order), marker set to the last id, urlencoded.
 */
export function novaNextLink (collectionUrl: string, query: URLSearchParams, lastId: string): string {
  const pairs = [...query].sort(([k1, v1], [k2, v2]) => k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0)
  const params = new Map<string, string>()
  for (const [key, value] of pairs) params.set(key, value)
  params.set('marker', lastId)
  return `${collectionUrl}?${pyUrlencode([...params])}`
}
