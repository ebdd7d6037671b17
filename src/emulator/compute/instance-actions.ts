/**
 * Instance actions (GET /servers/{id}/os-instance-actions): one record per request that acted
 * on a server, named by its request id, as Nova keeps them for `openstack server event list`.
 */
import { isoMicrosNaive } from '../../openstack/timestamps.ts'
import type { InstanceActionRow } from '../../openstack/compute/model.ts'
import type { ComputeDeps } from './compute-deps.ts'

export function recordAction (deps: Pick<ComputeDeps, 'state'>, input: { requestId: string, serverId: string, action: string, projectId: string, userId: string, nowMs: number }): void {
  deps.state.instanceActions.put({
    id: input.requestId,
    serverId: input.serverId,
    action: input.action,
    projectId: input.projectId,
    userId: input.userId,
    startTimeMs: input.nowMs,
    updatedAtMs: input.nowMs,
    message: null
  })
}

export function instanceActionView (a: InstanceActionRow, withUpdatedAt: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    action: a.action,
    instance_uuid: a.serverId,
    message: a.message,
    project_id: a.projectId,
    request_id: a.id,
    start_time: isoMicrosNaive(a.startTimeMs),
    user_id: a.userId
  }
  if (withUpdatedAt) view.updated_at = isoMicrosNaive(a.updatedAtMs)
  return view
}
