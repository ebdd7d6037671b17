/**
 * POST /servers/{id}/action: reboot, os-stop, os-start, pause, unpause, suspend, resume,
 * createImage, lock, unlock and os-getConsoleOutput, each allowed only in the vm and task
 * states Nova allows (409 otherwise, with Nova's sentence) and carried out by the emulated
 * compute over the transition delay. Nova actions this cloud does not perform (resize,
 * rebuild, shelve, …) answer 501; a name Nova does not know answers 400.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest, Conflict, NotImplemented } from '../../openstack/faults.ts'
import type { PendingTransition, ServerRow, VmState } from '../../openstack/compute/model.ts'
import { consoleOutputSchema, createImageSchema, lockSchema, rebootSchema } from '../../openstack/compute/servers/schemas.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { findServer } from './compute-deps.ts'
import { recordAction } from './instance-actions.ts'

/** Nova server actions this emulator does not carry out. */
const NOT_PERFORMED = new Set([
  'resize', 'confirmResize', 'revertResize', 'rebuild', 'migrate', 'os-migrateLive', 'shelve', 'shelveOffload', 'unshelve',
  'rescue', 'unrescue', 'forceDelete', 'restore', 'changePassword', 'createBackup', 'evacuate', 'os-resetState',
  'os-resetNetwork', 'injectNetworkInfo', 'trigger_crash_dump', 'os-getVNCConsole', 'os-getSPICEConsole',
  'os-getSerialConsole', 'os-getRDPConsole', 'addSecurityGroup', 'removeSecurityGroup', 'addFixedIp', 'removeFixedIp',
  'addFloatingIp', 'removeFloatingIp'
])

const SIMPLE_TRANSITIONS: Readonly<Record<string, { kind: PendingTransition['kind'], states: readonly VmState[], method: string }>> = {
  'os-stop': { kind: 'stop', states: ['active', 'error'], method: 'stop' },
  'os-start': { kind: 'start', states: ['stopped'], method: 'start' },
  pause: { kind: 'pause', states: ['active'], method: 'pause' },
  unpause: { kind: 'unpause', states: ['paused'], method: 'unpause' },
  suspend: { kind: 'suspend', states: ['active'], method: 'suspend' },
  resume: { kind: 'resume', states: ['suspended'], method: 'resume' }
}

export function ensureNotLocked (context: RequestContext, server: ServerRow): void {
  if (server.locked && !context.isAdmin) throw new Conflict(`Instance ${server.id} is locked`)
}

function invalidState (method: string, server: ServerRow, attribute: 'vm_state' | 'task_state'): Conflict {
  const state = attribute === 'vm_state' ? server.vmState : server.taskState
  return new Conflict(`Cannot '${method}' instance ${server.id} while it is in ${attribute} ${String(state)}`)
}

