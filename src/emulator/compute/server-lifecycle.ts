/**
 * The emulated nova-compute: what happens to a server after the API has answered. Each server
 * row carries its next transition (`pending`, with a due time); this class keeps those due
 * times in a DueQueue and applies them when the cloudlet advances the clock — build steps
 * (scheduling → networking → spawning → ACTIVE, or ERROR with "No valid host was found"),
 * delete completion (ports and allocations freed), reboot, stop, start, pause, suspend and
 * snapshot completion. Nothing runs on a timer, so a seeded test replays exactly.
 */
import type { Clock, Logger } from '../../core/ports.ts'
import type { PendingTransition, ServerRow } from '../../openstack/compute/model.ts'
import { noValidHostFault } from '../../openstack/compute/servers/scheduling-faults.ts'
import { POWER_STATE } from '../../openstack/compute/servers/server-status.ts'
import { DueQueue } from '../due-queue.ts'
import type { ComputeNetworking } from '../network/compute-networking.ts'
import type { PlacementState } from '../placement/placement-state.ts'
import type { TimeDriven } from '../time-driven.ts'
import type { ComputeState } from './compute-state.ts'

interface Due {
  readonly serverId: string
  readonly pending: PendingTransition
}

/** Fractions of the transition delay at which each step of a multi-step transition ends. */
const STEP_ENDS: Record<PendingTransition['kind'], readonly number[]> = {
  build: [0.25, 0.5, 1],
  snapshot: [1 / 3, 2 / 3, 1],
  delete: [1],
  reboot: [1],
  stop: [1],
  start: [1],
  pause: [1],
  unpause: [1],
  suspend: [1],
  resume: [1]
}

const BUILD_TASKS = ['scheduling', 'networking', 'spawning']
const SNAPSHOT_TASKS = ['image_snapshot', 'image_pending_upload', 'image_uploading']

export class ServerLifecycle implements TimeDriven {
  readonly #state: ComputeState
  readonly #placement: PlacementState
  readonly #network: ComputeNetworking
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #delayMs: number
  readonly #queue = new DueQueue<Due>()
  /** Called when a server is gone for good, so views and caches can forget it. */
  onDeleted: (serverId: string) => void = () => {}

  constructor (ports: { state: ComputeState, placement: PlacementState, network: ComputeNetworking, clock: Clock, logger: Logger }, delayMs: number) {
    this.#state = ports.state
    this.#placement = ports.placement
    this.#network = ports.network
    this.#clock = ports.clock
    this.#logger = ports.logger
    this.#delayMs = delayMs
    for (const server of this.#state.servers.values()) {
      if (server.pending !== null) this.#queue.push(server.pending.atMs, { serverId: server.id, pending: server.pending })
    }
  }

  /** The first pending transition of `kind`, starting now: its due time and the task_state it starts in. */
  begin (kind: PendingTransition['kind'], nowMs: number, rebootType?: 'SOFT' | 'HARD'): { pending: PendingTransition, taskState: string } {
    const pending: PendingTransition = { atMs: nowMs + this.#stepEnd(kind, 0), kind, step: 0, ...(rebootType !== undefined ? { rebootType } : {}) }
    return { pending, taskState: initialTask(kind, rebootType) }
  }

  /** Queues a row's pending transition (call after the row is stored). */
  track (server: ServerRow): void {
    if (server.pending !== null) this.#queue.push(server.pending.atMs, { serverId: server.id, pending: server.pending })
  }

  advance (nowMs: number): void {
    for (let due = this.#queue.popDue(nowMs); due !== undefined; due = this.#queue.popDue(nowMs)) {
      const server = this.#state.servers.get(due.serverId)
      if (server === undefined || server.pending === null || !samePending(server.pending, due.pending)) continue
      try {
        this.#apply(server, server.pending)
      } catch (error) {
        this.#logger.error({ err: error, serverId: server.id, transition: server.pending.kind }, 'server transition failed')
        this.#state.updateServer(server, { pending: null, taskState: null, vmState: 'error' }, this.#clock.wallClockMs())
      }
    }
  }

  #apply (server: ServerRow, pending: PendingTransition): void {
    const startedAtMs = pending.atMs - this.#stepEnd(pending.kind, pending.step)
    const next = pending.step + 1
    const hasNext = next < (STEP_ENDS[pending.kind]).length
    const at = pending.atMs
    if (hasNext) {
      const nextPending: PendingTransition = { ...pending, step: next, atMs: startedAtMs + this.#stepEnd(pending.kind, next) }
      if (pending.kind === 'build' && pending.step === 0 && server.host === null) {
        this.#state.updateServer(server, {
          vmState: 'error',
          taskState: null,
          pending: null,
          // The scheduler's words, kept on the row at create; rows from before that say what
          // the filters would.
          fault: { ...(server.fault ?? noValidHostFault('filtered', at)), createdAtMs: at }
        }, at)
        return
      }
      const tasks = pending.kind === 'build' ? BUILD_TASKS : SNAPSHOT_TASKS
      const updated = this.#state.updateServer(server, { taskState: tasks[next] ?? null, pending: nextPending }, at)
      this.track(updated)
      return
    }
    switch (pending.kind) {
      case 'build':
        this.#state.updateServer(server, { vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING, launchedAtMs: at, pending: null }, at)
        return
      case 'delete':
        this.#network.deallocateForServer(server.id)
        this.#placement.free(server.id)
        this.#state.updateServer(server, { vmState: 'deleted', taskState: null, powerState: POWER_STATE.NOSTATE, terminatedAtMs: at, deletedAtMs: at, pending: null }, at)
        this.onDeleted(server.id)
        return
      case 'reboot':
      case 'start':
      case 'unpause':
      case 'resume':
        this.#state.updateServer(server, { vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING, pending: null }, at)
        return
      case 'stop':
        this.#state.updateServer(server, { vmState: 'stopped', taskState: null, powerState: POWER_STATE.SHUTDOWN, pending: null }, at)
        return
      case 'pause':
        this.#state.updateServer(server, { vmState: 'paused', taskState: null, powerState: POWER_STATE.PAUSED, pending: null }, at)
        return
      case 'suspend':
        this.#state.updateServer(server, { vmState: 'suspended', taskState: null, powerState: POWER_STATE.SUSPENDED, pending: null }, at)
        return
      case 'snapshot':
        this.#state.updateServer(server, { taskState: null, pending: null }, at)
    }
  }

  #stepEnd (kind: PendingTransition['kind'], step: number): number {
    return Math.round(this.#delayMs * (STEP_ENDS[kind][step] ?? 1))
  }
}

function initialTask (kind: PendingTransition['kind'], rebootType?: 'SOFT' | 'HARD'): string {
  switch (kind) {
    case 'build': return 'scheduling'
    case 'snapshot': return 'image_snapshot'
    case 'delete': return 'deleting'
    case 'reboot': return rebootType === 'HARD' ? 'rebooting_hard' : 'rebooting'
    case 'stop': return 'powering-off'
    case 'start': return 'powering-on'
    case 'pause': return 'pausing'
    case 'unpause': return 'unpausing'
    case 'suspend': return 'suspending'
    case 'resume': return 'resuming'
  }
}

function samePending (a: PendingTransition, b: PendingTransition): boolean {
  return a.atMs === b.atMs && a.kind === b.kind && a.step === b.step
}
