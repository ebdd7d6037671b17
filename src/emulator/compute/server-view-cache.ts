/**
 * Serialised server views, cached by server revision and view variant (endpoint, microversion,
 * admin or not). GET /servers/detail is the hottest call there is — every `openstack server
 * list` makes it — and serialising a hundred servers anew each time costs more than the rest of
 * the request; with the cache, a list is a join of ready strings.
 */
import type { ServerRow } from '../../openstack/compute/model.ts'
import { formatMicroversion } from '../../openstack/microversion.ts'
import { serverDetailView } from '../../openstack/compute/servers/views.ts'
import type { ServerViewOptions } from '../../openstack/compute/servers/views.ts'

export class ServerViewCache {
  readonly #entries = new Map<string, { key: string, json: string }>()
  readonly #maxEntries: number

  constructor (maxEntries = 100_000) {
    this.#maxEntries = maxEntries
  }

  /** The detail view of a server as a JSON string. */
  detailJson (server: ServerRow, options: ServerViewOptions): string {
    const key = `${server.revision}|${options.computeUrl}|${formatMicroversion(options.version)}|${options.isAdmin ? 1 : 0}|${options.single ? 1 : 0}`
    const hit = this.#entries.get(server.id)
    if (hit !== undefined && hit.key === key) return hit.json
    const json = JSON.stringify(serverDetailView(server, options))
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear()
    this.#entries.set(server.id, { key, json })
    return json
  }

  forget (serverId: string): void {
    this.#entries.delete(serverId)
  }
}
