/**
 * FootprintStore: the agent's replica of the project footprint (protocol/state), kept in the
 * agent's SQLite database so that a restarted agent resumes where it stopped instead of
 * relearning everything. The FootprintNode hands over every change before its call returns;
 * `save` writes it in one transaction, keeping the newer version of each entry and the higher
 * watermark, so saving a change twice or out of order is harmless. It uses the connection the
 * LocationStore opened (one file, WAL).
 */
import type Database from 'better-sqlite3'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { FootprintEntry, FootprintSnapshot, FootprintWatermark } from '../protocol/state/footprint.ts'

interface EntryRow {
  project_id: string
  agent_id: string
  address: string
  present: number
  version: number
}

export class FootprintStore {
  readonly #saveEntry: Database.Statement<[string, string, string, number, number]>
  readonly #saveWatermark: Database.Statement<[string, number]>
  readonly #entries: Database.Statement<[], EntryRow>
  readonly #watermarks: Database.Statement<[], { agent_id: string, version: number }>
  readonly #save: (change: { readonly entries: readonly FootprintEntry[], readonly watermarks: readonly FootprintWatermark[] }) => void

  constructor (db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS footprint_entries (
        project_id TEXT NOT NULL, agent_id TEXT NOT NULL, address TEXT NOT NULL,
        present INTEGER NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (project_id, agent_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS footprint_watermarks (agent_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
    `)
    this.#saveEntry = db.prepare(`INSERT INTO footprint_entries (project_id, agent_id, address, present, version) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (project_id, agent_id) DO UPDATE SET address = excluded.address, present = excluded.present, version = excluded.version
      WHERE excluded.version > footprint_entries.version`)
    this.#saveWatermark = db.prepare(`INSERT INTO footprint_watermarks (agent_id, version) VALUES (?, ?)
      ON CONFLICT (agent_id) DO UPDATE SET version = excluded.version WHERE excluded.version > footprint_watermarks.version`)
    this.#entries = db.prepare('SELECT project_id, agent_id, address, present, version FROM footprint_entries')
    this.#watermarks = db.prepare('SELECT agent_id, version FROM footprint_watermarks')
    this.#save = db.transaction(change => {
      for (const e of change.entries) this.#saveEntry.run(e.projectId, e.agentId, e.address, e.present ? 1 : 0, e.version)
      for (const w of change.watermarks) this.#saveWatermark.run(w.agentId, w.version)
    })
  }

  /** Writes a change (or a whole snapshot): newer entries and higher watermarks win. */
  save (change: { readonly entries: readonly FootprintEntry[], readonly watermarks: readonly FootprintWatermark[] }): void {
    if (change.entries.length === 0 && change.watermarks.length === 0) return
    this.#save(change)
  }

  /** Everything saved, to build the FootprintNode from. */
  load (): FootprintSnapshot {
    return {
      entries: this.#entries.all().map(r => ({ projectId: r.project_id, agentId: agentId(r.agent_id), address: r.address, present: r.present === 1, version: r.version })),
      watermarks: this.#watermarks.all().map(r => ({ agentId: agentId(r.agent_id), version: r.version }))
    }
  }
}
