/**
 * IdTranslator: the shadow ↔ global id map of this agent's cloudlet. A user sees global ids
 * (the identity provider's user and project ids); the cloudlet knows its shadow user (named
 * after the global user id) and shadow project (named after the global project id) by local
 * ids. toGlobal rewrites response bodies (tenant_id, user_id, project_id, owner, links…),
 * toLocal rewrites request paths and bodies (e.g. /os-quota-sets/{project_id}).
 *
 * Ids are 32 or 64 lowercase hex digits (Keystone's uuid4 hex and sha256 ids) or UUIDs, so a
 * whole-word replacement cannot hit part of something else; both directions are one regex pass
 * with a Map lookup per candidate, whatever the number of known ids.
 *
 * The shadow ids are in memory only: every login (CloudletSessions) teaches it the pair it uses,
 * and the whole map can be rebuilt from the cloudlet (shadow projects and users are named after
 * their global ids; learnShadowIds). The same map also holds the copies of global network
 * objects (a network, subnet or security group copied into this cloudlet under a local id, a
 * rule under the id derived for it; network-ids.ts), which the agent persists and maps again at
 * start.
 */

/** A hex id of 32 or 64 digits, or a UUID, not inside a longer word. */
const ID_PATTERN = /(?<![0-9A-Za-z])(?:[0-9a-f]{64}|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9A-Za-z])/g

export interface IdPair {
  readonly localProjectId?: string
  readonly globalProjectId?: string
  readonly localUserId?: string
  readonly globalUserId?: string
}

export class IdTranslator {
  readonly #toGlobal = new Map<string, string>()
  readonly #toLocal = new Map<string, string>()

  /** Records the ids of one session (either pair may be absent). A later pair for the same id replaces the earlier. */
  learn (pair: IdPair): void {
    if (pair.localProjectId !== undefined && pair.globalProjectId !== undefined) this.#set(pair.localProjectId, pair.globalProjectId)
    if (pair.localUserId !== undefined && pair.globalUserId !== undefined) this.#set(pair.localUserId, pair.globalUserId)
  }

  /** Records that `localId` in this cloudlet stands for `globalId` (a copy of a global object). */
  map (localId: string, globalId: string): void {
    this.#set(localId, globalId)
  }

  /** Forgets a local id (its copy was deleted). */
  unmap (localId: string): void {
    const global = this.#toGlobal.get(localId)
    if (global === undefined) return
    this.#toGlobal.delete(localId)
    if (this.#toLocal.get(global) === localId) this.#toLocal.delete(global)
  }

  /** Whether the id has a local id in this cloudlet (a copy or a shadow). */
  hasLocal (globalId: string): boolean {
    return this.#toLocal.has(globalId)
  }

  get size (): number {
    return this.#toGlobal.size
  }

  /** The global id of a local id, or the id itself when it is not a shadow id. */
  globalId (localId: string): string {
    return this.#toGlobal.get(localId) ?? localId
  }

  /** The local id of a global id, or the id itself when none is known. */
  localId (globalId: string): string {
    return this.#toLocal.get(globalId) ?? globalId
  }

  /** Every shadow id in `text` replaced by its global id. */
  toGlobal (text: string): string {
    return replaceIds(text, this.#toGlobal)
  }

  /** Every global id in `text` that has a shadow id in this cloudlet replaced by it. */
  toLocal (text: string): string {
    return replaceIds(text, this.#toLocal)
  }

  #set (local: string, global: string): void {
    if (local === global) return
    const previousGlobal = this.#toGlobal.get(local)
    if (previousGlobal !== undefined && previousGlobal !== global) this.#toLocal.delete(previousGlobal)
    const previousLocal = this.#toLocal.get(global)
    if (previousLocal !== undefined && previousLocal !== local) this.#toGlobal.delete(previousLocal)
    this.#toGlobal.set(local, global)
    this.#toLocal.set(global, local)
  }
}

function replaceIds (text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return text
  return text.replace(ID_PATTERN, id => map.get(id) ?? id)
}
