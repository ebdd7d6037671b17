/**
 * The project footprint (issue 6 §3) as a state-based CRDT: for every project, the agents that
 * hold resources of it, so a list call fans out to those agents only.
 *
 * One entry per (project, agent): present or withdrawn, the agent's address, and a version.
 * Only the agent itself ever writes its own entries, and it stamps each write with the next
 * value of its own counter, so "the higher version wins" decides every conflict: merge is the
 * per-key maximum, which is commutative, associative and idempotent. A withdrawn entry stays
 * as a tombstone (one small record per project an agent ever held), so an old "present" that
 * arrives late cannot bring it back.
 *
 * For anti-entropy each node also keeps a watermark per writer: W's watermark V means "this
 * state holds W's latest entry for every project as of W's write V". Entries above it may be
 * held too (a rumour arrived out of order). A peer then needs only W's entries with a version
 * above the watermark it announces (its digest), and watermarks merge by maximum as well.
 */
import type { AgentId } from '../cyclon/peer-descriptor.ts'

/** One agent's record for one project. */
export interface FootprintEntry {
  readonly projectId: string
  /** The writer: the agent that holds (or held) resources of the project. */
  readonly agentId: AgentId
  /** Where that agent is reached (its peer address when it wrote the entry). */
  readonly address: string
  /** False once the agent withdrew: its last resource of the project is gone. */
  readonly present: boolean
  /** The writer's counter at this write; positive, unique per writer. */
  readonly version: number
}

/** An agent that holds resources of a project. */
export interface FootprintAgent {
  readonly id: AgentId
  readonly address: string
}

/** What a node knows of one writer: its entries as of `version` (see the module comment). */
export interface FootprintWatermark {
  readonly agentId: AgentId
  readonly version: number
}

/** Everything to persist and reload: the entries and the watermarks. */
export interface FootprintSnapshot {
  readonly entries: readonly FootprintEntry[]
  readonly watermarks: readonly FootprintWatermark[]
}

export class Footprint {
  /** project → agent → entry. */
  readonly #byProject = new Map<string, Map<AgentId, FootprintEntry>>()
  /** writer → project → entry (the same objects). */
  readonly #byWriter = new Map<AgentId, Map<string, FootprintEntry>>()
  readonly #watermarks = new Map<AgentId, number>()
  /** Every writer with entries or a watermark, sorted; rebuilt when a writer is added. */
  #writers: AgentId[] | null = null
  #size = 0

  static from (snapshot: FootprintSnapshot): Footprint {
    const footprint = new Footprint()
    for (const entry of snapshot.entries) footprint.apply(entry)
    for (const w of snapshot.watermarks) footprint.raiseWatermark(w.agentId, w.version)
    return footprint
  }

  /** How many entries (tombstones included). */
  get size (): number {
    return this.#size
  }