export function serverActionHandler (deps: ComputeDeps): RouteHandler {
  return async context => {
    const server = findServer(deps, context)
    const body = await context.jsonBody()
    if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) {
      throw new BadRequest('Malformed request body')
    }
    const action = Object.keys(body)[0] as string
    const now = deps.clock.wallClockMs()
    const begin = (kind: PendingTransition['kind'], method: string, rebootType?: 'SOFT' | 'HARD'): void => {
      const begun = deps.lifecycle.begin(kind, now, rebootType)
      const updated = deps.state.updateServer(server, { taskState: begun.taskState, pending: begun.pending }, now)
      deps.lifecycle.track(updated)
      recordAction(deps, { requestId: context.requestId, serverId: server.id, action: method, projectId: server.projectId, userId: context.auth.userId, nowMs: now })
    }

    const simple = SIMPLE_TRANSITIONS[action]
    if (simple !== undefined) {
      ensureNotLocked(context, server)
      if (!simple.states.includes(server.vmState)) throw invalidState(simple.method, server, 'vm_state')
      if (server.taskState !== null) throw invalidState(simple.method, server, 'task_state')
      begin(simple.kind, simple.method)
      return emptyResponse(202)
    }

    switch (action) {
      case 'reboot': {
        const { reboot } = context.check(rebootSchema, body)
        const type = reboot.type.toUpperCase() as 'SOFT' | 'HARD'
        ensureNotLocked(context, server)
        const allowed: readonly VmState[] = type === 'SOFT' ? ['active'] : ['active', 'stopped', 'paused', 'suspended', 'error']
        if (!allowed.includes(server.vmState)) throw invalidState('reboot', server, 'vm_state')
        if (server.taskState !== null) throw invalidState('reboot', server, 'task_state')
        begin('reboot', 'reboot', type)
        return emptyResponse(202)
      }
      case 'createImage': {
        const { createImage } = context.check(createImageSchema, body)
        ensureNotLocked(context, server)
        if (!(['active', 'stopped', 'paused', 'suspended'] as VmState[]).includes(server.vmState)) throw invalidState('createImage', server, 'vm_state')
        if (server.taskState !== null) throw invalidState('createImage', server, 'task_state')
        const imageId = deps.images.createSnapshot({
          name: createImage.name,
          ownerProjectId: server.projectId,
          metadata: createImage.metadata ?? {},
          sourceImageId: server.imageId,
          instanceUuid: server.id,
          minDiskGb: server.flavor.diskGb,
          minRamMb: 0
        })
        begin('snapshot', 'createImage')
        if (isAtLeast(context.microversion, '2.45')) return jsonResponse(202, { image_id: imageId })
        return emptyResponse(202, { location: `${context.request.url.origin}/image/v2/images/${imageId}` })
      }
      case 'lock': {
        const parsed = context.check(lockSchema(context.microversion), body) as { lock: { locked_reason?: string } | null | unknown }
        const reason = isAtLeast(context.microversion, '2.73') ? (parsed.lock as { locked_reason?: string } | null)?.locked_reason ?? null : null
        deps.state.updateServer(server, { locked: true, lockedReason: reason }, now)
        recordAction(deps, { requestId: context.requestId, serverId: server.id, action: 'lock', projectId: server.projectId, userId: context.auth.userId, nowMs: now })
        return emptyResponse(202)
      }
      case 'unlock':
        deps.state.updateServer(server, { locked: false, lockedReason: null }, now)
        recordAction(deps, { requestId: context.requestId, serverId: server.id, action: 'unlock', projectId: server.projectId, userId: context.auth.userId, nowMs: now })
        return emptyResponse(202)
      case 'os-getConsoleOutput': {
        const { 'os-getConsoleOutput': options } = context.check(consoleOutputSchema, body)
        if (server.vmState !== 'active') throw new Conflict(`Instance ${server.id} is not ready`)
        const lines = consoleLines(server)
        const length = options.length === undefined || options.length === null ? null : Number(options.length)
        const shown = length === null || length < 0 ? lines : lines.slice(Math.max(0, lines.length - length))
        return jsonResponse(200, { output: shown.join('\n') })
      }
      default:
        if (NOT_PERFORMED.has(action)) throw new NotImplemented(`The ${action} action is not available in this cloud.`)
        throw new BadRequest(`There is no such action: ${action}`)
    }
  }
}

function consoleLines (server: ServerRow): string[] {
  return [
    `[    0.000000] Linux version 6.1.0 (p2pstack emulated cloudlet) #1 SMP`,
    `[    0.000000] Command line: root=/dev/vda1 console=ttyS0`,
    `[    1.250000] cloud-init: instance ${server.id} (${server.hostname}) starting`,
    ...server.nics.flatMap(n => n.fixedIps.map(ip => `[    2.000000] cloud-init: ${n.networkName} ${ip.ipAddress} ${n.macAddress}`)),
    `[    3.000000] cloud-init: ${server.hostname} login:`
  ]
}
