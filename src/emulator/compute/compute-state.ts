/**
 * The emulated Nova's data: flavors, servers, keypairs, per-project quotas and instance
 * actions, in Tables written through to the Store, plus the counters Nova keeps (the integer
 * instance and keypair ids), recovered from the rows after a restart.
 */
import type { Store } from '../../core/ports.ts'
import type { FlavorRow, InstanceActionRow, KeypairRow, QuotaRow, ServerRow } from '../../openstack/compute/model.ts'
import { Table } from '../table.ts'
import type { TableObserver } from '../table.ts'

/** What a project's live (not deleted) servers use: instances, cores and RAM. */
export interface ServerUsage {
  readonly instances: number
  readonly cores: number
  readonly ram: number
}

/** Keeps every project's ServerUsage as servers come, change and go, so quota checks are lookups. */
class ServerUsageIndex implements TableObserver<ServerRow> {
  readonly #usage = new Map<string, { instances: number, cores: number, ram: number }>()

  put (row: ServerRow, previous: ServerRow | undefined): void {
    if (previous !== undefined) this.delete(previous)
    this.#add(row, 1)
  }

  delete (previous: ServerRow): void {
    this.#add(previous, -1)
  }

  of (projectId: string): ServerUsage {
    return this.#usage.get(projectId) ?? { instances: 0, cores: 0, ram: 0 }
  }

  #add (row: ServerRow, sign: 1 | -1): void {
    if (row.vmState === 'deleted') return
    const usage = this.#usage.get(row.projectId) ?? { instances: 0, cores: 0, ram: 0 }
    usage.instances += sign
    usage.cores += sign * row.flavor.vcpus
    usage.ram += sign * row.flavor.ramMb
    this.#usage.set(row.projectId, usage)
  }
}

export class ComputeState {
  readonly flavors: Table<FlavorRow>
  readonly servers: Table<ServerRow>
  readonly keypairs: Table<KeypairRow>
  readonly quotas: Table<QuotaRow>
  readonly instanceActions: Table<InstanceActionRow>
  readonly #usage = new ServerUsageIndex()
  #nextInstanceId: number
  #nextKeypairId: number

  constructor (store: Store) {
    this.flavors = new Table(store, 'compute.flavor')
    this.servers = new Table(store, 'compute.server')
    this.keypairs = new Table(store, 'compute.keypair')
    this.quotas = new Table(store, 'compute.quota')
    this.instanceActions = new Table(store, 'compute.instance_action')
    this.#nextInstanceId = 1 + [...this.servers.values()].reduce((max, s) => Math.max(max, s.internalId), 0)
    this.#nextKeypairId = 1 + [...this.keypairs.values()].reduce((max, k) => Math.max(max, k.internalId), 0)
    this.servers.observe(this.#usage)
  }

  /** What a project's live servers use now. */
  usageOf (projectId: string): ServerUsage {
    return this.#usage.of(projectId)
  }

  nextInstanceId (): number {
    return this.#nextInstanceId++
  }

  nextKeypairId (): number {
    return this.#nextKeypairId++
  }

  /** Replaces a server row, bumping its revision and updated time. */
  updateServer (server: ServerRow, changes: Partial<ServerRow>, nowMs: number): ServerRow {
    return this.servers.put({ ...server, ...changes, revision: server.revision + 1, updatedAtMs: nowMs })
  }

  /** Servers that exist (not deleted), of a project or of all. */
  liveServers (projectId?: string): ServerRow[] {
    return this.servers.filter(s => s.vmState !== 'deleted' && (projectId === undefined || s.projectId === projectId))
  }
}
