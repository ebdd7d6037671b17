/**
 * Drives a node's onTick() in real time: one timer, set for when the node says it next has
 * work (nextWakeupMs), re-armed after every tick and moved earlier when a message makes work
 * due sooner (poke). The agent's counterpart of the simulator's event queue: a node that has
 * nothing to do until its next shuffle costs no wake-ups until then.
 */
import type { Clock, Logger } from '../core/ports.ts'

/** What the loop needs of a node: CyclonNode has it. */
export interface Tickable {
  onTick(): void
  nextWakeupMs(): number
}

export interface TickLoop {
  /** Re-reads nextWakeupMs() and wakes earlier if it moved closer. Call after delivering a message. */
  poke(): void
  /** Stops the timer; no tick runs after it returns. */
  stop(): void
}

export interface TickLoopOptions {
  readonly clock: Clock
  readonly logger: Logger
  /** The longest the loop sleeps even when the node asks for longer, a guard against a missed poke. */
  readonly maxSleepMs: number
  /** For tests: timers driven by a virtual clock. The real ones by default. */
  readonly timers?: Timers
}

/** The two timer functions the loop uses. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): unknown
  clearTimeout(handle: unknown): void
}

const REAL_TIMERS: Timers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: handle => { clearTimeout(handle as ReturnType<typeof setTimeout>) }
}

export function startTickLoop (node: Tickable, options: TickLoopOptions): TickLoop {
  const timers = options.timers ?? REAL_TIMERS
  let timer: unknown = null
  let armedAtMs = Number.POSITIVE_INFINITY
  let stopped = false

  const arm = (): void => {
    if (stopped) return
    const now = options.clock.nowMs()
    const dueMs = Math.min(node.nextWakeupMs(), now + options.maxSleepMs)
    if (timer !== null && dueMs >= armedAtMs) return
    if (timer !== null) timers.clearTimeout(timer)
    armedAtMs = dueMs
    timer = timers.setTimeout(fire, Math.max(0, Math.ceil(dueMs - now)))
  }

  const fire = (): void => {
    timer = null
    armedAtMs = Number.POSITIVE_INFINITY
    if (stopped) return
    try {
      node.onTick()
    } catch (error) {
      // A broken invariant in the protocol: log it loudly; the supervisor sees the process exit.
      options.logger.error({ err: error }, 'overlay tick failed')
      throw error
    }
    arm()
  }

  arm()
  return {
    poke: arm,
    stop: () => {
      stopped = true
      if (timer !== null) timers.clearTimeout(timer)
      timer = null
    }
  }
}
