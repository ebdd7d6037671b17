import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Clock, Logger } from '../core/ports.ts'
import type { CloudletLoad } from '../protocol/placement/cloudlet-load.ts'
import { CloudletLoadMonitor } from './cloudlet-load-monitor.ts'
import { NO_CLOUDLET_LOAD } from './no-cloudlet-load.ts'

/** A clock the test moves by hand. */
class VirtualClock implements Clock {
  #nowMs = 0
  nowMs (): number { return this.#nowMs }
  wallClockMs (): number { return 1_767_225_600_000 + this.#nowMs }
  advanceBy (ms: number): void { this.#nowMs += ms }
}

function load (used: number): CloudletLoad {
  return { vcpus: { capacity: 10, used }, memoryMb: { capacity: 1000, used: 0 }, diskGb: { capacity: 100, used: 0 } }
}

function recordingLogger (): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return { warnings, debug () {}, info () {}, warn (_fields, message) { warnings.push(message) }, error () {} }
}

describe('CloudletLoadMonitor', () => {
  it('has no capacity before its first good read, then the latest load', async () => {
    const clock = new VirtualClock()
    let used = 3
    const monitor = new CloudletLoadMonitor({ source: { read: async () => load(used) }, clock, logger: recordingLogger(), refreshMs: 60_000 })
    assert.equal(monitor.load(), NO_CLOUDLET_LOAD)
    await monitor.start()
    assert.equal(monitor.load().vcpus.used, 3)
    used = 5
    monitor.refreshSoon()
    await monitor.settled()
    assert.equal(monitor.load().vcpus.used, 5)
    monitor.stop()
  })

  it('reads again after a read in flight when asked during it, so a landed create is seen', async () => {
    const clock = new VirtualClock()
    let used = 0
    let release: () => void = () => {}
    let reads = 0
    const monitor = new CloudletLoadMonitor({
      source: {
        read: async () => {
          reads++
          const value = used
          if (reads === 1) await new Promise<void>(resolve => { release = resolve })
          return load(value)
        }
      },
      clock,
      logger: recordingLogger(),
      refreshMs: 60_000
    })
    monitor.refreshSoon()
    used = 1 // the create lands while the first read is in flight
    monitor.refreshSoon()
    release()
    await monitor.settled()
    assert.equal(reads, 2)
    assert.equal(monitor.load().vcpus.used, 1)
  })

  it('keeps the last load through failures, logs each distinct problem once, and gives up after staleAfterMs', async () => {
    const clock = new VirtualClock()
    const logger = recordingLogger()
    let fail = false
    const monitor = new CloudletLoadMonitor({
      source: { read: async () => { if (fail) throw new Error('Placement answered 503'); return load(2) } },
      clock,
      logger,
      refreshMs: 60_000,
      staleAfterMs: 10_000
    })
    await monitor.start()
    fail = true
    for (let i = 0; i < 3; i++) {
      clock.advanceBy(2_000)
      monitor.refreshSoon()
      await monitor.settled()
    }
    assert.equal(monitor.load().vcpus.used, 2)
    assert.equal(monitor.failures, 3)
    assert.equal(logger.warnings.length, 1)
    clock.advanceBy(5_000)
    assert.equal(monitor.load(), NO_CLOUDLET_LOAD)
    monitor.stop()
  })
})
