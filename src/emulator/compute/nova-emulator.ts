/**
 * The emulated Nova v2.1 as a ServiceApi, served under /compute with microversions 2.1–2.79:
 * servers (with their lifecycle run by ServerLifecycle), flavors, keypairs, quotas and limits,
 * availability zones, hypervisors, services, usage, and the legacy image proxy. Nova's faults
 * are rendered in its envelope with the version headers and Vary on every versioned response;
 * a URL no route knows gets the bare WebOb 404 of Nova's router.
 */
import { jsonResponse } from '../../core/http.ts'
import type { Clock, Hashing, KeyGenerator, Logger, Random, Store } from '../../core/ports.ts'
import { invalidInputFault, MALFORMED_REQUEST_BODY, renderComputeFault } from '../../openstack/compute/fault-body.ts'
import { computeVersionDocument, computeVersionHeaders, computeVersionRange, computeVersionsDocument, LEGACY_VERSION_HEADER } from '../../openstack/compute/microversions.ts'
import { COMPUTE_ROUTES } from '../../openstack/compute/routes.ts'
import { BadRequest } from '../../openstack/faults.ts'
import { compileRoutes } from '../../openstack/route-table.ts'
import { webobErrorResponse } from '../../openstack/webob-error.ts'
import type { ComputeImages } from '../image/compute-images.ts'
import type { ComputeNetworking } from '../network/compute-networking.ts'
import type { PlacementState } from '../placement/placement-state.ts'
import type { ServiceApi } from '../service-host.ts'
import type { TimeDriven } from '../time-driven.ts'
import type { ComputeDeps, ComputeSettings } from './compute-deps.ts'
import { ComputeState } from './compute-state.ts'
import { DEVSTACK_FLAVORS, flavorHandlers, flavorRow } from './flavor-handlers.ts'
import { hostHandlers } from './host-handlers.ts'
import { imageProxyHandlers } from './image-proxy-handlers.ts'
import { keypairHandlers } from './keypair-handlers.ts'
import { quotaHandlers } from './quota-handlers.ts'
import { serverActionHandler } from './server-actions.ts'
import { serverCreateHandler } from './server-create.ts'
import { serverHandlers } from './server-handlers.ts'
import { ServerLifecycle } from './server-lifecycle.ts'
import { ServerListCache } from './server-list-cache.ts'
import { ServerViewCache } from './server-view-cache.ts'

/** Nova's [oslo_middleware] max_request_body_size. */
export const COMPUTE_MAX_BODY_BYTES = 114_688

export interface ComputeEmulatorPorts {
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly keys: KeyGenerator
  readonly store: Store
  readonly logger: Logger
  readonly placement: PlacementState
  readonly network: ComputeNetworking
  readonly images: ComputeImages
}

export interface EmulatedCompute {
  readonly api: ServiceApi
  readonly state: ComputeState
  readonly timeDriven: TimeDriven
}

const routes = compileRoutes(COMPUTE_ROUTES)

export function createEmulatedCompute (ports: ComputeEmulatorPorts, settings: ComputeSettings & { defaultFlavors: boolean, maxMicroversion?: string | null }): EmulatedCompute {
  const range = computeVersionRange(settings.maxMicroversion ?? null)
  const state = new ComputeState(ports.store)
  if (settings.defaultFlavors && state.flavors.size === 0) {
    ports.store.transaction(() => {
      for (const f of DEVSTACK_FLAVORS) state.flavors.put(flavorRow(f, ports.clock.wallClockMs()))
    })
  }
  const views = new ServerViewCache()
  const lifecycle = new ServerLifecycle({ state, placement: ports.placement, network: ports.network, clock: ports.clock, logger: ports.logger }, settings.transitionDelayMs)
  lifecycle.onDeleted = id => { views.forget(id) }
  const deps: ComputeDeps = {
    state,
    placement: ports.placement,
    network: ports.network,
    images: ports.images,
    lifecycle,
    views,
    lists: new ServerListCache(),
    clock: ports.clock,
    random: ports.random,
    hashing: ports.hashing,
    keys: ports.keys,
    logger: ports.logger,
    settings
  }

  const api: ServiceApi = {
    type: 'compute',
    routes,
    maxBodyBytes: COMPUTE_MAX_BODY_BYTES,
    authBeforeRouting: true,
    microversions: {
      serviceType: 'compute',
      range,
      legacyHeader: LEGACY_VERSION_HEADER,
      responseHeaders: computeVersionHeaders
    },
    handlers: {
      versions: context => jsonResponse(200, computeVersionsDocument(context.serviceUrl, range)),
      version: context => jsonResponse(200, computeVersionDocument(context.serviceUrl, range)),
      'servers:create': serverCreateHandler(deps),
      'servers:action': serverActionHandler(deps),
      ...serverHandlers(deps),
      ...flavorHandlers(deps),
      ...keypairHandlers(deps),
      ...quotaHandlers(deps),
      ...hostHandlers(deps),
      ...imageProxyHandlers(deps)
    },
    renderFault: fault => renderComputeFault(fault),
    renderNoRoute: request => webobErrorResponse(404, request.headers),
    malformedBody: () => new BadRequest(MALFORMED_REQUEST_BODY),
    invalidInput: invalidInputFault
  }
  return { api, state, timeDriven: lifecycle }
}