  /** Keeps `entry` if it is newer than what is held for its (project, agent); true if it was. */
  apply (entry: FootprintEntry): boolean {
    const held = this.get(entry.projectId, entry.agentId)
    if (held !== undefined && held.version >= entry.version) return false
    if (held === undefined) this.#size++
    let agents = this.#byProject.get(entry.projectId)
    if (agents === undefined) this.#byProject.set(entry.projectId, agents = new Map())
    agents.set(entry.agentId, entry)
    let projects = this.#byWriter.get(entry.agentId)
    if (projects === undefined) {
      this.#byWriter.set(entry.agentId, projects = new Map())
      if (!this.#watermarks.has(entry.agentId)) this.#writers = null
    }
    projects.set(entry.projectId, entry)
    return true
  }

  get (projectId: string, agentId: AgentId): FootprintEntry | undefined {
    return this.#byProject.get(projectId)?.get(agentId)
  }

  /** The agents holding resources of `projectId` now, sorted by id. */
  agentsOf (projectId: string): FootprintAgent[] {
    const agents = this.#byProject.get(projectId)
    if (agents === undefined) return []
    const out: FootprintAgent[] = []
    for (const e of agents.values()) if (e.present) out.push({ id: e.agentId, address: e.address })
    return out.sort((a, b) => compareIds(a.id, b.id))
  }

  /** Every agent holding resources of some project now, sorted by id. */
  allAgents (): FootprintAgent[] {
    const out: FootprintAgent[] = []
    for (const [id, projects] of this.#byWriter) {
      let address: string | null = null
      let version = 0
      for (const e of projects.values()) {
        if (e.present && e.version > version) {
          address = e.address
          version = e.version
        }
      }
      if (address !== null) out.push({ id, address })
    }
    return out.sort((a, b) => compareIds(a.id, b.id))
  }

  /** The projects `agentId` holds resources of now, sorted. */
  projectsOf (agentId: AgentId): string[] {
    const projects = this.#byWriter.get(agentId)
    if (projects === undefined) return []
    const out: string[] = []
    for (const e of projects.values()) if (e.present) out.push(e.projectId)
    return out.sort(compareIds)
  }

  /** The entries `agentId` wrote (tombstones included), by ascending version. */
  entriesOf (agentId: AgentId): FootprintEntry[] {
    const projects = this.#byWriter.get(agentId)
    return projects === undefined ? [] : [...projects.values()].sort((a, b) => a.version - b.version)
  }

  /** Every entry, in a canonical order (project, then agent). */
  entries (): FootprintEntry[] {
    const out: FootprintEntry[] = []
    for (const agents of this.#byProject.values()) for (const e of agents.values()) out.push(e)
    return out.sort((a, b) => compareIds(a.projectId, b.projectId) || compareIds(a.agentId, b.agentId))
  }

  /** Every writer with entries or a watermark, sorted by id (do not change the array). */
  writers (): readonly AgentId[] {
    this.#writers ??= [...new Set<AgentId>([...this.#byWriter.keys(), ...this.#watermarks.keys()])].sort(compareIds)
    return this.#writers
  }

  /** The writers whose ids fall in [fromId, toId) (toId null: to the end), sorted. */
  writersIn (fromId: string, toId: string | null): readonly AgentId[] {
    const writers = this.writers()
    let low = 0
    let high = writers.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (compareIds(writers[mid] as string, fromId) < 0) low = mid + 1
      else high = mid
    }
    let end = low
    while (end < writers.length && (toId === null || compareIds(writers[end] as string, toId) < 0)) end++
    return writers.slice(low, end)
  }

  watermark (agentId: AgentId): number {
    return this.#watermarks.get(agentId) ?? 0
  }

  /** Raises `agentId`'s watermark to `version`; true if it went up. */
  raiseWatermark (agentId: AgentId, version: number): boolean {
    if (version <= this.watermark(agentId)) return false
    if (!this.#watermarks.has(agentId) && !this.#byWriter.has(agentId)) this.#writers = null
    this.#watermarks.set(agentId, version)
    return true
  }

  /** The highest version held of `agentId`'s entries (0 with none). */
  highestVersion (agentId: AgentId): number {
    let highest = 0
    for (const e of this.#byWriter.get(agentId)?.values() ?? []) if (e.version > highest) highest = e.version
    return highest
  }

  /** The watermarks, sorted by writer (the digest a peer compares against). */
  watermarks (): FootprintWatermark[] {
    return [...this.#watermarks].map(([agentId, version]) => ({ agentId, version })).sort((a, b) => compareIds(a.agentId, b.agentId))
  }

  /** Merges another state into this one (per-key maximum; watermarks by maximum). */
  merge (other: Footprint): void {
    for (const entry of other.entries()) this.apply(entry)
    for (const w of other.watermarks()) this.raiseWatermark(w.agentId, w.version)
  }

  snapshot (): FootprintSnapshot {
    return { entries: this.entries(), watermarks: this.watermarks() }
  }
}

/** The order of ids and project ids everywhere here (code units, like the digest's ranges). */
export function compareIds (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
