/** SystemClock: the Clock port on the real clocks of the process. */
import type { Clock } from '../core/ports.ts'

export class SystemClock implements Clock {
  nowMs (): number {
    return performance.now()
  }

  wallClockMs (): number {
    return Date.now()
  }
}
