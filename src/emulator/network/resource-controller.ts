/**
 * Neutron's generic resource controller: list (filters, fields, sorting, pagination), show,
 * create (single and bulk, all-or-nothing), update (with If-Match on revision_number) and
 * delete, with Neutron's order of checks — body, quota, policy, then the plugin — for any
 * resource described by a ResourceSpec. The specs (networks, subnets, ports, security groups
 * and rules) supply only what differs: visibility, views and the plugin logic.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import type { OpenStackFault } from '../../openstack/faults.ts'
import type { AttributeMap } from '../../openstack/network/attributes.ts'
import { NOT_SPECIFIED, prepareRequestBody } from '../../openstack/network/attributes.ts'
import { paginationLinks, parseFields, parseListQuery, projectFields, selectPage } from '../../openstack/network/collection-query.ts'
import { badRequest, httpBadRequest, overQuota, policyNotAuthorized, revisionNumberConstraintFailed } from '../../openstack/network/faults.ts'
import type { QuotaResource, StandardAttributes } from '../../openstack/network/model.ts'
import type { Wire } from '../../openstack/network/views.ts'
import { withoutAdminOnly } from '../../openstack/network/views.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { Table } from '../table.ts'
import type { Caller, NetworkDeps } from './network-deps.ts'
import { callerOf, policyRule, revised } from './network-deps.ts'

export interface ResourceSpec<Row extends StandardAttributes> {
  /** 'network', 'security_group' …: the body key of one resource and the policy name. */
  readonly resource: string
  /** 'networks', 'security_groups' …: the body key of a list. */
  readonly collection: string
  /** The route parameter that holds the id. */
  readonly idParam: string
  readonly quotaResource: QuotaResource | null
  readonly attributes: AttributeMap
  readonly table: Table<Row>
  notFound(id: string): OpenStackFault
  canSee(row: Row, caller: Caller): boolean
  /** May the caller change or delete a row it can see (else 403)? */
  canModify(row: Row, caller: Caller): boolean
  view(row: Row, caller: Caller): Wire
  /** Policy-checked attributes this caller may not set on this item, beyond the admin-only ones. */
  deniedAttributes?(item: Readonly<Record<string, unknown>>, caller: Caller, row: Row | null): string[]
  /** Creates one resource from a checked body item (project_id filled in); runs inside a journal. */
  create(item: Readonly<Record<string, unknown>>, caller: Caller): Row
  /** Applies checked changes; returns the new row (the controller stores it, one revision later). */
  update(row: Row, changes: Readonly<Record<string, unknown>>, caller: Caller): Row
  /** Deletes a row and what goes with it, or throws (409 in use). */
  delete(row: Row, caller: Caller): void
  /** Checks the items of a bulk create together (one group per rule batch, no duplicates). */
  checkBulk?(items: ReadonlyArray<Readonly<Record<string, unknown>>>, caller: Caller): void
  /** Extra quota the creation of one item needs (the rules a new security group gets). */
  extraQuota?(item: Readonly<Record<string, unknown>>): Partial<Record<QuotaResource, number>>
}

