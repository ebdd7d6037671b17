/**
 * What the Glance handlers share: the state, the ports, the settings, the background jobs and
 * the queue of changes due later, plus the lookups every handler starts with (an image the
 * caller may see, or Glance's 404).
 */
import type { HttpHandler } from '../../core/http.ts'
import type { BlobStore, Clock, Hashing, Logger, Random } from '../../core/ports.ts'
import { NotFound } from '../../openstack/faults.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import type { DueQueue } from '../due-queue.ts'
import type { RequestContext } from '../request-context.ts'
import type { BackgroundJobs } from './background-jobs.ts'
import type { Caller } from './image-access.ts'
import { callerOf, canSee } from './image-access.ts'
import type { ImageState } from './image-state.ts'

export interface ImageSettings {
  /** Hosts web-download and http locations may fetch from: exact names or '*.suffix'. */
  readonly webDownloadAllowedHosts: readonly string[]
  /** How long an import or a snapshot takes at least. */
  readonly transitionDelayMs: number
  /** Glance's image_size_cap. */
  readonly imageSizeCapBytes: number
}

/** Image data written (or only read) by a stream: where it is and what it measured. */
export interface StoredData {
  /** Where the bytes went; null when they were only measured (a location's data stays where it is). */
  readonly blobKey: string | null
  readonly size: number
  readonly checksum: string
  readonly osHashValue: string
  readonly virtualSize: number | null
  /** The digest of StoreOptions.extraHash, when one was asked for. */
  readonly extraHashValue?: string
}

/** The result of a background job: the data it stored, or why it failed. */
export type JobOutcome = { readonly ok: true, readonly data: StoredData } | { readonly ok: false, readonly error: unknown }

export type ImageDueEvent =
  | { readonly kind: 'snapshot-saving', readonly imageId: string, readonly jobId: string }
  | { readonly kind: 'finish', readonly imageId: string, readonly jobId: string, readonly outcome: JobOutcome }

export interface ImageDeps {
  readonly state: ImageState
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly blobs: BlobStore
  readonly logger: Logger
  readonly outbound: HttpHandler
  readonly settings: ImageSettings
  readonly jobs: BackgroundJobs
  readonly due: DueQueue<ImageDueEvent>
}

/** Now, to the second, as Glance's database keeps created_at and updated_at. */
export function nowSeconds (deps: ImageDeps): number {
  return Math.floor(deps.clock.wallClockMs() / 1000) * 1000
}

export function callerOfContext (context: RequestContext): Caller {
  return callerOf(context.auth)
}

/** The image if the caller may see it; otherwise the 404 Glance gives (`message` varies by API). */
export function visibleImage (deps: ImageDeps, imageId: string, caller: Caller, message = `No image found with ID ${imageId}`): ImageRow {
  const row = deps.state.images.get(imageId)
  if (row === undefined || !canSee(deps.state, row, caller)) throw new NotFound(message)
  return row
}
