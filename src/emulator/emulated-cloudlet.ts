/**
 * An emulated cloudlet: Keystone, Nova, Glance, Neutron and Placement in one HttpHandler,
 * under the devstack-style prefixes /identity, /compute, /image, /networking and /placement.
 * It is the embedded default of p2pstack and the test double of every OpenStack-facing test;
 * all its time, randomness, storage and outbound HTTP come through ports, so a seeded run is
 * reproducible. Time-driven changes (a server finishing its build) are applied just before
 * each request, never by timers.
 */
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/http.ts'
import { jsonResponse } from '../core/http.ts'
import type { BlobStore, Clock, Hashing, KeyGenerator, Logger, Random, Store } from '../core/ports.ts'
import type { CloudletConfig } from './cloudlet-config.ts'
import { createEmulatedIdentity } from './identity/keystone-emulator.ts'
import type { EmulatedIdentity } from './identity/keystone-emulator.ts'
import { bootstrapIdentity } from './identity/bootstrap.ts'
import { createEmulatedCompute } from './compute/nova-emulator.ts'
import type { EmulatedCompute } from './compute/nova-emulator.ts'
import { createEmulatedImage } from './image/image-emulator.ts'
import type { EmulatedImage } from './image/image-emulator.ts'
import { createEmulatedNetwork } from './network/network-emulator.ts'
import type { EmulatedNetwork } from './network/network-emulator.ts'
import { createEmulatedPlacement } from './placement/placement-emulator.ts'
import type { EmulatedPlacement } from './placement/placement-emulator.ts'
import { serveService } from './service-host.ts'
import type { TimeDriven } from './time-driven.ts'
import type { ServiceApi, ServiceHandler } from './service-host.ts'

export interface EmulatorPorts {
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly keys: KeyGenerator
  readonly store: Store
  readonly blobs: BlobStore
  readonly logger: Logger
  /** Outbound HTTP (web-download imports, OIDC discovery and JWKS). */
  readonly outbound: HttpHandler
}

export interface EmulatedCloudlet {
  readonly handler: HttpHandler
  readonly config: CloudletConfig
  readonly identity: EmulatedIdentity
  readonly network: EmulatedNetwork
  readonly image: EmulatedImage
  readonly placement: EmulatedPlacement
  readonly compute: EmulatedCompute
}

export function createEmulatedCloudlet (ports: EmulatorPorts, config: CloudletConfig): EmulatedCloudlet {
  const identity = createEmulatedIdentity(
    { clock: ports.clock, random: ports.random.fork('identity'), hashing: ports.hashing, store: ports.store, logger: ports.logger, outbound: ports.outbound },
    { region: config.region, publicUrl: config.publicUrl, tokenTtlMs: config.tokenTtlMs, ...(config.federationFrontEnd === undefined ? {} : { federationFrontEnd: config.federationFrontEnd }) }
  )
  ports.store.transaction(() => bootstrapIdentity(identity.state, {
    adminUser: config.admin.user,
    adminPassword: config.admin.password,
    adminProject: config.admin.project,
    region: config.region
  }, ports.random.fork('bootstrap'), ports.hashing))

  const hostPorts = {
    random: ports.random.fork('request-ids'),
    logger: ports.logger,
    authenticate: (token: string) => identity.tokens.authenticate(token),
    identityUrl: (request: HttpRequest) => `${config.publicUrl ?? request.url.origin}/identity`
  }
  const services = new Map<string, ServiceHandler>()
  const mount = (prefix: string, api: ServiceApi): void => { services.set(prefix, serveService(api, hostPorts)) }
  const network = createEmulatedNetwork(
    { clock: ports.clock, random: ports.random.fork('network'), store: ports.store, logger: ports.logger },
    { availabilityZone: config.availabilityZone }
  )
  const image = createEmulatedImage(
    { clock: ports.clock, random: ports.random.fork('image'), hashing: ports.hashing, store: ports.store, blobs: ports.blobs, logger: ports.logger, outbound: ports.outbound },
    { webDownloadAllowedHosts: config.webDownloadAllowedHosts, transitionDelayMs: config.transitionDelayMs }
  )
  const placement = createEmulatedPlacement({ store: ports.store, random: ports.random.fork('placement') }, {
    cloudletName: config.name, hosts: config.hosts, allocationRatios: config.allocationRatios, reserved: config.reserved
  })
  const compute = createEmulatedCompute({
    clock: ports.clock,
    random: ports.random.fork('compute'),
    hashing: ports.hashing,
    keys: ports.keys,
    store: ports.store,
    logger: ports.logger,
    placement: placement.state,
    network: network.forCompute,
    images: image.forCompute
  }, { availabilityZone: config.availabilityZone, transitionDelayMs: config.transitionDelayMs, defaultFlavors: config.defaultFlavors, maxMicroversion: config.computeMaxMicroversion })
  mount('/identity', identity.api)
  mount('/compute', compute.api)
  mount('/image', image.api)
  mount('/networking', network.api)
  mount('/placement', placement.api)

  const timeDriven: TimeDriven[] = [compute.timeDriven, network.timeDriven, image.timeDriven].filter(t => t !== null)
  let lastPurgeMs = 0

  const handler: HttpHandler = async request => {
    const now = ports.clock.wallClockMs()
    for (const service of timeDriven) service.advance(now)
    if (now - lastPurgeMs > 60_000) {
      lastPurgeMs = now
      identity.tokens.purgeExpired()
    }
    const path = request.url.pathname
    const slash = path.indexOf('/', 1)
    const prefix = slash === -1 ? path : path.slice(0, slash)
    const service = services.get(prefix)
    if (service === undefined) return notFound(request)
    return await service(request, slash === -1 ? '/' : path.slice(slash), prefix)
  }

  return { handler, config, identity, network, image, placement, compute }
}

function notFound (request: HttpRequest): HttpResponse {
  return jsonResponse(404, { error: { code: 404, title: 'Not Found', message: `No OpenStack service is served at ${request.url.pathname}.` } })
}
