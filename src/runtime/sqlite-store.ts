/**
 * SqliteStore: the Store port in one SQLite file (better-sqlite3, synchronous), in WAL mode
 * with synchronous=NORMAL — a committed write survives a crash of the process; a power loss
 * may lose the last transactions but never corrupts the file. One table of (kind, id, JSON).
 */
import Database from 'better-sqlite3'
import type { Store } from '../core/ports.ts'

export class SqliteStore implements Store {
  readonly #db: Database.Database
  readonly #entries: Database.Statement<[string], { id: string, value: string }>
  readonly #put: Database.Statement<[string, string, string]>
  readonly #delete: Database.Statement<[string, string]>

  constructor (path: string) {
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec('CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID')
    this.#entries = this.#db.prepare('SELECT id, value FROM records WHERE kind = ?')
    this.#put = this.#db.prepare('INSERT INTO records (kind, id, value) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value')
    this.#delete = this.#db.prepare('DELETE FROM records WHERE kind = ? AND id = ?')
  }

  entries (kind: string): Array<[string, unknown]> {
    return this.#entries.all(kind).map(row => [row.id, JSON.parse(row.value) as unknown])
  }

  put (kind: string, id: string, value: unknown): void {
    this.#put.run(kind, id, JSON.stringify(value))
  }

  delete (kind: string, id: string): void {
    this.#delete.run(kind, id)
  }

  transaction<T>(fn: () => T): T {
    if (this.#db.inTransaction) return fn()
    return this.#db.transaction(fn)()
  }

  close (): void {
    this.#db.close()
  }
}
