/**
 * What the emulated Nova asks of the emulated Glance: the image a server boots from, the
 * legacy /images proxy (below microversion 2.36, which pkgcloud uses), and server snapshots
 * (createImage). Glance implements it.
 */
import type { AuthContext } from '../../openstack/identity/auth-context.ts'

export interface ImageSummary {
  readonly id: string
  readonly name: string | null
  /** Glance's status: queued, saving, uploading, importing, active, killed, deleted, pending_delete, deactivated. */
  readonly status: string
  readonly visibility: 'public' | 'private' | 'shared' | 'community'
  readonly owner: string | null
  readonly minDiskGb: number
  readonly minRamMb: number
  readonly size: number | null
  readonly diskFormat: string | null
  readonly containerFormat: string | null
  readonly protected: boolean
  readonly createdAtMs: number
  readonly updatedAtMs: number
  /** The extra (string) properties, e.g. hw_disk_bus. */
  readonly properties: Readonly<Record<string, string>>
}

export interface SnapshotRequest {
  readonly name: string
  readonly ownerProjectId: string
  readonly metadata: Readonly<Record<string, string>>
  /** The server's image, whose data and properties the snapshot starts from; null for boot-from-volume. */
  readonly sourceImageId: string | null
  readonly instanceUuid: string
  readonly minDiskGb: number
  readonly minRamMb: number
}

export interface ComputeImages {
  /** The image if the caller may see it (own, public, community, or shared and accepted); null otherwise. */
  getVisible(imageId: string, auth: AuthContext): ImageSummary | null
  /** Every image the caller sees, in Glance's default order (created_at desc). */
  listVisible(auth: AuthContext): ImageSummary[]
  /**
   * Deletes an image as the caller, like DELETE /v2/images/{id}. Throws ImageNotFoundError,
   * ImageProtectedError, or ImageNotAuthorizedError when the caller may see but not change it
   * (Glance's 403; Nova answers both 403s alike).
   */
  deleteAsCaller(imageId: string, auth: AuthContext): Promise<void>
  /**
   * Creates the snapshot image record at once (status queued, visibility private, with the
   * properties image_type=snapshot and instance_uuid) and returns its id; the image becomes
   * saving and then active with the source image's data in the background, within the
   * cloudlet's transition delay. A failure makes it killed, and is logged.
   */
  createSnapshot(request: SnapshotRequest): string
}

export class ImageNotFoundError extends Error {
  readonly imageId: string
  constructor (imageId: string) { super(`Image ${imageId} could not be found.`); this.imageId = imageId }
}

export class ImageProtectedError extends Error {
  readonly imageId: string
  constructor (imageId: string) { super(`Image ${imageId} is protected and cannot be deleted.`); this.imageId = imageId }
}

export class ImageNotAuthorizedError extends Error {
  readonly imageId: string
  constructor (imageId: string) { super(`Not authorized for image ${imageId}.`); this.imageId = imageId }
}
