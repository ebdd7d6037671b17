/**
 * The emulated Glance v2 (images, data upload and download streamed through the BlobStore,
 * stage/import with web-download, locations, members, tags, schemas, info), served under
 * /image, and the ComputeImages it offers the emulated Nova.
 */
import type { HttpHandler } from '../../core/http.ts'
import type { BlobStore, Clock, Hashing, Logger, Random, Store } from '../../core/ports.ts'
import type { TimeDriven } from '../time-driven.ts'
import type { ServiceApi } from '../service-host.ts'
import { unbuilt, unbuiltService } from '../unbuilt-service.ts'
import type { ComputeImages } from './compute-images.ts'

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
}

export interface EmulatedImage {
  readonly api: ServiceApi
  readonly forCompute: ComputeImages
  readonly timeDriven: TimeDriven | null
}

export function createEmulatedImage (_ports: ImageEmulatorPorts, _settings: ImageEmulatorSettings): EmulatedImage {
  return {
    api: unbuiltService('image'),
    forCompute: {
      getVisible: () => null,
      listVisible: () => [],
      deleteAsCaller: async () => unbuilt('images'),
      createSnapshot: () => unbuilt('images')
    },
    timeDriven: null
  }
}
