/**
 * LocationStore: where each resource is — resource id → (kind, the owning agent and its
 * address, the global project id, created_at when known, when the record was written) — in the
 * agent's SQLite file (better-sqlite3, synchronous, WAL with synchronous=NORMAL: a put() that
 * returned survives the process being killed; a power loss may lose the last ones). The same
 * file holds the project footprint (footprint-store.ts), so one file is the agent's state.
 *
 * On the proxy's hot path every by-id call does a get(): it is a prepared statement behind a
 * small LRU of the most recent records (writes go through it), so repeated lookups of the same
 * servers do not reach SQLite at all.
 */
import Database from 'better-sqlite3'
import type { FootprintEntry, FootprintSnapshot, FootprintWatermark } from '../protocol/state/footprint.ts'
import { FootprintStore } from './footprint-store.ts'
import { NetworkRecordStore } from './network-record-store.ts'
import type { AgentRef, ResourceLocation } from './proxy-ports.ts'

/** A location as stored: the proxy's ResourceLocation plus its kind and when it was written. */
export interface StoredLocation extends ResourceLocation {
  /** 'server', 'volume', …: what the id names. */
  readonly kind: string
  /** Wall-clock milliseconds of the last put(). */
  readonly updatedAtMs: number
}

export interface LocationStoreOptions {
  /** Records kept in memory in front of SQLite (0: none). */
  readonly cacheSize?: number
  /** The wall clock for updatedAtMs (the agent passes its Clock's). */
  readonly wallClockMs?: () => number
}

interface LocationRow {
  id: string
  kind: string
  agent_id: string
  agent_address: string
  project_id: string | null
  created_at: string | null
  updated_ms: number
}

const DEFAULT_CACHE_SIZE = 10_000

export class LocationStore {
  readonly #db: Database.Database
  readonly #footprint: FootprintStore
  /** The global network objects' local ids, sliced pools and slices (network-record-store.ts). */
  readonly network: NetworkRecordStore
  readonly #get: Database.Statement<[string], LocationRow>
  readonly #put: Database.Statement<[string, string, string, string, string | null, string | null, number]>
  readonly #delete: Database.Statement<[string]>
  readonly #byAgent: Database.Statement<[string], LocationRow>
  readonly #byAgentAndProject: Database.Statement<[string, string], LocationRow>
  readonly #byProject: Database.Statement<[string], LocationRow>
  readonly #count: Database.Statement<[], { n: number }>
  /** Most recently used last; null marks an id known to be absent. */
  readonly #cache = new Map<string, StoredLocation | null>()
  readonly #cacheSize: number
  readonly #now: () => number

  /** Opens (or creates) the state file at `path`; ':memory:' for a store that dies with the process. */
  constructor (path: string, options: LocationStoreOptions = {}) {
    this.#cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE
    this.#now = options.wallClockMs ?? (() => Date.now())
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS locations (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, agent_id TEXT NOT NULL, agent_address TEXT NOT NULL,
        project_id TEXT, created_at TEXT, updated_ms INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS locations_by_agent ON locations (agent_id, project_id);
      CREATE INDEX IF NOT EXISTS locations_by_project ON locations (project_id);
    `)
    const columns = 'id, kind, agent_id, agent_address, project_id, created_at, updated_ms'
    this.#get = this.#db.prepare(`SELECT ${columns} FROM locations WHERE id = ?`)
    this.#put = this.#db.prepare(`INSERT INTO locations (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, agent_id = excluded.agent_id, agent_address = excluded.agent_address,
      project_id = excluded.project_id, created_at = excluded.created_at, updated_ms = excluded.updated_ms`)
    this.#delete = this.#db.prepare('DELETE FROM locations WHERE id = ?')
    this.#byAgent = this.#db.prepare(`SELECT ${columns} FROM locations WHERE agent_id = ? ORDER BY id`)
    this.#byAgentAndProject = this.#db.prepare(`SELECT ${columns} FROM locations WHERE agent_id = ? AND project_id = ? ORDER BY id`)
    this.#byProject = this.#db.prepare(`SELECT ${columns} FROM locations WHERE project_id = ? ORDER BY id`)
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM locations')
    this.#footprint = new FootprintStore(this.#db)
    this.network = new NetworkRecordStore(this.#db, this.#now)
  }

  /** Where `id` is, or null. */
  get (id: string): StoredLocation | null {
    const cached = this.#cache.get(id)
    if (cached !== undefined) {
      this.#cache.delete(id)
      this.#cache.set(id, cached)
      return cached
    }
    const row = this.#get.get(id)
    const location = row === undefined ? null : fromRow(row)
    this.#remember(id, location)
    return location
  }

  /** Records (or moves) `id`; durable when it returns. */
  put (id: string, kind: string, location: ResourceLocation): void {
    const updatedAtMs = this.#now()
    this.#put.run(id, kind, location.agent.id, location.agent.address, location.projectId, location.createdAt, updatedAtMs)
    this.#remember(id, { kind, agent: { id: location.agent.id, address: location.agent.address }, projectId: location.projectId, createdAt: location.createdAt, updatedAtMs })
  }

  /** Forgets `id`; forgetting an unknown id is not an error. */
  delete (id: string): void {
    this.#delete.run(id)
    this.#remember(id, null)
  }

  /** The resources recorded at `agentId` (of `projectId` when given), by id. */
  byAgent (agentId: string, projectId: string | null = null): Array<{ readonly id: string } & StoredLocation> {
    const rows = projectId === null ? this.#byAgent.all(agentId) : this.#byAgentAndProject.all(agentId, projectId)
    return rows.map(row => ({ id: row.id, ...fromRow(row) }))
  }

  /** The resources recorded of `projectId`, wherever they are, by id. */
  byProject (projectId: string): Array<{ readonly id: string } & StoredLocation> {
    return this.#byProject.all(projectId).map(row => ({ id: row.id, ...fromRow(row) }))
  }

  /** How many resources are recorded. */
  get size (): number {
    return this.#count.get()?.n ?? 0
  }

  /** The saved footprint, to build the FootprintNode from at start. */
  loadFootprint (): FootprintSnapshot {
    return this.#footprint.load()
  }

  /** Saves a footprint change (or a whole snapshot); newer entries and higher watermarks win. */
  saveFootprint (change: { readonly entries: readonly FootprintEntry[], readonly watermarks: readonly FootprintWatermark[] }): void {
    this.#footprint.save(change)
  }

  close (): void {
    if (this.#db.open) this.#db.close()
  }

  #remember (id: string, location: StoredLocation | null): void {
    if (this.#cacheSize === 0) return
    this.#cache.delete(id)
    this.#cache.set(id, location)
    if (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next()
      if (oldest.done !== true) this.#cache.delete(oldest.value)
    }
  }
}

function fromRow (row: LocationRow): StoredLocation {
  const agent: AgentRef = { id: row.agent_id, address: row.agent_address }
  return { kind: row.kind, agent, projectId: row.project_id, createdAt: row.created_at, updatedAtMs: row.updated_ms }
}
