/**
 * The emulated Glance v2 (images, data upload and download streamed through the BlobStore,
 * stage/import with web-download, locations, members, tags, schemas, info), served under
 * /image, and the ComputeImages it offers the emulated Nova. It behaves as a Zed (25.x) Glance
 * with one store ('file'), no image cache, the legacy default policies and webob error bodies.
 */
import type { HttpHandler } from '../../core/http.ts'
import type { BlobStore, Clock, Hashing, Logger, Random, Store } from '../../core/ports.ts'
import { BadRequest, Unauthorized } from '../../openstack/faults.ts'
import { renderImageFault } from '../../openstack/image/fault-body.ts'
import { IMAGE_LIMITS } from '../../openstack/image/model.ts'
import { IMAGE_ROUTES } from '../../openstack/image/routes.ts'
import { IMAGE_PATH_VERSIONS } from '../../openstack/image/versions.ts'
import { compileRoutes } from '../../openstack/route-table.ts'
import { DueQueue } from '../due-queue.ts'
import type { TimeDriven } from '../time-driven.ts'
import type { ServiceApi } from '../service-host.ts'
import { BackgroundJobs } from './background-jobs.ts'
import type { ComputeImages } from './compute-images.ts'
import { dataHandlers } from './data-handlers.ts'
import { discoveryHandlers } from './discovery-handlers.ts'
import { glanceForCompute } from './glance-for-compute.ts'
import type { ImageDeps, ImageDueEvent } from './image-deps.ts'
import { imageHandlers } from './image-handlers.ts'
import { advanceImageJobs, recoverInterruptedJobs } from './image-jobs.ts'
import { ImageState } from './image-state.ts'
import { importHandlers } from './import-handlers.ts'
import { locationHandlers } from './location-handlers.ts'
import { memberHandlers } from './member-handlers.ts'

/** The JSON body limit (oslo.middleware's default max_request_body_size); image data has none but the size cap. */
export const IMAGE_MAX_BODY_BYTES = 114_688

export interface ImageEmulatorPorts {
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly store: Store
  readonly blobs: BlobStore
  readonly logger: Logger
  /** Outbound HTTP for web-download. */
  readonly outbound: HttpHandler
}

export interface ImageEmulatorSettings {
  /** Hosts web-download may fetch from: exact names or '*.suffix'; empty allows none. */
  readonly webDownloadAllowedHosts: readonly string[]
  /** How long an import or a snapshot takes. */
  readonly transitionDelayMs: number
  /** Glance's image_size_cap (default 1 TiB). */
  readonly imageSizeCapBytes?: number
}

export interface EmulatedImage {
  readonly api: ServiceApi
  readonly forCompute: ComputeImages
  readonly timeDriven: TimeDriven | null
  /** Resolves once no background work (imports, snapshot copies, blob deletions) is running; for tests and shutdown. */
  idle(): Promise<void>
}

const routes = compileRoutes(IMAGE_ROUTES)

export function createEmulatedImage (ports: ImageEmulatorPorts, settings: ImageEmulatorSettings): EmulatedImage {
  const deps: ImageDeps = {
    state: new ImageState(ports.store),
    clock: ports.clock,
    random: ports.random,
    hashing: ports.hashing,
    blobs: ports.blobs,
    logger: ports.logger,
    outbound: ports.outbound,
    settings: {
      webDownloadAllowedHosts: settings.webDownloadAllowedHosts,
      transitionDelayMs: settings.transitionDelayMs,
      imageSizeCapBytes: settings.imageSizeCapBytes ?? IMAGE_LIMITS.imageSizeCapBytes
    },
    jobs: new BackgroundJobs(ports.logger),
    due: new DueQueue<ImageDueEvent>()
  }
  recoverInterruptedJobs(deps)

  const api: ServiceApi = {
    type: 'image',
    routes,
    maxBodyBytes: IMAGE_MAX_BODY_BYTES,
    authBeforeRouting: true,
    handlers: {
      ...discoveryHandlers(),
      ...imageHandlers(deps),
      ...dataHandlers(deps),
      ...importHandlers(deps),
      ...memberHandlers(deps),
      ...locationHandlers(deps)
    },
    renderFault: renderImageFault,
    renderUnauthorized: request => renderImageFault(new Unauthorized(), request),
    malformedBody: () => new BadRequest('Malformed JSON in request body.'),
    invalidInput: problem => new BadRequest(problem.detail),
    normalizePath: negotiateVersion
  }
  return {
    api,
    forCompute: glanceForCompute(deps),
    timeDriven: { advance: nowMs => { advanceImageJobs(deps, nowMs) } },
    idle: async () => { await deps.jobs.idle() }
  }
}

/**
 * Glance's version negotiation: '/versions' lists the versions, a known version segment
 * ('v2', 'v2.9', …) means v2, and any other path is answered with the version list (GET /).
 */
function negotiateVersion (path: string): string {
  const trimmed = path.replace(/^\/+/, '')
  const slash = trimmed.indexOf('/')
  const first = slash === -1 ? trimmed : trimmed.slice(0, slash)
  const rest = slash === -1 ? '' : trimmed.slice(slash)
  if (first === 'versions') return '/versions'
  if (IMAGE_PATH_VERSIONS.has(first)) return `/v2${rest}`
  return '/'
}
