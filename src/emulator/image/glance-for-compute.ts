/**
 * The emulated Glance as the emulated Nova sees it (ComputeImages): image lookups with Glance's
 * visibility rules, the default image list, deletion with Glance's checks, and server
 * snapshots — a queued private image at once, saving halfway through the transition delay,
 * active once the source image's data has been copied BlobStore to BlobStore and the delay
 * has passed (killed if the copy fails).
 */
import { uuid } from '../../core/ids.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { parseImageListQuery } from '../../openstack/image/list-query.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import type { ComputeImages, ImageSummary, SnapshotRequest } from './compute-images.ts'
import { ImageNotAuthorizedError, ImageNotFoundError, ImageProtectedError } from './compute-images.ts'
import { callerOf, canChange, canSee } from './image-access.ts'
import type { ImageDeps } from './image-deps.ts'
import { nowSeconds } from './image-deps.ts'
import { imageBlobKey, openImageData, stagingBlobKey, storeImageData } from './image-data.ts'
import { newJob, removeBlob, runImageJob } from './image-jobs.ts'
import { selectImages } from './list-images.ts'

export function glanceForCompute (deps: ImageDeps): ComputeImages {
  const { state } = deps
  return {
    getVisible (imageId: string, auth: AuthContext): ImageSummary | null {
      const row = state.images.get(imageId)
      return row !== undefined && canSee(state, row, callerOf(auth)) ? summaryOf(row) : null
    },

    listVisible (auth: AuthContext): ImageSummary[] {
      const query = { ...parseImageListQuery(new URLSearchParams()), limit: Number.POSITIVE_INFINITY }
      return selectImages(state, callerOf(auth), query).map(summaryOf)
    },

    async deleteAsCaller (imageId: string, auth: AuthContext): Promise<void> {
      const caller = callerOf(auth)
      const row = state.images.get(imageId)
      if (row === undefined || !canSee(state, row, caller)) throw new ImageNotFoundError(imageId)
      if (!canChange(row, caller)) throw new ImageNotAuthorizedError(imageId)
      if (row.protected) throw new ImageProtectedError(imageId)
      state.deleteImage(imageId)
      removeBlob(deps, imageBlobKey(imageId))
      removeBlob(deps, stagingBlobKey(imageId))
    },

    createSnapshot (request: SnapshotRequest): string {
      const source = request.sourceImageId === null ? null : state.images.get(request.sourceImageId) ?? null
      const id = uuid(deps.random)
      const now = nowSeconds(deps)
      const job = newJob(deps, 'snapshot')
      const inherited = Object.entries(source?.properties ?? {}).filter(([key]) => !key.startsWith('os_glance'))
      const row: ImageRow = {
        id,
        name: request.name,
        status: 'queued',
        visibility: 'private',
        protected: false,
        osHidden: false,
        owner: request.ownerProjectId,
        diskFormat: source?.diskFormat ?? 'qcow2',
        containerFormat: source?.containerFormat ?? 'bare',
        minDisk: request.minDiskGb,
        minRam: request.minRamMb,
        size: null,
        virtualSize: null,
        checksum: null,
        osHashAlgo: null,
        osHashValue: null,
        tags: [],
        properties: Object.fromEntries([...inherited, ...Object.entries(request.metadata), ['image_type', 'snapshot'], ['instance_uuid', request.instanceUuid]]),
        locations: [],
        createdAtMs: now,
        updatedAtMs: now,
        job
      }
      state.images.put(row)
      deps.due.push(job.startedAtMs + deps.settings.transitionDelayMs / 2, { kind: 'snapshot-saving', imageId: id, jobId: job.id })
      runImageJob(deps, id, job, async () => {
        const options = { capBytes: deps.settings.imageSizeCapBytes, diskFormat: row.diskFormat, containerFormat: row.containerFormat }
        if (request.sourceImageId === null) return await storeImageData(deps, imageBlobKey(id), (async function * () {})(), options)
        const current = state.images.get(request.sourceImageId)
        const data = current === undefined ? null : await openImageData(deps, current, null)
        if (data === null) throw new Error(`source image ${request.sourceImageId} has no data to snapshot`)
        return await storeImageData(deps, imageBlobKey(id), data, options)
      })
      return id
    }
  }
}

function summaryOf (row: ImageRow): ImageSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    visibility: row.visibility,
    owner: row.owner,
    minDiskGb: row.minDisk,
    minRamMb: row.minRam,
    size: row.size,
    diskFormat: row.diskFormat,
    containerFormat: row.containerFormat,
    protected: row.protected,
    createdAtMs: row.createdAtMs,
    updatedAtMs: row.updatedAtMs,
    properties: { ...row.properties }
  }
}
