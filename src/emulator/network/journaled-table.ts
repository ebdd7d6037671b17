/**
 * A Table whose writes can be undone: while a Journal is open, every put and delete records
 * how to restore the row it replaced. Neutron's operations are all-or-nothing (a bulk create
 * or a server's ports either all happen or none do), and the Store's own transaction only
 * rolls back the durable copy — this rolls back the rows in memory too.
 */
import type { Store } from '../../core/ports.ts'
import { Table } from '../table.ts'

export class Journal {
  #undo: Array<() => void> | null = null

  get open (): boolean {
    return this.#undo !== null
  }

  record (undo: () => void): void {
    this.#undo?.push(undo)
  }

  /**
   * Runs `fn` so that all its table writes (and, through the store's transaction, all its
   * store writes) happen, or none do when it throws. Nested calls join the outer one.
   */
  run<T>(store: Store, fn: () => T): T {
    if (this.#undo !== null) return fn()
    this.#undo = []
    try {
      const result = store.transaction(fn)
      this.#undo = null
      return result
    } catch (error) {
      const undo = this.#undo ?? []
      this.#undo = null
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.()
      throw error
    }
  }
}

export class JournaledTable<T extends { readonly id: string }> extends Table<T> {
  readonly #journal: Journal

  constructor (store: Store, kind: string, journal: Journal) {
    super(store, kind)
    this.#journal = journal
  }

  override put (row: T): T {
    if (this.#journal.open) {
      const previous = this.get(row.id)
      this.#journal.record(() => { if (previous === undefined) super.delete(row.id); else super.put(previous) })
    }
    return super.put(row)
  }

  override delete (id: string): void {
    const previous = this.get(id)
    if (previous === undefined) return
    if (this.#journal.open) this.#journal.record(() => { super.put(previous) })
    super.delete(id)
  }
}
