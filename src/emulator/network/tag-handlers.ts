/**
 * The tags sub-resource of networks, subnets, ports and security groups (standard-attr-tag,
 * tag-creation): list, replace all, add, clear, and check, add or remove one tag, with the
 * status codes of neutron's tagging extension (show 204, add one 201). A tag change is a
 * change of the resource, so its revision goes up.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { isPlainObject, validateListOfUniqueStrings, validateString } from '../../openstack/network/attributes.ts'
import { badRequest, invalidInput, policyNotAuthorized, tagNotFound, tagResourceNotFound } from '../../openstack/network/faults.ts'
import type { StandardAttributes } from '../../openstack/network/model.ts'
import { MAX_TAGS, TAG_MAX } from '../../openstack/network/schemas.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { callerOf, policyRule, revised } from './network-deps.ts'
import type { ResourceSpec } from './resource-controller.ts'

/** A collection with tags: its URL name, its spec, and its name in tag policies and messages. */
export interface TaggedCollection {
  readonly routeName: string
  readonly collection: string
  readonly spec: ResourceSpec<StandardAttributes>
}

function validTag (tag: string): string {
  const reason = validateString(TAG_MAX)(tag)
  if (reason !== null) throw invalidInput(reason)
  return tag
}

function tagsFromBody (body: unknown): string[] {
  if (!isPlainObject(body) || !('tags' in body)) throw invalidInput('Invalid tags body')
  const reason = validateListOfUniqueStrings(TAG_MAX)(body.tags)
  if (reason !== null) throw invalidInput(reason)
  return body.tags as string[]
}

export function tagHandlers (deps: NetworkDeps, tagged: TaggedCollection): Record<string, RouteHandler> {
  const { spec, collection, routeName } = tagged
  const { state } = deps

  const rowOf = (context: RequestContext, caller: Caller): StandardAttributes => {
    const id = context.param(spec.idParam)
    const row = spec.table.get(id)
    if (row === undefined || !spec.canSee(row, caller)) throw tagResourceNotFound(collection, id)
    return row
  }
  const writable = (context: RequestContext, action: string): StandardAttributes => {
    const caller = callerOf(context)
    const row = rowOf(context, caller)
    if (!spec.canModify(row, caller)) throw policyNotAuthorized(policyRule(`${action}_${spec.resource}s:tags`, []))
    return row
  }
  const save = (row: StandardAttributes, tags: readonly string[]): void => {
    if (tags.length > MAX_TAGS) throw badRequest(collection, `The number of tags exceed the per-resource limit of ${MAX_TAGS}`)
    state.atomically(() => { spec.table.put(revised(deps, { ...row, tags: [...new Set(tags)] })) })
  }

  return {
    [`${routeName}:tags:list`]: context => jsonResponse(200, { tags: [...rowOf(context, callerOf(context)).tags] }),
    [`${routeName}:tags:replace`]: async context => {
      const tags = tagsFromBody(await context.jsonBody())
      save(writable(context, 'update'), tags)
      return jsonResponse(200, { tags })
    },
    [`${routeName}:tags:add`]: async context => {
      const tags = tagsFromBody(await context.jsonBody())
      const row = writable(context, 'create')
      save(row, [...row.tags, ...tags.filter(t => !row.tags.includes(t))])
      return jsonResponse(200, { tags })
    },
    [`${routeName}:tags:clear`]: context => {
      save(writable(context, 'delete'), [])
      return emptyResponse(204)
    },
    [`${routeName}:tags:check`]: context => {
      const tag = validTag(context.param('tag'))
      if (!rowOf(context, callerOf(context)).tags.includes(tag)) throw tagNotFound(tag)
      return emptyResponse(204)
    },
    [`${routeName}:tags:set`]: context => {
      const tag = validTag(context.param('tag'))
      const row = writable(context, 'update')
      if (!row.tags.includes(tag)) save(row, [...row.tags, tag])
      return emptyResponse(201)
    },
    [`${routeName}:tags:remove`]: context => {
      const tag = validTag(context.param('tag'))
      const row = writable(context, 'delete')
      if (!row.tags.includes(tag)) throw tagNotFound(tag)
      save(row, row.tags.filter(t => t !== tag))
      return emptyResponse(204)
    }
  }
}
