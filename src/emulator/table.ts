/**
 * Table: the emulator's rows of one kind, in memory for reads, written through to the Store
 * port for durability. Rows are treated as immutable values: an update replaces the row, so a
 * view cached by row identity or revision can never see a half-changed row.
 */
import type { Store } from '../core/ports.ts'

export class Table<T extends { readonly id: string }> {
  readonly #rows = new Map<string, T>()
  readonly #store: Store
  readonly kind: string

  constructor (store: Store, kind: string) {
    this.#store = store
    this.kind = kind
    for (const [id, value] of store.entries(kind)) this.#rows.set(id, value as T)
  }

  get size (): number {
    return this.#rows.size
  }

  get (id: string): T | undefined {
    return this.#rows.get(id)
  }

  has (id: string): boolean {
    return this.#rows.has(id)
  }

  /** Rows in insertion order (load order after a restart). */
  values (): IterableIterator<T> {
    return this.#rows.values()
  }

  find (predicate: (row: T) => boolean): T | undefined {
    for (const row of this.#rows.values()) if (predicate(row)) return row
    return undefined
  }

  filter (predicate: (row: T) => boolean): T[] {
    const rows: T[] = []
    for (const row of this.#rows.values()) if (predicate(row)) rows.push(row)
    return rows
  }

  /** Inserts a new row or replaces the row with the same id. */
  put (row: T): T {
    this.#store.put(this.kind, row.id, row)
    this.#rows.set(row.id, row)
    return row
  }

  delete (id: string): void {
    if (!this.#rows.has(id)) return
    this.#store.delete(this.kind, id)
    this.#rows.delete(id)
  }
}
