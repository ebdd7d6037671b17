/**
 * NetworkIds: how the global network objects (issue 7 §3–§4) look the same through every agent
 * although each cloudlet's Neutron gives its own ids.
 * - A copy of a network, subnet or security group made in this cloudlet (network-copies.ts)
 *   keeps the global id — the id its home cloudlet gave it — through the agent's id map
 *   (IdTranslator), persisted in the NetworkRecordStore. Copies are left out of this agent's
 *   answers to lists: the home answers for the object, so a list shows it once, as the home has it.
 * - A project's "default" security group exists in every cloudlet the project uses; each is
 *   mapped to one id derived from the project, so that a list shows one default group.
 * - Every security group rule gets an id derived from its group's global id and what it allows
 *   (Neutron refuses two equal rules in a group), so the same rule has the same id in every
 *   cloudlet without any agent telling another. Both are learnt from the cloudlet's answers
 *   before their ids are translated (`learn`).
 * - A subnet whose pool was sliced between cloudlets is shown with the pools its user gave
 *   (`adjust`), not with the slice the cloudlet holds.
 * - The tags that write the copies down in the cloudlet (network-copy-index.ts) are left out.
 * - The default groups of the cloudlet's own projects (its admin's, made when the agent calls
 *   as that admin) are no global project's and are left out of lists.
 */
import { createHash } from 'node:crypto'
import type { Logger } from '../core/ports.ts'
import type { IdTranslator } from './identity/id-translator.ts'
import type { AllocationPool, NetworkIdKind, NetworkIdRecord, NetworkRecordStore } from './network-record-store.ts'
import type { AgentRef } from './proxy-ports.ts'

type Json = Record<string, unknown>

/** The beginning of the tags that write copies down in the cloudlet (network-copy-index.ts). */
export const TAG_PREFIX = 'p2pstack-'

