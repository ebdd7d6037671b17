/**
 * CalendarQueue pops exactly what EventQueue pops, in the same order — by time, then push
 * order — on seeded workloads built to hit every path: many events in one bucket, pushes into
 * the bucket being drained, times already passed, events beyond the wheel's horizon that must
 * move onto it, a queue that empties and starts again far later, and fractional times.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CalendarQueue } from './calendar-queue.ts'
import { EventQueue } from './event-queue.ts'
import { SeededRandom } from './seeded-random.ts'

interface Popped { atMs: number, kind: number, target: number, source: number, payload: number | undefined }

/** Runs the same pushes and pops on both queues; returns what each popped. */
function compare (seed: number, steps: number, nextTime: (random: SeededRandom, nowMs: number) => number, options?: { bucketWidthMs?: number, bucketCount?: number }): { calendar: Popped[], heap: Popped[] } {
  const random = new SeededRandom(seed)
  const calendar = new CalendarQueue<number>(options)
  const heap = new EventQueue<number>(16)
  const out = { calendar: [] as Popped[], heap: [] as Popped[] }
  let nowMs = 0
  for (let step = 0; step < steps; step++) {
    if (random.int(5) < 3 || heap.size === 0) {
      const atMs = nextTime(random, nowMs)
      const kind = random.int(4)
      const target = random.int(1000)
      calendar.push(atMs, kind, target, step, step)
      heap.push(atMs, kind, target, step, step)
    } else {
      assert.equal(calendar.peekTimeMs(), heap.peekTimeMs())
      assert.equal(calendar.pop(), true)
      assert.equal(heap.pop(), true)
      out.calendar.push({ ...calendar.popped })
      out.heap.push({ ...heap.popped })
      nowMs = heap.popped.atMs
    }
    assert.equal(calendar.size, heap.size)
  }
  while (heap.pop()) {
    assert.equal(calendar.pop(), true)
    out.calendar.push({ ...calendar.popped })
    out.heap.push({ ...heap.popped })
  }
  assert.equal(calendar.pop(), false)
  assert.equal(calendar.peekTimeMs(), Number.POSITIVE_INFINITY)
  assert.equal(calendar.pushed, heap.pushed)
  return out
}

describe('CalendarQueue', () => {
  it('pops in time order and, at equal times, in push order, carrying each event', () => {
    const queue = new CalendarQueue<string>()
    queue.push(30, 1, 0, 0, 'c')
    queue.push(10.5, 2, 1, 9, 'a')
    queue.push(20, 1, 2, 0, 'b1')
    queue.push(20, 1, 3, 0, 'b2')
    queue.push(100_000, 1, 4, 0, 'far')
    queue.push(20, 1, 5, 0, 'b3')
    assert.equal(queue.size, 6)
    assert.equal(queue.peekTimeMs(), 10.5)
    assert.equal(queue.pop(), true)
    assert.deepEqual({ ...queue.popped }, { atMs: 10.5, kind: 2, target: 1, source: 9, payload: 'a' })
    const rest: string[] = []
    while (queue.pop()) rest.push(queue.popped.payload as string)
    assert.deepEqual(rest, ['b1', 'b2', 'b3', 'c', 'far'])
    assert.equal(queue.size, 0)
  })

  it('matches EventQueue with events near now, in the bucket being drained and in the past (seed 1)', () => {
    const { calendar, heap } = compare(1, 30_000, (random, now) => Math.max(0, now + random.int(40) - 5 + random.int(4) / 4))
    assert.deepEqual(calendar, heap)
  })

  it('matches EventQueue with events far beyond the horizon and a wheel that empties (seed 2)', () => {
    const { calendar, heap } = compare(2, 30_000, (random, now) => now + (random.int(10) === 0 ? random.int(2_000_000) : random.int(3_000)) + random.int(1000) / 1000, { bucketWidthMs: 1, bucketCount: 1024 })
    assert.deepEqual(calendar, heap)
  })

  it('matches EventQueue with wide buckets holding hundreds of events each (seed 3)', () => {
    const { calendar, heap } = compare(3, 30_000, (random, now) => now + random.int(5_000) / 7, { bucketWidthMs: 500, bucketCount: 8 })
    assert.deepEqual(calendar, heap)
  })

  it('refuses a time that is not finite and a bucket count that is not a power of two', () => {
    assert.throws(() => new CalendarQueue<number>().push(Number.POSITIVE_INFINITY, 1, 0, 0), /finite/)
    assert.throws(() => new CalendarQueue<number>({ bucketCount: 1000 }), /power of two/)
  })
})
