/**
 * The tick loop on a virtual clock, with timers that fire when the virtual clock reaches them,
 * so that time is exact: it ticks when the node says work is due and not before, wakes earlier
 * when poked, never sleeps past its cap, and stops.
 */
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { silentLogger } from '../core/ports.ts'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { startTickLoop } from './overlay-tick-loop.ts'
import type { Timers } from './overlay-tick-loop.ts'

describe('startTickLoop', () => {
  let clock: VirtualClock
  let pending: Array<{ atMs: number, callback: () => void }>
  const timers: Timers = {
    setTimeout: (callback, delayMs) => {
      const timer = { atMs: clock.nowMs() + delayMs, callback }
      pending.push(timer)
      return timer
    },
    clearTimeout: handle => { pending = pending.filter(t => t !== handle) }
  }
  beforeEach(() => {
    clock = new VirtualClock()
    pending = []
  })

  /** Moves the virtual clock on 1 ms at a time, firing the timers that come due. */
  const advance = (ms: number): void => {
    for (let i = 0; i < ms; i++) {
      clock.advanceBy(1)
      for (const due of pending.filter(t => t.atMs <= clock.nowMs())) {
        pending = pending.filter(t => t !== due)
        due.callback()
      }
    }
  }

  /** A node with work every `periodMs`, recording when it ticked. */
  function node (periodMs: number): { nextAtMs: number, ticks: number[], onTick(): void, nextWakeupMs(): number } {
    return {
      nextAtMs: periodMs,
      ticks: [],
      onTick () {
        this.ticks.push(clock.nowMs())
        if (clock.nowMs() >= this.nextAtMs) this.nextAtMs += periodMs
      },
      nextWakeupMs () { return this.nextAtMs }
    }
  }

  it('ticks when the node has work, and only then', () => {
    const n = node(100)
    const loop = startTickLoop(n, { clock, logger: silentLogger, timers, maxSleepMs: 10_000 })
    advance(1_000)
    assert.deepEqual(n.ticks, [100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000])
    loop.stop()
  })

  it('wakes earlier when poked after work became due sooner', () => {
    const n = node(500)
    const loop = startTickLoop(n, { clock, logger: silentLogger, timers, maxSleepMs: 10_000 })
    advance(100)
    n.nextAtMs = 150
    loop.poke()
    advance(100)
    assert.deepEqual(n.ticks, [150])
    loop.stop()
  })

  it('never sleeps longer than maxSleepMs', () => {
    const n = node(100)
    n.nextAtMs = Number.POSITIVE_INFINITY
    const loop = startTickLoop(n, { clock, logger: silentLogger, timers, maxSleepMs: 300 })
    advance(700)
    assert.deepEqual(n.ticks, [300, 600])
    loop.stop()
  })

  it('ticks no more once stopped', () => {
    const n = node(100)
    const loop = startTickLoop(n, { clock, logger: silentLogger, timers, maxSleepMs: 10_000 })
    advance(250)
    loop.stop()
    loop.poke()
    advance(1_000)
    assert.deepEqual(n.ticks, [100, 200])
  })
})