/** Deep equality of JSON values, for "explicitly set to a non-default value". */
function sameJson (a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The absolute URL of the request without its query, for pagination links. */
function requestUrl (context: RequestContext): string {
  return context.request.url.origin + context.request.url.pathname
}

/** Parses If-Match for a revision_number constraint, as api_common does; null when there is none. */
function revisionConstraint (context: RequestContext): number | null {
  const header = context.header('if-match')
  if (header === undefined) return null
  let revision: number | null = null
  for (const raw of header.split(',')) {
    const tag = raw.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1')
    if (!tag.startsWith('revision_number=')) continue
    if (revision !== null) throw badRequest('if-match', 'Multiple revision_number etags are not supported.')
    const text = tag.slice('revision_number='.length)
    if (!/^\s*[+-]?\d+\s*$/.test(text)) throw badRequest('if-match', 'Revision number etag must be in the format of revision_number=<int>')
    revision = Number(text)
  }
  return revision
}

export function resourceHandlers<Row extends StandardAttributes> (deps: NetworkDeps, spec: ResourceSpec<Row>, routeName: string): Record<string, RouteHandler> {
  const { state } = deps

  const visibleRow = (id: string, caller: Caller): Row => {
    const row = spec.table.get(id)
    if (row === undefined || !spec.canSee(row, caller)) throw spec.notFound(id)
    return row
  }
  const render = (row: Row, caller: Caller): Wire => withoutAdminOnly(spec.view(row, caller), spec.attributes, caller.isAdmin)

  /** Neutron's policy check on the attributes a request sets (403 naming them). */
  const enforce = (action: string, item: Readonly<Record<string, unknown>>, caller: Caller, row: Row | null, isCreate: boolean): void => {
    const checked: string[] = []
    let denied = false
    const extra = spec.deniedAttributes?.(item, caller, row) ?? []
    for (const [name, attr] of Object.entries(spec.attributes)) {
      if (attr.enforcePolicy !== true && attr.adminToSet !== true) continue
      if (!(name in item) || item[name] === NOT_SPECIFIED) continue
      if (isCreate && 'default' in attr && sameJson(item[name], attr.default)) continue
      checked.push(name)
      if ((attr.adminToSet === true && !caller.isAdmin) || extra.includes(name)) denied = true
    }
    if (denied) throw policyNotAuthorized(policyRule(action, checked))
  }

  const checkQuota = (items: ReadonlyArray<Readonly<Record<string, unknown>>>): void => {
    const wanted = new Map<string, Map<QuotaResource, number>>()
    for (const item of items) {
      const project = String(item.project_id)
      const byResource = wanted.get(project) ?? new Map<QuotaResource, number>()
      wanted.set(project, byResource)
      if (spec.quotaResource !== null) byResource.set(spec.quotaResource, (byResource.get(spec.quotaResource) ?? 0) + 1)
      for (const [resource, n] of Object.entries(spec.extraQuota?.(item) ?? {}) as Array<[QuotaResource, number]>) {
        byResource.set(resource, (byResource.get(resource) ?? 0) + n)
      }
    }
    for (const [project, byResource] of wanted) {
      const overs: string[] = []
      for (const [resource, delta] of byResource) {
        const limit = state.quotaLimit(project, resource)
        if (limit >= 0 && state.usage(project, resource) + delta > limit) overs.push(resource)
      }
      if (overs.length > 0) throw overQuota(overs)
    }
  }

  const list: RouteHandler = context => {
    const caller = callerOf(context)
    const query = parseListQuery(context.query, spec.attributes)
    const visible = spec.table.filter(row => spec.canSee(row, caller))
    let marker: Wire | null = null
    if (query.limit !== null && query.marker !== null) {
      const markerRow = visible.find(row => row.id === query.marker)
      if (markerRow === undefined) throw spec.notFound(query.marker)
      marker = render(markerRow, caller)
    }
    const page = selectPage(visible.map(row => render(row, caller)), query, marker)
    const body: Record<string, unknown> = { [spec.collection]: page.map(item => projectFields(item, query.fields)) }
    const links = paginationLinks(requestUrl(context), context.query, page, query)
    if (links.length > 0) body[`${spec.collection}_links`] = links
    return jsonResponse(200, body)
  }

  const show: RouteHandler = context => {
    const caller = callerOf(context)
    const row = visibleRow(context.param(spec.idParam), caller)
    return jsonResponse(200, { [spec.resource]: projectFields(render(row, caller), parseFields(context.query)) })
  }

  const create: RouteHandler = async context => {
    const caller = callerOf(context)
    const body = await context.jsonBody()
    const prepared = prepareRequestBody(body, {
      resource: spec.resource, collection: spec.collection, attributes: spec.attributes, isCreate: true, projectId: caller.projectId, isAdmin: caller.isAdmin
    })
    const rows = state.atomically(() => {
      checkQuota(prepared.items)
      for (const item of prepared.items) enforce(`create_${spec.resource}`, item, caller, null, true)
      if (prepared.bulk) spec.checkBulk?.(prepared.items, caller)
      return prepared.items.map(item => spec.create(item, caller))
    })
    const views = rows.map(row => render(row, caller))
    return jsonResponse(201, prepared.bulk ? { [spec.collection]: views } : { [spec.resource]: views[0] })
  }

  const update: RouteHandler = async context => {
    const caller = callerOf(context)
    const body = await context.jsonBody()
    const prepared = prepareRequestBody(body, {
      resource: spec.resource, collection: spec.collection, attributes: spec.attributes, isCreate: false, projectId: caller.projectId, isAdmin: caller.isAdmin
    })
    const changes = prepared.items[0] ?? {}
    const expected = revisionConstraint(context)
    const row = visibleRow(context.param(spec.idParam), caller)
    if (!spec.canModify(row, caller)) throw policyNotAuthorized(policyRule(`update_${spec.resource}`, []))
    enforce(`update_${spec.resource}`, changes, caller, row, false)
    if (expected !== null && expected !== row.revisionNumber) throw revisionNumberConstraintFailed(expected, row.revisionNumber)
    const stored = state.atomically(() => spec.table.put(revised(deps, spec.update(row, changes, caller))))
    return jsonResponse(200, { [spec.resource]: render(stored, caller) })
  }

  const remove: RouteHandler = async context => {
    const caller = callerOf(context)
    const bytes = await context.bodyBytes()
    if (bytes.byteLength > 0) throw httpBadRequest('Request body is not supported in DELETE.')
    const expected = revisionConstraint(context)
    const row = visibleRow(context.param(spec.idParam), caller)
    if (!spec.canModify(row, caller)) throw policyNotAuthorized(policyRule(`delete_${spec.resource}`, []))
    if (expected !== null && expected !== row.revisionNumber) throw revisionNumberConstraintFailed(expected, row.revisionNumber)
    state.atomically(() => { spec.delete(row, caller) })
    return emptyResponse(204)
  }

  return {
    [`${routeName}:list`]: list,
    [`${routeName}:show`]: show,
    [`${routeName}:create`]: create,
    [`${routeName}:update`]: update,
    [`${routeName}:delete`]: remove
  }
}
