/**
 * The emulated Nova's data: flavors, servers, keypairs, per-project quotas and instance
 * actions, in Tables written through to the Store, plus the counters Nova keeps (the integer
 * instance and keypair ids), recovered from the rows after a restart.
 */
import type { Store } from '../../core/ports.ts'
import type { FlavorRow, InstanceActionRow, KeypairRow, QuotaRow, ServerRow } from '../../openstack/compute/model.ts'
import { Table } from '../table.ts'

export class ComputeState {
  readonly flavors: Table<FlavorRow>
  readonly servers: Table<ServerRow>
  readonly keypairs: Table<KeypairRow>
  readonly quotas: Table<QuotaRow>
  readonly instanceActions: Table<InstanceActionRow>
  #nextInstanceId: number
  #nextKeypairId: number

  constructor (store: Store) {
    this.flavors = new Table(store, 'compute.flavor')
    this.servers = new Table(store, 'compute.server')
    this.keypairs = new Table(store, 'compute.keypair')
    this.quotas = new Table(store, 'compute.quota')
    this.instanceActions = new Table(store, 'compute.instance_action')
    this.#nextInstanceId = 1 + Math.max(0, ...[...this.servers.values()].map(s => s.internalId))
    this.#nextKeypairId = 1 + Math.max(0, ...[...this.keypairs.values()].map(k => k.internalId))
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
