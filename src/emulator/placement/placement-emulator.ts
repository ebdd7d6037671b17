/**
 * The emulated Placement API (read side), served under /placement with placement
 * microversions 1.0–1.39: resource providers, inventories, usages, allocations, traits,
 * resource classes. Admin only, as Placement's default policy is. The state is shared with
 * the emulated Nova, which allocates and frees as servers come and go.
 */
import { jsonResponse } from '../../core/http.ts'
import type { Random, Store } from '../../core/ports.ts'
import { BadRequest, Forbidden, NotFound } from '../../openstack/faults.ts'
import { formatMicroversion, isAtLeast, mv, parseMicroversion, versionFromStandardHeader } from '../../openstack/microversion.ts'
import { renderPlacementFault } from '../../openstack/placement/fault-body.ts'
import { RESOURCE_CLASSES } from '../../openstack/placement/model.ts'
import type { ResourceClass, ResourceProviderRow } from '../../openstack/placement/model.ts'
import { PLACEMENT_MAX_VERSION, PLACEMENT_MIN_VERSION, PLACEMENT_ROUTES } from '../../openstack/placement/routes.ts'
import { inventoryView, resourceProviderView } from '../../openstack/placement/views.ts'
import { compileRoutes } from '../../openstack/route-table.ts'
import type { RequestContext } from '../request-context.ts'
import type { ServiceApi } from '../service-host.ts'
import { PlacementState } from './placement-state.ts'
import type { PlacementSettings } from './placement-state.ts'

export interface EmulatedPlacement {
  readonly api: ServiceApi
  readonly state: PlacementState
}

const routes = compileRoutes(PLACEMENT_ROUTES)

const STANDARD_TRAITS = ['COMPUTE_NODE', 'HW_CPU_X86_AVX', 'HW_CPU_X86_SSE42', 'COMPUTE_STATUS_DISABLED', 'COMPUTE_VOLUME_EXTEND', 'COMPUTE_NET_ATTACH_INTERFACE']

