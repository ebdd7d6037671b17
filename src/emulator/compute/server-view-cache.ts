/**
 * Serialised server views, cached as UTF-8 bytes by server revision and view variant (endpoint,
 * microversion, admin or not). GET /servers/detail is the hottest call there is — every
 * `openstack server list` makes it — and serialising and encoding a hundred servers anew each
 * time costs several times the rest of the request; with the cache, a list is a copy of ready
 * bytes (docs/BENCHMARKS.md has the measurements).
 */
import type { ServerRow } from '../../openstack/compute/model.ts'
import { formatMicroversion } from '../../openstack/microversion.ts'
import { serverDetailView } from '../../openstack/compute/servers/views.ts'
import type { ServerViewOptions } from '../../openstack/compute/servers/views.ts'

export class ServerViewCache {
  readonly #entries = new Map<string, { revision: number, variant: string, bytes: Uint8Array }>()
  readonly #encoder = new TextEncoder()
  readonly #maxEntries: number

  constructor (maxEntries = 100_000) {
    this.#maxEntries = maxEntries
  }

  /** The view variant of a request: compute it once and pass it for every server of a list. */
  static variant (options: ServerViewOptions): string {
    return `${options.computeUrl}|${formatMicroversion(options.version)}|${options.isAdmin ? 1 : 0}|${options.single ? 1 : 0}`
  }

  /** The detail view of a server as UTF-8 JSON. The bytes are shared: never change them. */
  detailBytes (server: ServerRow, options: ServerViewOptions, variant = ServerViewCache.variant(options)): Uint8Array {
    const hit = this.#entries.get(server.id)
    if (hit !== undefined && hit.revision === server.revision && hit.variant === variant) return hit.bytes
    const bytes = this.#encoder.encode(JSON.stringify(serverDetailView(server, options)))
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear()
    this.#entries.set(server.id, { revision: server.revision, variant, bytes })
    return bytes
  }

  forget (serverId: string): void {
    this.#entries.delete(serverId)
  }
}
