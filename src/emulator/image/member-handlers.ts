/**
 * Image members: /v2/images/{id}/members[/{member_id}]. Only shared images have members; the
 * owner (or an admin) adds and removes them, each member (a project) accepts or rejects for
 * itself, the owner sees every member and a member only itself. Glance's messages say which
 * call was refused ("Not allowed to create members for image …").
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest, Conflict, Forbidden, NotFound, RequestEntityTooLarge } from '../../openstack/faults.ts'
import type { ImageRow, MemberRow, MemberStatus } from '../../openstack/image/model.ts'
import { IMAGE_LIMITS } from '../../openstack/image/model.ts'
import { memberCreateRequest, memberUpdateRequest } from '../../openstack/image/schemas.ts'
import { membersView, memberView } from '../../openstack/image/views.ts'
import type { RouteHandler } from '../service-host.ts'
import type { Caller } from './image-access.ts'
import type { ImageDeps } from './image-deps.ts'
import { callerOfContext, nowSeconds, visibleImage } from './image-deps.ts'
import { memberRowId } from './image-state.ts'
import { glanceJsonBody } from './request-body.ts'

const STATUSES: readonly MemberStatus[] = ['pending', 'accepted', 'rejected']

export function memberHandlers (deps: ImageDeps): Record<string, RouteHandler> {
  const { state } = deps

  const isOwner = (row: ImageRow, caller: Caller): boolean => caller.isAdmin || (row.owner !== null && row.owner === caller.projectId)

  /** The members the caller may see: all of them for the owner, only its own membership for a member. */
  const visibleMembers = (row: ImageRow, caller: Caller): MemberRow[] =>
    state.membersOf(row.id).filter(m => isOwner(row, caller) || m.memberId === caller.projectId)

  const lookupMember = (row: ImageRow, memberId: string, caller: Caller): MemberRow => {
    const member = state.member(row.id, memberId)
    if (member === undefined || !(isOwner(row, caller) || memberId === caller.projectId)) {
      throw new NotFound(`${memberId} not found in the member list of the image ${row.id}.`)
    }
    return member
  }

  return {
    'members:list': context => {
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      if (row.visibility !== 'shared') throw new Forbidden(`Not allowed to list members for image ${id}: Only shared images have members.`)
      return jsonResponse(200, membersView(visibleMembers(row, caller)))
    },

    'members:create': async context => {
      const memberId = memberCreateRequest(await glanceJsonBody(context))
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      if (row.visibility !== 'shared' || !isOwner(row, caller)) throw new Forbidden(`Not allowed to create members for image ${id}.`)
      if (state.member(id, memberId) !== undefined) throw new Conflict(`Member ${memberId} is duplicated for image ${id}`)
      const count = state.membersOf(id).length + 1
      if (count > IMAGE_LIMITS.members) {
        throw new RequestEntityTooLarge(`Image member limit exceeded for image ${id}: The limit has been exceeded on the number of allowed image members for this image. Attempted: ${count}, Maximum: ${IMAGE_LIMITS.members}:`)
      }
      const now = nowSeconds(deps)
      const member: MemberRow = { id: memberRowId(id, memberId), imageId: id, memberId, status: 'pending', createdAtMs: now, updatedAtMs: now }
      state.members.put(member)
      return jsonResponse(200, memberView(member))
    },

    'members:show': context => {
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      if (row.visibility !== 'shared') throw new NotFound('Only shared images have members.')
      return jsonResponse(200, memberView(lookupMember(row, context.param('member_id'), caller)))
    },

    'members:update': async context => {
      const status = memberUpdateRequest(await glanceJsonBody(context))
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      const ownerButNotAdmin = !caller.isAdmin && row.owner !== null && row.owner === caller.projectId
      if (row.visibility !== 'shared' || ownerButNotAdmin) throw new Forbidden(`Not allowed to update members for image ${id}.`)
      const member = lookupMember(row, context.param('member_id'), caller)
      if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
        throw new BadRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".')
      }
      const updated: MemberRow = { ...member, status: status as MemberStatus, updatedAtMs: nowSeconds(deps) }
      state.members.put(updated)
      return jsonResponse(200, memberView(updated))
    },

    'members:delete': context => {
      const id = context.param('image_id')
      const caller = callerOfContext(context)
      const row = visibleImage(deps, id, caller, `Image ${id} not found.`)
      if (row.visibility !== 'shared' || !isOwner(row, caller)) throw new Forbidden(`Not allowed to delete members for image ${id}.`)
      const member = lookupMember(row, context.param('member_id'), caller)
      state.members.delete(member.id)
      return emptyResponse(204)
    }
  }
}
