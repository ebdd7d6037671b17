/**
 * Flavors: list and detail (public ones, plus private ones the project may use; an admin's
 * is_public=None sees all), show, admin create with an explicit or generated id (200, 409 on a
 * duplicate name or id), description update (2.55), delete (202), flavor access for private
 * flavors, and extra specs.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { uuid } from '../../core/ids.ts'
import { BadRequest, Conflict, NotFound } from '../../openstack/faults.ts'
import { extraSpecsSchema, flavorActionSchema, flavorCreateSchema, flavorUpdateSchema } from '../../openstack/compute/flavors/schemas.ts'
import { flavorBriefView, flavorDetailView } from '../../openstack/compute/flavors/views.ts'
import type { FlavorRow } from '../../openstack/compute/model.ts'
import { toBoolean } from '../../openstack/compute/parameter-types.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { requireAdmin } from './compute-deps.ts'
import { MAX_LIMIT } from './server-query.ts'

/** The devstack flavors, for a cloudlet that starts with some. */
export const DEVSTACK_FLAVORS: ReadonlyArray<Pick<FlavorRow, 'id' | 'name' | 'vcpus' | 'ramMb' | 'diskGb'>> = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ramMb: 512, diskGb: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ramMb: 4096, diskGb: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ramMb: 8192, diskGb: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ramMb: 16384, diskGb: 160 }
]

export function flavorRow (f: Pick<FlavorRow, 'id' | 'name' | 'vcpus' | 'ramMb' | 'diskGb'>, nowMs: number): FlavorRow {
  return { ...f, ephemeralGb: 0, swapMb: 0, rxtxFactor: 1.0, isPublic: true, disabled: false, description: null, extraSpecs: {}, accessProjectIds: [], createdAtMs: nowMs }
}