/** A UUID made from a name (sha-256, version 5 layout), so that every agent derives the same one. */
export function derivedUuid (name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The global id of a project's default security group. */
export function defaultGroupId (globalProjectId: string): string {
  return derivedUuid(`p2pstack:default-security-group:${globalProjectId}`)
}

const COPY_KINDS: ReadonlySet<NetworkIdKind> = new Set(['network', 'subnet', 'security-group'])

export class NetworkIds {
  readonly #translator: IdTranslator
  readonly #records: NetworkRecordStore
  readonly #logger: Logger
  /** Global ids of the complete copies held here (left out of list answers). */
  readonly #copies = new Set<string>()
  /**
   * Default groups of the cloudlet's own projects (not shadows of global ones: its admin's,
   * made by Neutron when the agent calls as that admin): not part of the one cloud, left out.
   */
  readonly #hidden = new Set<string>()
  /** Subnet id → the pools its user sees (sliced subnets only). */
  readonly #pools: Map<string, AllocationPool[]>

  constructor (translator: IdTranslator, records: NetworkRecordStore, logger: Logger) {
    this.#translator = translator
    this.#records = records
    this.#logger = logger
    for (const record of records.all()) this.#apply(record)
    this.#pools = records.allPools()
  }

  get records (): NetworkRecordStore { return this.#records }

  /** The local id of a global id in this cloudlet (itself when it has none). */
  localId (globalId: string): string { return this.#translator.localId(globalId) }
  globalId (localId: string): string { return this.#translator.globalId(localId) }

  /** Whether `globalId` is a copy held here (its home is another agent). */
  isCopy (globalId: string): boolean { return this.#copies.has(globalId) }

  /** The home of a copy held (or being made) here. */
  homeOf (globalId: string): AgentRef | null {
    return this.#records.get(globalId)?.home ?? null
  }

  /** Records and maps a complete copy (or a derived id). */
  record (record: NetworkIdRecord): void {
    const previous = this.#records.get(record.globalId)
    if (previous?.localId !== null && previous?.localId !== undefined && previous.localId !== record.localId) this.#translator.unmap(previous.localId)
    this.#records.put(record)
    this.#apply(record)
  }

  /** Forgets a global id held here (its copy or derived object was deleted). */
  forget (globalId: string): void {
    const record = this.#records.get(globalId)
    if (record === null) return
    if (record.localId !== null) this.#translator.unmap(record.localId)
    this.#copies.delete(globalId)
    this.#records.delete(globalId)
    this.#pools.delete(globalId)
    this.#records.deletePools(globalId)
  }

  /** The pools a user sees for a sliced subnet. */
  setPools (subnetId: string, pools: readonly AllocationPool[]): void {
    this.#records.putPools(subnetId, pools)
    this.#pools.set(subnetId, [...pools])
  }

  pools (subnetId: string): AllocationPool[] | null {
    return this.#pools.get(subnetId) ?? null
  }

  /**
   * Learns, from an answer of the own cloudlet as it came (local ids), the default security
   * groups and the rules it shows. With `regroup`, rules already mapped are derived again (their
   * group has just been mapped).
   */
  learn (raw: string, regroup = false): void {
    if (!raw.includes('security_group')) return
    let body: Json
    try {
      body = JSON.parse(raw) as Json
    } catch {
      return
    }
    const groups = objects(body, 'security_group', 'security_groups')
    for (const group of groups) this.#learnDefaultGroup(group)
    const rules = [...objects(body, 'security_group_rule', 'security_group_rules'), ...groups.flatMap(g => Array.isArray(g.security_group_rules) ? g.security_group_rules.filter(isObject) : [])]
    for (const rule of rules) this.#learnRule(rule, regroup)
  }

  /**
   * An answer of the own cloudlet, its ids already global, as the agent gives it: copies left
   * out of a list (`list`), sliced subnets with their users' pools. Unchanged when nothing applies.
   */
  adjust (text: string, list: boolean): string {
    const hideCopies = list && (this.#copies.size > 0 || this.#hidden.size > 0)
    const showPools = this.#pools.size > 0 && text.includes('allocation_pools')
    const ownTags = text.includes(TAG_PREFIX)
    if (!hideCopies && !showPools && !ownTags) return text
    let body: Json
    try {
      body = JSON.parse(text) as Json
    } catch {
      return text
    }
    let changed = false
    if (hideCopies) {
      for (const key of ['networks', 'subnets', 'security_groups', 'security_group_rules']) {
        const items = body[key]
        if (!Array.isArray(items)) continue
        const kept = items.filter(item => !(isObject(item) && (this.#isCopyOrHidden(item.id) || (key === 'security_group_rules' && this.#isCopyOrHidden(item.security_group_id)))))
        if (kept.length !== items.length) {
          body[key] = kept
          changed = true
        }
      }
    }
    if (showPools) {
      for (const subnet of objects(body, 'subnet', 'subnets')) {
        const pools = typeof subnet.id === 'string' ? this.#pools.get(subnet.id) : undefined
        if (pools === undefined || !('allocation_pools' in subnet)) continue
        subnet.allocation_pools = pools
        changed = true
      }
    }
    if (ownTags) changed = withoutOwnTags(body) || changed
    return changed ? JSON.stringify(body) : text
  }

  #isCopyOrHidden (id: unknown): boolean {
    return typeof id === 'string' && (this.#copies.has(id) || this.#hidden.has(id))
  }

  #learnDefaultGroup (group: Json): void {
    if (group.name !== 'default' || typeof group.id !== 'string') return
    if (this.#translator.globalId(group.id) !== group.id) return
    const project = typeof group.project_id === 'string' ? group.project_id : typeof group.tenant_id === 'string' ? group.tenant_id : null
    if (project === null) return
    const globalProject = this.#translator.globalId(project)
    if (globalProject === project) {
      this.#hidden.add(group.id)
      return
    }
    this.record({ globalId: defaultGroupId(globalProject), kind: 'default-security-group', localId: group.id, projectId: globalProject, home: null })
  }

  #learnRule (rule: Json, regroup: boolean): void {
    if (typeof rule.id !== 'string' || typeof rule.security_group_id !== 'string') return
    if (!regroup && this.#translator.globalId(rule.id) !== rule.id) return
    const global = ruleId(rule, local => this.#translator.globalId(local))
    if (global === rule.id) return
    const project = typeof rule.project_id === 'string' ? this.#translator.globalId(rule.project_id) : null
    try {
      this.record({ globalId: global, kind: 'security-group-rule', localId: rule.id, projectId: project, home: null })
    } catch (error) {
      this.#logger.warn({ err: (error as Error).message, rule: rule.id }, 'could not record a security group rule id')
    }
  }

  #apply (record: NetworkIdRecord): void {
    if (record.localId === null) return
    this.#translator.map(record.localId, record.globalId)
    if (COPY_KINDS.has(record.kind)) this.#copies.add(record.globalId)
  }
}

/** The id every cloudlet gives the same rule: its group's global id and what it allows. */
export function ruleId (rule: Json, toGlobal: (id: string) => string): string {
  const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value).toLowerCase())
  const id = (value: unknown): string => (typeof value === 'string' && value !== '' ? toGlobal(value) : '')
  return derivedUuid([
    'p2pstack:security-group-rule',
    id(rule.security_group_id),
    text(rule.direction),
    text(rule.ethertype),
    text(rule.protocol),
    text(rule.port_range_min),
    text(rule.port_range_max),
    text(rule.remote_ip_prefix),
    id(rule.remote_group_id),
    id(rule.remote_address_group_id)
  ].join('|'))
}

/** Takes the agent's own tags (network-copy-index.ts) out of every `tags` list of an answer; whether any was. */
function withoutOwnTags (body: Json): boolean {
  let changed = false
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    if (!isObject(value)) return
    for (const [key, child] of Object.entries(value)) {
      if (key === 'tags' && Array.isArray(child)) {
        const kept = child.filter(t => !(typeof t === 'string' && t.startsWith(TAG_PREFIX)))
        if (kept.length !== child.length) {
          value[key] = kept
          changed = true
        }
      } else if (child !== null && typeof child === 'object') {
        visit(child)
      }
    }
  }
  visit(body)
  return changed
}

function isObject (value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function objects (body: Json, one: string, many: string): Json[] {
  const single = body[one]
  if (isObject(single)) return [single]
  const list = body[many]
  return Array.isArray(list) ? list.filter(isObject) : []
}
