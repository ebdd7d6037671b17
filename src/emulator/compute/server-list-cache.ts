/**
 * The last few server list responses, as bytes, keyed by everything they depend on: the
 * version of the servers table (which changes with every change of any server, time-driven
 * ones included), the query string, the endpoint, the microversion, and who asks. Clients poll
 * `server list`; while nothing changes, answering is a lookup.
 */
export class ServerListCache {
  readonly #entries = new Map<string, Uint8Array>()
  readonly #maxEntries: number

  constructor (maxEntries = 64) {
    this.#maxEntries = maxEntries
  }

  get (key: string): Uint8Array | undefined {
    return this.#entries.get(key)
  }

  set (key: string, body: Uint8Array): void {
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(key, body)
  }
}
