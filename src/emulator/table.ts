/**
 * Table: the emulator's rows of one kind, in memory for reads, written through to the Store
 * port for durability. Rows are treated as immutable values: an update replaces the row, so a
 * view cached by row identity or revision can never see a half-changed row.
 */
import type { Store } from '../core/ports.ts'

/** Told of every change of a table's rows, in order, to keep a secondary index. */
export interface TableObserver<T> {
  put(row: T, previous: T | undefined): void
  delete(previous: T): void
}

export class Table<T extends { readonly id: string }> {
  readonly #rows = new Map<string, T>()
  readonly #observers: Array<TableObserver<T>> = []
  #version = 0
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

  /** Changes with every put and delete: anything derived from the rows may be cached by it. */
  get version (): number {
    return this.#version
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
    const previous = this.#rows.get(row.id)
    this.#rows.set(row.id, row)
    this.#version++
    for (const observer of this.#observers) observer.put(row, previous)
    return row
  }

  delete (id: string): void {
    const previous = this.#rows.get(id)
    if (previous === undefined) return
    this.#store.delete(this.kind, id)
    this.#rows.delete(id)
    this.#version++
    for (const observer of this.#observers) observer.delete(previous)
  }

  /** Keeps `observer` told of every change from now on, after telling it of every row there is. */
  observe (observer: TableObserver<T>): void {
    for (const row of this.#rows.values()) observer.put(row, undefined)
    this.#observers.push(observer)
  }
}
