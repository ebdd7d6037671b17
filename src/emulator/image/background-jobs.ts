/**
 * Work the emulated Glance does after it has answered (an import streaming its data, a
 * snapshot copying one): promises that are started, tracked, and never left to reject
 * unobserved — every error is caught and logged once. idle() lets a test (or a shutdown) wait
 * until nothing is running.
 */
import type { Logger } from '../../core/ports.ts'

export class BackgroundJobs {
  readonly #running = new Set<Promise<void>>()
  readonly #logger: Logger

  constructor (logger: Logger) {
    this.#logger = logger
  }

  get size (): number {
    return this.#running.size
  }

  /** Runs `work` now, in the background; `fields` name it in the log if it fails. */
  start (fields: Record<string, unknown>, work: () => Promise<void>): void {
    const job: Promise<void> = (async () => { await work() })()
      .catch((error: unknown) => { this.#logger.error({ ...fields, err: error }, 'image background job failed') })
      .finally(() => { this.#running.delete(job) })
    this.#running.add(job)
  }

  /** Resolves once no job is running, including jobs started by jobs. */
  async idle (): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running])
  }
}