export function createEmulatedPlacement (ports: { store: Store, random: Random }, settings: PlacementSettings): EmulatedPlacement {
  const state = new PlacementState(ports.store)
  ports.store.transaction(() => { state.reconcile(settings, ports.random) })

  const admin = (context: RequestContext, action: string): void => {
    if (!context.isAdmin) throw new Forbidden(`Policy does not allow placement:${action} to be performed.`)
  }
  const provider = (context: RequestContext): ResourceProviderRow => {
    const id = context.param('uuid')
    const rp = state.providers.get(id)
    if (rp === undefined) throw new NotFound(`No resource provider with uuid ${id} found`)
    return rp
  }
  const prefix = (context: RequestContext): string => context.request.url.pathname.startsWith('/placement') ? '/placement' : ''
  const generationField = (context: RequestContext, rp: ResourceProviderRow): Record<string, number> =>
    isAtLeast(context.microversion, '1.19') ? { resource_provider_generation: rp.generation } : {}

  const api: ServiceApi = {
    type: 'placement',
    routes,
    maxBodyBytes: 114_688,
    authBeforeRouting: true,
    microversions: {
      serviceType: 'placement',
      range: { min: mv(PLACEMENT_MIN_VERSION), max: mv(PLACEMENT_MAX_VERSION) },
      responseHeaders: version => ({ 'openstack-api-version': `placement ${formatMicroversion(version)}`, vary: 'openstack-api-version' })
    },
    handlers: {
      versions: () => jsonResponse(200, {
        versions: [{ id: 'v1.0', max_version: PLACEMENT_MAX_VERSION, min_version: PLACEMENT_MIN_VERSION, status: 'CURRENT', links: [{ rel: 'self', href: '' }] }]
      }),
      'resource_providers:list': context => {
        admin(context, 'resource_providers:list')
        const q = context.query
        const name = q.get('name')
        const id = q.get('uuid')
        const wanted = q.get('resources')
        const requested = wanted === null ? null : parseResources(wanted)
        const list = state.providerList().filter(rp =>
          (name === null || rp.name === name) && (id === null || rp.id === id) &&
          (requested === null || state.fits(rp, { VCPU: requested.VCPU ?? 0, MEMORY_MB: requested.MEMORY_MB ?? 0, DISK_GB: requested.DISK_GB ?? 0 })))
        return jsonResponse(200, { resource_providers: list.map(rp => resourceProviderView(rp, prefix(context), context.microversion)) })
      },
      'resource_providers:show': context => {
        admin(context, 'resource_providers:show')
        return jsonResponse(200, resourceProviderView(provider(context), prefix(context), context.microversion))
      },
      'inventories:list': context => {
        admin(context, 'resource_providers:inventories:list')
        const rp = provider(context)
        const inventories: Record<string, unknown> = {}
        for (const rc of RESOURCE_CLASSES) inventories[rc] = inventoryView(rp.inventories[rc])
        return jsonResponse(200, { resource_provider_generation: rp.generation, inventories })
      },
      'inventories:show': context => {
        admin(context, 'resource_providers:inventories:show')
        const rp = provider(context)
        const rc = context.param('resource_class') as ResourceClass
        if (!RESOURCE_CLASSES.includes(rc)) throw new NotFound(`No inventory of class ${rc} for ${rp.id}`)
        return jsonResponse(200, { resource_provider_generation: rp.generation, ...inventoryView(rp.inventories[rc]) })
      },
      'usages:provider': context => {
        admin(context, 'resource_providers:usages')
        const rp = provider(context)
        return jsonResponse(200, { resource_provider_generation: rp.generation, usages: state.usageOf(rp.id) })
      },
      'allocations:provider': context => {
        admin(context, 'resource_providers:allocations:list')
        const rp = provider(context)
        const allocations: Record<string, unknown> = {}
        for (const a of state.allocations.filter(a => a.providerId === rp.id)) allocations[a.id] = { resources: a.resources }
        return jsonResponse(200, { resource_provider_generation: rp.generation, allocations })
      },
      'aggregates:list': context => {
        admin(context, 'resource_providers:aggregates:list')
        if (!isAtLeast(context.microversion, '1.1')) throw new NotFound('The resource could not be found.')
        return jsonResponse(200, { aggregates: [], ...generationField(context, provider(context)) })
      },
      'traits:provider': context => {
        admin(context, 'resource_providers:traits:list')
        if (!isAtLeast(context.microversion, '1.6')) throw new NotFound('The resource could not be found.')
        const rp = provider(context)
        return jsonResponse(200, { traits: rp.traits, resource_provider_generation: rp.generation })
      },
      'allocations:consumer': context => {
        admin(context, 'allocations:list')
        const a = state.allocations.get(context.param('consumer_uuid'))
        const allocations: Record<string, unknown> = {}
        if (a !== undefined) {
          const rp = state.providers.get(a.providerId)
          allocations[a.providerId] = { resources: a.resources, ...(rp !== undefined ? { generation: rp.generation } : {}) }
        }
        const body: Record<string, unknown> = { allocations }
        if (a !== undefined && isAtLeast(context.microversion, '1.12')) {
          body.project_id = a.projectId
          body.user_id = a.userId
        }
        if (a !== undefined && isAtLeast(context.microversion, '1.28')) body.consumer_generation = a.generation
        return jsonResponse(200, body)
      },
      'usages:project': context => {
        admin(context, 'usages')
        if (!isAtLeast(context.microversion, '1.9')) throw new NotFound('The resource could not be found.')
        const projectId = context.query.get('project_id')
        if (projectId === null) throw new BadRequest("Invalid query string parameters: 'project_id' is a required property")
        const userId = context.query.get('user_id')
        const usages: Record<string, number> = {}
        for (const a of state.allocations.filter(a => a.projectId === projectId && (userId === null || a.userId === userId))) {
          for (const rc of RESOURCE_CLASSES) usages[rc] = (usages[rc] ?? 0) + a.resources[rc]
        }
        return jsonResponse(200, { usages })
      },
      'resource_classes:list': context => {
        if (!isAtLeast(context.microversion, '1.2')) throw new NotFound('The resource could not be found.')
        return jsonResponse(200, { resource_classes: RESOURCE_CLASSES.map(name => ({ name, links: [{ rel: 'self', href: `${prefix(context)}/resource_classes/${name}` }] })) })
      },
      'resource_classes:show': context => {
        if (!isAtLeast(context.microversion, '1.2')) throw new NotFound('The resource could not be found.')
        const name = context.param('name')
        if (!(RESOURCE_CLASSES as readonly string[]).includes(name)) throw new NotFound(`No such resource class ${name}.`)
        return jsonResponse(200, { name, links: [{ rel: 'self', href: `${prefix(context)}/resource_classes/${name}` }] })
      },
      'traits:list': context => {
        if (!isAtLeast(context.microversion, '1.6')) throw new NotFound('The resource could not be found.')
        return jsonResponse(200, { traits: STANDARD_TRAITS })
      }
    },
    renderFault: (fault, request, requestId) => {
      const asked = versionFromStandardHeader(request.headers['openstack-api-version'], 'placement')
      const version = asked === undefined ? null : asked.toLowerCase() === 'latest' ? mv(PLACEMENT_MAX_VERSION) : parseMicroversion(asked)
      return renderPlacementFault(fault, requestId, version !== null && isAtLeast(version, '1.23'))
    },
    malformedBody: detail => new BadRequest(`Malformed JSON: ${detail}`),
    invalidInput: problem => new BadRequest(`JSON does not validate: ${problem.detail}`)
  }
  return { api, state }
}

function parseResources (text: string): Partial<Record<ResourceClass, number>> {
  const out: Partial<Record<ResourceClass, number>> = {}
  for (const part of text.split(',')) {
    const [rc, amount] = part.split(':')
    const n = Number(amount)
    if (rc === undefined || !Number.isInteger(n) || n < 0) {
      throw new BadRequest(`Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: ${text}.`)
    }
    if ((RESOURCE_CLASSES as readonly string[]).includes(rc)) out[rc as ResourceClass] = n
  }
  return out
}
