/**
 * The image model: Glance's images and image members as the emulator keeps them and the views
 * render them (camelCase here; snake_case only on the wire, in views.ts).
 */

export type ImageStatus = 'queued' | 'saving' | 'uploading' | 'importing' | 'active' | 'killed' | 'deleted' | 'pending_delete' | 'deactivated'

export type ImageVisibility = 'public' | 'private' | 'shared' | 'community'

export type MemberStatus = 'pending' | 'accepted' | 'rejected'

/** Where an image's bytes are: a blob in the cloudlet's BlobStore, or an http(s) URL read through the outbound port. */
export interface ImageLocation {
  readonly url: string
  /** Glance's location metadata; `{store: 'file'}` for data in the store. */
  readonly metadata: Readonly<Record<string, string>>
  /** The BlobStore key of the data, or null when the bytes are read from `url`. */
  readonly blobKey: string | null
}

/**
 * Work in progress on an image (an upload, a staging, an import, a snapshot, a location being
 * hashed). Kept on the row so that a restart can tell an interrupted job from a finished one.
 */
export interface ImageJob {
  readonly id: string
  readonly kind: 'upload' | 'stage' | 'import' | 'snapshot' | 'location'
  readonly startedAtMs: number
  /** The URL a location job is checking; it becomes the image's location when the job succeeds. */
  readonly url?: string
}

export interface ImageRow {
  readonly id: string
  readonly name: string | null
  readonly status: ImageStatus
  readonly visibility: ImageVisibility
  readonly protected: boolean
  readonly osHidden: boolean
  readonly owner: string | null
  readonly diskFormat: string | null
  readonly containerFormat: string | null
  readonly minDisk: number
  readonly minRam: number
  readonly size: number | null
  readonly virtualSize: number | null
  readonly checksum: string | null
  readonly osHashAlgo: string | null
  readonly osHashValue: string | null
  readonly tags: readonly string[]
  /** Extra properties, all strings, in the order they were set (os_glance_* bookkeeping included). */
  readonly properties: Readonly<Record<string, string>>
  readonly locations: readonly ImageLocation[]
  /** Whole seconds, as Glance's database keeps them. */
  readonly createdAtMs: number
  readonly updatedAtMs: number
  readonly job: ImageJob | null
}

export interface MemberRow {
  /** `${imageId}:${memberId}` */
  readonly id: string
  readonly imageId: string
  readonly memberId: string
  readonly status: MemberStatus
  readonly createdAtMs: number
  readonly updatedAtMs: number
}

/** The image attributes Glance keeps as columns; any other key is an extra property. */
export const CORE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'owner', 'disk_format', 'container_format',
  'min_disk', 'min_ram', 'size', 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'tags',
  'created_at', 'updated_at', 'locations'
])

/** Glance's image status machine (glance/domain: Image.valid_state_targets). */
const TRANSITIONS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = {
  queued: ['saving', 'uploading', 'importing', 'active', 'deleted'],
  saving: ['active', 'killed', 'deleted', 'queued'],
  uploading: ['importing', 'queued', 'deleted'],
  importing: ['active', 'deleted', 'queued'],
  active: ['pending_delete', 'deleted', 'deactivated'],
  killed: ['deleted'],
  pending_delete: ['deleted', 'active'],
  deleted: [],
  deactivated: ['active', 'deleted']
}

export function canTransition (from: ImageStatus, to: ImageStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

/** The store the emulated Glance has (multistore with one backend), and the hash it computes. */
export const IMAGE_STORE_ID = 'file'
export const IMAGE_HASH_ALGORITHM = 'sha512'

/** Glance's defaults: image_size_cap, image_property_quota, image_tag_quota, image_member_quota, limit_param_default, api_limit_max. */
export const IMAGE_LIMITS = {
  imageSizeCapBytes: 1_099_511_627_776,
  properties: 128,
  tags: 128,
  members: 128,
  pageDefault: 25,
  pageMax: 1000
} as const

/** The import methods this Glance enables (copy-image needs a second store, so it is not offered). */
export const IMPORT_METHODS: readonly string[] = ['glance-direct', 'web-download']
