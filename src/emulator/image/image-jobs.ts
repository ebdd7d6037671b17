/**
 * The background side of images: an import, a snapshot or a location check runs as a job whose
 * id is on the row; when its promise settles, the outcome is applied to the row — at once, or
 * when the cloudlet's transition delay since the job started has passed (a due event drained
 * by advance()). An outcome for a row that has moved on (deleted, another job) is discarded
 * and its data removed. After a restart, rows whose job died with the process are put back
 * the way Glance leaves them after a failure.
 */
import { uuid } from '../../core/ids.ts'
import type { ImageJob, ImageRow } from '../../openstack/image/model.ts'
import { IMAGE_HASH_ALGORITHM, IMAGE_STORE_ID } from '../../openstack/image/model.ts'
import type { ImageDeps, JobOutcome, StoredData } from './image-deps.ts'
import { nowSeconds } from './image-deps.ts'
import { imageBlobKey, stagingBlobKey } from './image-data.ts'

export const IMPORT_TASK_KEY = 'os_glance_import_task'
export const IMPORTING_STORES_KEY = 'os_glance_importing_to_stores'
export const FAILED_IMPORT_KEY = 'os_glance_failed_import'

export function newJob (deps: ImageDeps, kind: ImageJob['kind']): ImageJob {
  return { id: uuid(deps.random), kind, startedAtMs: deps.clock.wallClockMs() }
}

/** Runs `work` for the row's current job and applies its outcome when it settles. */
export function runImageJob (deps: ImageDeps, imageId: string, job: ImageJob, work: () => Promise<StoredData>): void {
  deps.jobs.start({ imageId, job: job.kind, jobId: job.id }, async () => {
    let outcome: JobOutcome
    try {
      outcome = { ok: true, data: await work() }
    } catch (error) {
      deps.logger.warn({ imageId, job: job.kind, jobId: job.id, err: error }, 'image job failed')
      outcome = { ok: false, error }
    }
    const row = deps.state.images.get(imageId)
    if (row === undefined || row.job?.id !== job.id) {
      discard(deps, outcome)
      return
    }
    const finishAtMs = job.startedAtMs + deps.settings.transitionDelayMs
    if (deps.clock.wallClockMs() >= finishAtMs) finishJob(deps, row, outcome)
    else deps.due.push(finishAtMs, { kind: 'finish', imageId, jobId: job.id, outcome })
  })
}

/** Applies every change due at or before `nowMs`. */
export function advanceImageJobs (deps: ImageDeps, nowMs: number): void {
  for (;;) {
    const event = deps.due.popDue(nowMs)
    if (event === undefined) return
    const row = deps.state.images.get(event.imageId)
    const current = row !== undefined && row.job?.id === event.jobId
    if (event.kind === 'finish') {
      if (current) finishJob(deps, row, event.outcome)
      else discard(deps, event.outcome)
    } else if (current && row.status === 'queued') {
      deps.state.images.put({ ...row, status: 'saving', updatedAtMs: nowSeconds(deps) })
    }
  }
}

function finishJob (deps: ImageDeps, row: ImageRow, outcome: JobOutcome): void {
  const updatedAtMs = nowSeconds(deps)
  switch (row.job?.kind) {
    case 'import': {
      const properties = withoutKey(row.properties, IMPORT_TASK_KEY)
      properties[IMPORTING_STORES_KEY] = ''
      if (outcome.ok) {
        deps.state.images.put({ ...withData(row, outcome.data), properties, job: null, updatedAtMs })
      } else {
        properties[FAILED_IMPORT_KEY] = IMAGE_STORE_ID
        deps.state.images.put({ ...row, status: 'queued', size: null, virtualSize: null, properties, job: null, updatedAtMs })
      }
      removeBlob(deps, stagingBlobKey(row.id))
      return
    }
    case 'snapshot':
      if (outcome.ok) deps.state.images.put({ ...withData(row, outcome.data), job: null, updatedAtMs })
      else deps.state.images.put({ ...row, status: 'killed', job: null, updatedAtMs })
      return
    case 'location':
      if (outcome.ok) {
        const locations = [{ url: row.job.url ?? '', metadata: {}, blobKey: null }]
        deps.state.images.put({ ...withData(row, outcome.data), locations, job: null, updatedAtMs })
      } else {
        deps.state.images.put({ ...row, status: 'queued', osHashAlgo: null, job: null, updatedAtMs })
      }
      return
    default:
      discard(deps, outcome)
  }
}

/** The row, active, with the data a job stored (in the store, or at the location the row already names). */
export function withData (row: ImageRow, data: StoredData): ImageRow {
  return {
    ...row,
    status: 'active',
    size: data.size,
    virtualSize: row.virtualSize ?? data.virtualSize,
    checksum: data.checksum,
    osHashAlgo: IMAGE_HASH_ALGORITHM,
    osHashValue: data.osHashValue,
    locations: data.blobKey === null ? row.locations : [storeLocation(row.id, data.blobKey)]
  }
}

export function storeLocation (imageId: string, blobKey: string): ImageRow['locations'][number] {
  return { url: `file:///opt/stack/data/glance/images/${imageId}`, metadata: { store: IMAGE_STORE_ID }, blobKey }
}

/**
 * Puts rows whose job was cut short by a restart back as Glance leaves them after a failure:
 * an upload or a staging queued again, an import queued with the store marked failed, a
 * snapshot killed, a location check queued without the location.
 */
export function recoverInterruptedJobs (deps: ImageDeps): void {
  for (const row of [...deps.state.images.values()]) {
    if (row.job === null) continue
    const updatedAtMs = nowSeconds(deps)
    switch (row.job.kind) {
      case 'upload':
      case 'stage':
        deps.state.images.put({ ...row, status: 'queued', size: null, virtualSize: null, job: null, updatedAtMs })
        break
      case 'import': {
        const properties = withoutKey(row.properties, IMPORT_TASK_KEY)
        properties[IMPORTING_STORES_KEY] = ''
        properties[FAILED_IMPORT_KEY] = IMAGE_STORE_ID
        deps.state.images.put({ ...row, status: 'queued', size: null, virtualSize: null, properties, job: null, updatedAtMs })
        break
      }
      case 'snapshot':
        deps.state.images.put({ ...row, status: 'killed', job: null, updatedAtMs })
        break
      case 'location':
        deps.state.images.put({ ...row, status: 'queued', job: null, updatedAtMs })
        break
    }
    if (row.locations.length === 0 && row.job.kind !== 'location') removeBlob(deps, imageBlobKey(row.id))
    if (row.job.kind === 'stage' || row.job.kind === 'import') removeBlob(deps, stagingBlobKey(row.id))
    deps.logger.warn({ imageId: row.id, job: row.job.kind }, 'image job interrupted by a restart')
  }
}

export function withoutKey (properties: Readonly<Record<string, string>>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(properties).filter(([k]) => k !== key))
}

/** Deletes a blob in the background (logged if it fails). */
export function removeBlob (deps: ImageDeps, key: string): void {
  deps.jobs.start({ blob: key }, async () => { await deps.blobs.delete(key) })
}

function discard (deps: ImageDeps, outcome: JobOutcome): void {
  if (outcome.ok && outcome.data.blobKey !== null) removeBlob(deps, outcome.data.blobKey)
}
