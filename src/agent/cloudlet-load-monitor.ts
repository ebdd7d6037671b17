/**
 * Keeps the agent's cloudlet load fresh for placement, which reads it synchronously: a read
 * from the cloudlet's Placement every `refreshMs`, and soon after a create lands (refreshSoon),
 * one read at a time. Between reads, the reservations PlacementNode holds cover what Placement
 * does not show yet — every create on this cloudlet goes through this agent, so nothing else
 * moves the load behind its back but deletes, which only free capacity.
 *
 * Until the first read succeeds the cloudlet counts as having no capacity (never chosen). A
 * failed read keeps the last load and is logged once per distinct message; after
 * `staleAfterMs` without a good read the cloudlet again counts as having no capacity, so an
 * agent whose cloudlet is down stops attracting servers.
 */
import type { Clock, Logger } from '../core/ports.ts'
import type { CloudletLoad } from '../protocol/placement/cloudlet-load.ts'
import { NO_CLOUDLET_LOAD } from './no-cloudlet-load.ts'

export interface CloudletLoadSource {
  read(): Promise<CloudletLoad>
}

export interface CloudletLoadMonitorOptions {
  readonly source: CloudletLoadSource
  readonly clock: Clock
  readonly logger: Logger
  /** Period of the background reads; default 2 s. */
  readonly refreshMs?: number
  /** After this long without a good read, the load is NO_CLOUDLET_LOAD; default 30 s. */
  readonly staleAfterMs?: number
}

export class CloudletLoadMonitor {
  readonly #options: CloudletLoadMonitorOptions
  readonly #refreshMs: number
  readonly #staleAfterMs: number
  #load: CloudletLoad | null = null
  #readAtMs = -Infinity
  #reading: Promise<void> | null = null
  #again = false
  #timer: ReturnType<typeof setInterval> | null = null
  #lastProblem: string | null = null
  reads = 0
  failures = 0

  constructor (options: CloudletLoadMonitorOptions) {
    this.#options = options
    this.#refreshMs = options.refreshMs ?? 2_000
    this.#staleAfterMs = options.staleAfterMs ?? 30_000
  }

  /** Reads once, then keeps reading in the background; resolves after the first read (good or not). */
  async start (): Promise<void> {
    this.#timer ??= setInterval(() => { this.refreshSoon() }, this.#refreshMs)
    this.#timer.unref()
    this.refreshSoon()
    await this.#reading
  }

  stop (): void {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
  }

  /** The latest load, or no capacity if there has been no good read lately. */
  load (): CloudletLoad {
    if (this.#load === null || this.#options.clock.nowMs() - this.#readAtMs > this.#staleAfterMs) return NO_CLOUDLET_LOAD
    return this.#load
  }

  /** Reads again as soon as the read in flight (if any) is done. */
  refreshSoon (): void {
    if (this.#reading !== null) {
      this.#again = true
      return
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = null
      if (this.#again) {
        this.#again = false
        this.refreshSoon()
      }
    })
  }

  /** Resolves when no read is in flight or asked for. */
  async settled (): Promise<void> {
    while (this.#reading !== null) await this.#reading
  }

  async #read (): Promise<void> {
    try {
      const load = await this.#options.source.read()
      this.#load = load
      this.#readAtMs = this.#options.clock.nowMs()
      this.reads++
      if (this.#lastProblem !== null) this.#options.logger.info({}, 'the cloudlet\'s load can be read again')
      this.#lastProblem = null
    } catch (error) {
      this.failures++
      const problem = (error as Error).message
      if (problem !== this.#lastProblem) this.#options.logger.warn({ problem }, 'cannot read the cloudlet\'s load; placement keeps the last one for a while')
      this.#lastProblem = problem
    }
  }
}
