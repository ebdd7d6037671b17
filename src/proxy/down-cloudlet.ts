/**
 * What a server list holds for a cloudlet that did not answer in time. From microversion 2.69
 * Nova answers a list that reaches a down cell with partial records built from what its API
 * database knows (views/servers.py _show_from_down_cell): id, status "UNKNOWN", tenant_id,
 * created, links — the same shape in /servers and /servers/detail — and it does so only when the
 * request has no paging or sorting parameter and no filter but all_tenants; otherwise, and below
 * 2.69, the down cell's servers are left out. The agent does the same with what it knows of the
 * servers in a cloudlet (its location records): id, project and, when known, the creation time.
 * GET /servers/{id} of such a server gets the longer record of downServerShow.
 */
import type { Microversion } from '../openstack/microversion.ts'
import { isAtLeast } from '../openstack/microversion.ts'
import { serverLinks } from '../openstack/compute/servers/views.ts'
import { isoSecondsZ } from '../openstack/timestamps.ts'

/** nova PARTIAL_CONSTRUCT_FOR_CELL_DOWN_MIN_VERSION. */
export const DOWN_CELL_MIN_VERSION = '2.69'

/** nova servers.py PAGING_SORTING_PARAMS. */
const PAGING_SORTING_PARAMS = ['sort_key', 'sort_dir', 'limit', 'marker']

/** What the agent knows of a server in a cloudlet without asking the cloudlet. */
export interface KnownServer {
  readonly id: string
  readonly projectId: string
  /** When the server was created, if the agent recorded it. */
  readonly createdAtMs: number | null
}

/** True when Nova would give partial records for a down cell (ServersController._is_cell_down_supported). */
export function downRecordsWanted (query: URLSearchParams, version: Microversion): boolean {
  if (!isAtLeast(version, DOWN_CELL_MIN_VERSION)) return false
  const keys = new Set(query.keys())
  if (PAGING_SORTING_PARAMS.some(p => keys.has(p))) return false
  return [...keys].every(k => k === 'all_tenants')
}

/** One down-cell record: id, status UNKNOWN, tenant_id, created (when known), links. */
export function downServerRecord (server: KnownServer, computeUrl: string): Record<string, unknown> {
  const record: Record<string, unknown> = { id: server.id, status: 'UNKNOWN', tenant_id: server.projectId }
  if (server.createdAtMs !== null) record.created = isoSecondsZ(server.createdAtMs)
  record.links = serverLinks(server.id, computeUrl)
  return record
}

/**
 * The records a list gets for the servers of the cloudlets that did not answer: one per known
 * server when Nova would give them (downRecordsWanted), else none. Ordered by id, for
 * determinism; mergeServerLists puts them before the answered servers, as Nova does.
 */
export function downCloudletServers (query: URLSearchParams, version: Microversion, known: readonly KnownServer[], computeUrl: string): Array<Record<string, unknown>> {
  if (!downRecordsWanted(query, version)) return []
  return [...known].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0).map(s => downServerRecord(s, computeUrl))
}

/** What the agent may also know for GET /servers/{id} of a server in a down cloudlet (from the create request). */
export interface KnownServerDetail extends KnownServer {
  readonly userId?: string | null
  /** The image view ({id, links}) or '' for boot from volume; left out when unknown. */
  readonly image?: unknown
  /** The flavor view for the request's microversion; left out when unknown. */
  readonly flavor?: unknown
  readonly availabilityZone?: string | null
  readonly serverGroups?: readonly string[]
}

/**
 * GET /servers/{id} for a server whose cloudlet is down, at 2.69 or later: the list record plus
 * image, flavor, OS-EXT-AZ:availability_zone ("UNKNOWN" when none was asked for),
 * OS-EXT-STS:power_state (0, NOSTATE), user_id ("UNKNOWN" when not known), and server_groups
 * from 2.71. Below 2.69 Nova has no such record: the caller answers 503.
 */
export function downServerShow (server: KnownServerDetail, computeUrl: string, version: Microversion): Record<string, unknown> {
  const record = downServerRecord(server, computeUrl)
  if (server.image !== undefined) record.image = server.image
  if (server.flavor !== undefined) record.flavor = server.flavor
  record['OS-EXT-AZ:availability_zone'] = server.availabilityZone ?? 'UNKNOWN'
  record['OS-EXT-STS:power_state'] = 0
  record.user_id = server.userId ?? 'UNKNOWN'
  if (isAtLeast(version, '2.71')) record.server_groups = [...(server.serverGroups ?? [])]
  return record
}