export function flavorHandlers (deps: ComputeDeps): Record<string, RouteHandler> {
  const { state } = deps
  const visible = (context: RequestContext, f: FlavorRow): boolean =>
    f.isPublic || context.isAdmin || (context.auth.project !== null && f.accessProjectIds.includes(context.auth.project.id))
  const flavorOr404 = (context: RequestContext, id = context.param('flavor_id')): FlavorRow => {
    const f = state.flavors.get(id)
    if (f === undefined || !visible(context, f)) throw new NotFound(`Flavor ${id} could not be found.`)
    return f
  }

  const list = (context: RequestContext, detail: boolean) => {
    const q = context.query
    let flavors = [...state.flavors.values()]
    const isPublic = q.get('is_public')
    if (context.isAdmin) {
      if (isPublic === null) flavors = flavors.filter(f => f.isPublic)
      else if (isPublic.toLowerCase() !== 'none') flavors = flavors.filter(f => f.isPublic === toBoolean(isPublic))
    } else {
      flavors = flavors.filter(f => visible(context, f))
    }
    const minRam = q.get('minRam')
    const minDisk = q.get('minDisk')
    if (minRam !== null) {
      if (!/^\d+$/.test(minRam)) throw new BadRequest(`Invalid minRam filter [${minRam}]`)
      flavors = flavors.filter(f => f.ramMb >= Number(minRam))
    }
    if (minDisk !== null) {
      if (!/^\d+$/.test(minDisk)) throw new BadRequest(`Invalid minDisk filter [${minDisk}]`)
      flavors = flavors.filter(f => f.diskGb >= Number(minDisk))
    }
    const sortKey = q.get('sort_key') ?? 'flavorid'
    const sortDir = q.get('sort_dir') ?? 'asc'
    const keys: Record<string, (f: FlavorRow) => string | number> = {
      flavorid: f => f.id, id: f => f.id, name: f => f.name, memory_mb: f => f.ramMb, root_gb: f => f.diskGb, vcpus: f => f.vcpus,
      swap: f => f.swapMb, ephemeral_gb: f => f.ephemeralGb, rxtx_factor: f => f.rxtxFactor, created_at: f => f.createdAtMs, description: f => f.description ?? ''
    }
    const get = keys[sortKey]
    if (get === undefined) throw new BadRequest(`Invalid input for query parameters sort_key. Value: ${sortKey}.`)
    if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequest(`Invalid input for query parameters sort_dir. Value: ${sortDir}.`)
    flavors.sort((a, b) => {
      const x = get(a)
      const y = get(b)
      const c = x < y ? -1 : x > y ? 1 : 0
      return sortDir === 'asc' ? c : -c
    })
    const marker = q.get('marker')
    if (marker !== null) {
      const index = flavors.findIndex(f => f.id === marker)
      if (index < 0) throw new BadRequest(`marker [${marker}] not found`)
      flavors = flavors.slice(index + 1)
    }
    const rawLimit = q.get('limit')
    const limit = rawLimit === null ? MAX_LIMIT : Math.min(Number(rawLimit), MAX_LIMIT)
    if (!Number.isInteger(limit) || limit < 0) throw new BadRequest('limit param must be an integer')
    const page = flavors.slice(0, limit)
    const body: Record<string, unknown> = {
      flavors: page.map(f => detail ? flavorDetailView(f, context.serviceUrl, context.microversion, true) : flavorBriefView(f, context.serviceUrl, context.microversion))
    }
    const last = page[page.length - 1]
    if (last !== undefined && page.length === limit) {
      const params = new URLSearchParams(q)
      params.set('marker', last.id)
      body.flavors_links = [{ href: `${context.serviceUrl}/v2.1/flavors${detail ? '/detail' : ''}?${params.toString()}`, rel: 'next' }]
    }
    return jsonResponse(200, body)
  }

  return {
    'flavors:list': context => list(context, false),
    'flavors:detail': context => list(context, true),
    'flavors:show': context => jsonResponse(200, { flavor: flavorDetailView(flavorOr404(context), context.serviceUrl, context.microversion, true) }),

    'flavors:create': async context => {
      requireAdmin(context, 'os_compute_api:os-flavor-manage:create')
      const { flavor: body } = await context.body(flavorCreateSchema(context.microversion))
      const id = body.id ?? uuid(deps.random)
      if ([...state.flavors.values()].some(f => f.name === body.name)) throw new Conflict(`Flavor with name ${body.name} already exists.`)
      if (state.flavors.has(id)) throw new Conflict(`Flavor with ID ${id} already exists.`)
      const row: FlavorRow = {
        id,
        name: body.name,
        vcpus: Number(body.vcpus),
        ramMb: Number(body.ram),
        diskGb: Number(body.disk),
        ephemeralGb: Number(body['OS-FLV-EXT-DATA:ephemeral'] ?? 0),
        swapMb: body.swap === undefined || body.swap === '' ? 0 : Number(body.swap),
        rxtxFactor: Number(body.rxtx_factor ?? 1.0),
        isPublic: body['os-flavor-access:is_public'] === undefined ? true : toBoolean(body['os-flavor-access:is_public']),
        disabled: false,
        description: (body as { description?: string | null }).description ?? null,
        extraSpecs: {},
        accessProjectIds: [],
        createdAtMs: deps.clock.wallClockMs()
      }
      if (!Number.isFinite(row.rxtxFactor) || row.rxtxFactor <= 0) throw new BadRequest('Invalid input for field/attribute rxtx_factor.')
      state.flavors.put(row)
      return jsonResponse(200, { flavor: flavorDetailView(row, context.serviceUrl, context.microversion, true) })
    },

    'flavors:update': async context => {
      if (!isAtLeast(context.microversion, '2.55')) throw new NotFound('The resource could not be found.')
      requireAdmin(context, 'os_compute_api:os-flavor-manage:update')
      const f = flavorOr404(context)
      const { flavor: body } = await context.body(flavorUpdateSchema)
      const row = state.flavors.put({ ...f, description: body.description })
      return jsonResponse(200, { flavor: flavorDetailView(row, context.serviceUrl, context.microversion, true) })
    },

    'flavors:delete': context => {
      requireAdmin(context, 'os_compute_api:os-flavor-manage:delete')
      const f = state.flavors.get(context.param('flavor_id'))
      if (f === undefined) throw new NotFound(`Flavor ${context.param('flavor_id')} could not be found.`)
      state.flavors.delete(f.id)
      return emptyResponse(202)
    },

    'flavors:action': async context => {
      requireAdmin(context, 'os_compute_api:os-flavor-access:add_tenant_access')
      const f = flavorOr404(context)
      const body = await context.body(flavorActionSchema)
      if (f.isPublic) throw new Conflict('Can not add access to a public flavor.')
      let projects = [...f.accessProjectIds]
      if ('addTenantAccess' in body) {
        const tenant = body.addTenantAccess.tenant
        if (projects.includes(tenant)) throw new Conflict(`Flavor access already exists for flavor ${f.id} and project ${tenant} combination.`)
        projects.push(tenant)
      } else {
        const tenant = body.removeTenantAccess.tenant
        if (!projects.includes(tenant)) throw new NotFound(`Flavor access not found for ${f.id} / ${tenant} combination.`)
        projects = projects.filter(p => p !== tenant)
      }
      state.flavors.put({ ...f, accessProjectIds: projects })
      return jsonResponse(200, { flavor_access: projects.map(p => ({ flavor_id: f.id, tenant_id: p })) })
    },

    'flavor-access:list': context => {
      requireAdmin(context, 'os_compute_api:os-flavor-access')
      const f = flavorOr404(context)
      if (f.isPublic) throw new NotFound('Access list not available for public flavors.')
      return jsonResponse(200, { flavor_access: f.accessProjectIds.map(p => ({ flavor_id: f.id, tenant_id: p })) })
    },

    'extra-specs:list': context => jsonResponse(200, { extra_specs: flavorOr404(context).extraSpecs }),
    'extra-specs:create': async context => {
      requireAdmin(context, 'os_compute_api:os-flavor-extra-specs:create')
      const f = flavorOr404(context)
      const { extra_specs: specs } = await context.body(extraSpecsSchema)
      const asStrings = Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, String(v)]))
      state.flavors.put({ ...f, extraSpecs: { ...f.extraSpecs, ...asStrings } })
      return jsonResponse(200, { extra_specs: asStrings })
    },
    'extra-specs:show': context => {
      const f = flavorOr404(context)
      const key = context.param('key')
      const value = f.extraSpecs[key]
      if (value === undefined) throw new NotFound(`Flavor ${f.id} has no extra specs with key ${key}.`)
      return jsonResponse(200, { [key]: value })
    },
    'extra-specs:update': async context => {
      requireAdmin(context, 'os_compute_api:os-flavor-extra-specs:update')
      const f = flavorOr404(context)
      const key = context.param('key')
      const body = await context.jsonBody()
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Malformed request body')
      const entries = Object.entries(body as Record<string, unknown>)
      if (entries.length !== 1) throw new BadRequest('Request body contains too many items')
      const [bodyKey, value] = entries[0] as [string, unknown]
      if (bodyKey !== key) throw new BadRequest('Request body and URI mismatch')
      if (!['string', 'number', 'boolean'].includes(typeof value) || String(value).length > 255) throw new BadRequest(`Invalid input for field/attribute ${key}. Value: ${JSON.stringify(value)}.`)
      state.flavors.put({ ...f, extraSpecs: { ...f.extraSpecs, [key]: String(value) } })
      return jsonResponse(200, { [key]: String(value) })
    },
    'extra-specs:delete': context => {
      requireAdmin(context, 'os_compute_api:os-flavor-extra-specs:delete')
      const f = flavorOr404(context)
      const key = context.param('key')
      if (f.extraSpecs[key] === undefined) throw new NotFound(`Flavor ${f.id} has no extra specs with key ${key}.`)
      const { [key]: _removed, ...rest } = f.extraSpecs
      state.flavors.put({ ...f, extraSpecs: rest })
      return emptyResponse(202)
    }
  }
}
