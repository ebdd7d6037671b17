/**
 * MemoryStore: the Store port in memory, for the emulator's default (no --state file) and for
 * tests. It keeps serialised copies, so it behaves like a durable store: a value changed after
 * put() is not changed in the store.
 */
import type { Store } from './ports.ts'

export class MemoryStore implements Store {
  readonly #kinds = new Map<string, Map<string, string>>()
  #undo: Array<() => void> | null = null

  entries (kind: string): Array<[string, unknown]> {
    const records = this.#kinds.get(kind)
    if (records === undefined) return []
    return [...records].map(([id, json]) => [id, JSON.parse(json) as unknown])
  }

  put (kind: string, id: string, value: unknown): void {
    const records = this.#records(kind)
    this.#remember(records, id)
    records.set(id, JSON.stringify(value))
  }

  delete (kind: string, id: string): void {
    const records = this.#kinds.get(kind)
    if (records === undefined || !records.has(id)) return
    this.#remember(records, id)
    records.delete(id)
  }

  transaction<T>(fn: () => T): T {
    if (this.#undo !== null) return fn()
    this.#undo = []
    try {
      const result = fn()
      this.#undo = null
      return result
    } catch (error) {
      const undo = this.#undo ?? []
      this.#undo = null
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.()
      throw error
    }
  }

  #records (kind: string): Map<string, string> {
    let records = this.#kinds.get(kind)
    if (records === undefined) {
      records = new Map()
      this.#kinds.set(kind, records)
    }
    return records
  }

  #remember (records: Map<string, string>, id: string): void {
    if (this.#undo === null) return
    const previous = records.get(id)
    this.#undo.push(previous === undefined ? () => { records.delete(id) } : () => { records.set(id, previous) })
  }
}
