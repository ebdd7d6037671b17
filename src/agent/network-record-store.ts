/**
 * NetworkRecordStore: what an agent must remember about the global network objects (issue 7
 * §3–§4), in the agent's SQLite file beside the locations and the footprint:
 * - `network_ids`: each local id of this cloudlet that stands for a global id — a copy of a
 *   network, subnet or security group made here (its home agent recorded), the project's
 *   default security group and every security group rule (ids derived from what they are). A
 *   copy is first written without its local id (an intent) before the cloudlet is asked to make
 *   it, so that a copy interrupted midway is found and completed on the next attempt.
 * - `subnet_pools`: the allocation pools a user sees for a subnet whose pool was sliced between
 *   cloudlets (the cloudlets each hold only their slice).
 * - `subnet_slices`: at a subnet's home, the slice each other agent was given (asking again
 *   gives the same slice).
 */
import type Database from 'better-sqlite3'
import type { AgentRef } from './proxy-ports.ts'

/** What a global id is here: a copy (hidden from lists, its home elsewhere) or an id derived for a per-cloudlet object. */
export type NetworkIdKind = 'network' | 'subnet' | 'security-group' | 'default-security-group' | 'security-group-rule'

export interface NetworkIdRecord {
  readonly globalId: string
  readonly kind: NetworkIdKind
  /** Null while the copy is being made. */
  readonly localId: string | null
  readonly projectId: string | null
  /** Where the original is (copies only). */
  readonly home: AgentRef | null
  /** When the record was written (wall-clock ms; an intent's start). */
  readonly updatedMs?: number
}

export interface AllocationPool {
  readonly start: string
  readonly end: string
}

interface IdRow {
  global_id: string
  kind: string
  local_id: string | null
  project_id: string | null
  home_id: string | null
  home_address: string | null
  updated_ms: number
}

export class NetworkRecordStore {
  readonly #put: Database.Statement<[string, string, string | null, string | null, string | null, string | null, number]>
  readonly #get: Database.Statement<[string], IdRow>
  readonly #byLocal: Database.Statement<[string], IdRow>
  readonly #delete: Database.Statement<[string]>
  readonly #all: Database.Statement<[], IdRow>
  readonly #putPools: Database.Statement<[string, string]>
  readonly #getPools: Database.Statement<[string], { pools: string }>
  readonly #allPools: Database.Statement<[], { subnet_id: string, pools: string }>
  readonly #deletePools: Database.Statement<[string]>
  readonly #putSlice: Database.Statement<[string, string, string]>
  readonly #getSlice: Database.Statement<[string, string], { pools: string }>
  readonly #now: () => number

  constructor (db: Database.Database, now: () => number) {
    this.#now = now
    db.exec(`
      CREATE TABLE IF NOT EXISTS network_ids (
        global_id TEXT PRIMARY KEY, kind TEXT NOT NULL, local_id TEXT, project_id TEXT,
        home_id TEXT, home_address TEXT, updated_ms INTEGER NOT NULL) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS network_ids_by_local ON network_ids (local_id);
      CREATE TABLE IF NOT EXISTS subnet_pools (subnet_id TEXT PRIMARY KEY, pools TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS subnet_slices (subnet_id TEXT NOT NULL, agent_id TEXT NOT NULL, pools TEXT NOT NULL,
        PRIMARY KEY (subnet_id, agent_id)) WITHOUT ROWID;
    `)
    const columns = 'global_id, kind, local_id, project_id, home_id, home_address, updated_ms'
    this.#put = db.prepare(`INSERT INTO network_ids (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (global_id) DO UPDATE SET kind = excluded.kind, local_id = excluded.local_id, project_id = excluded.project_id,
      home_id = excluded.home_id, home_address = excluded.home_address, updated_ms = excluded.updated_ms`)
    this.#get = db.prepare(`SELECT ${columns} FROM network_ids WHERE global_id = ?`)
    this.#byLocal = db.prepare(`SELECT ${columns} FROM network_ids WHERE local_id = ?`)
    this.#delete = db.prepare('DELETE FROM network_ids WHERE global_id = ?')
    this.#all = db.prepare(`SELECT ${columns} FROM network_ids WHERE local_id IS NOT NULL`)
    this.#putPools = db.prepare('INSERT INTO subnet_pools (subnet_id, pools) VALUES (?, ?) ON CONFLICT (subnet_id) DO UPDATE SET pools = excluded.pools')
    this.#getPools = db.prepare('SELECT pools FROM subnet_pools WHERE subnet_id = ?')
    this.#allPools = db.prepare('SELECT subnet_id, pools FROM subnet_pools')
    this.#deletePools = db.prepare('DELETE FROM subnet_pools WHERE subnet_id = ?')
    this.#putSlice = db.prepare('INSERT INTO subnet_slices (subnet_id, agent_id, pools) VALUES (?, ?, ?) ON CONFLICT (subnet_id, agent_id) DO UPDATE SET pools = excluded.pools')
    this.#getSlice = db.prepare('SELECT pools FROM subnet_slices WHERE subnet_id = ? AND agent_id = ?')
  }

  /** Records (or replaces) what `globalId` is here. A local id already used by another global id is taken from it. */
  put (record: NetworkIdRecord): void {
    if (record.localId !== null) {
      const previous = this.#byLocal.get(record.localId)
      if (previous !== undefined && previous.global_id !== record.globalId) this.#delete.run(previous.global_id)
    }
    this.#put.run(record.globalId, record.kind, record.localId, record.projectId, record.home?.id ?? null, record.home?.address ?? null, this.#now())
  }

  get (globalId: string): NetworkIdRecord | null {
    const row = this.#get.get(globalId)
    return row === undefined ? null : fromRow(row)
  }

  byLocal (localId: string): NetworkIdRecord | null {
    const row = this.#byLocal.get(localId)
    return row === undefined ? null : fromRow(row)
  }

  delete (globalId: string): void {
    this.#delete.run(globalId)
  }

  /** Every record with a local id (to map them again at start). */
  all (): NetworkIdRecord[] {
    return this.#all.all().map(fromRow)
  }

  putPools (subnetId: string, pools: readonly AllocationPool[]): void {
    this.#putPools.run(subnetId, JSON.stringify(pools))
  }

  pools (subnetId: string): AllocationPool[] | null {
    const row = this.#getPools.get(subnetId)
    return row === undefined ? null : JSON.parse(row.pools) as AllocationPool[]
  }

  allPools (): Map<string, AllocationPool[]> {
    return new Map(this.#allPools.all().map(row => [row.subnet_id, JSON.parse(row.pools) as AllocationPool[]]))
  }

  deletePools (subnetId: string): void {
    this.#deletePools.run(subnetId)
  }

  putSlice (subnetId: string, agentId: string, pools: readonly AllocationPool[]): void {
    this.#putSlice.run(subnetId, agentId, JSON.stringify(pools))
  }

  slice (subnetId: string, agentId: string): AllocationPool[] | null {
    const row = this.#getSlice.get(subnetId, agentId)
    return row === undefined ? null : JSON.parse(row.pools) as AllocationPool[]
  }
}

function fromRow (row: IdRow): NetworkIdRecord {
  return {
    globalId: row.global_id,
    kind: row.kind as NetworkIdKind,
    localId: row.local_id,
    projectId: row.project_id,
    home: row.home_id === null || row.home_address === null ? null : { id: row.home_id, address: row.home_address },
    updatedMs: row.updated_ms
  }
}
