/**
 * VirtualClock: the Clock port under the control of a simulation or a test. Time moves only
 * when told to; the wall clock is a fixed epoch plus the virtual time.
 */
import type { Clock } from '../core/ports.ts'

export class VirtualClock implements Clock {
  #nowMs = 0
  readonly #epochMs: number

  /** `epochMs` is the wall-clock time at virtual time 0 (default 2026-01-01T00:00:00Z). */
  constructor (epochMs = Date.UTC(2026, 0, 1)) {
    this.#epochMs = epochMs
  }

  nowMs (): number {
    return this.#nowMs
  }

  wallClockMs (): number {
    return this.#epochMs + this.#nowMs
  }

  advanceTo (ms: number): void {
    if (ms < this.#nowMs) throw new RangeError(`time cannot go back from ${this.#nowMs} to ${ms}`)
    this.#nowMs = ms
  }

  advanceBy (ms: number): void {
    this.advanceTo(this.#nowMs + ms)
  }
}
