/**
 * EventQueue orders events by time and, at equal times, by the order they were pushed; it
 * grows past its initial capacity without losing or reordering anything. Checked against a
 * plain sort on seeded random workloads that interleave pushes and pops.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EventQueue } from './event-queue.ts'
import { SeededRandom } from './seeded-random.ts'

function drain<P> (queue: EventQueue<P>): Array<{ atMs: number, target: number, payload: P | undefined }> {
  const out: Array<{ atMs: number, target: number, payload: P | undefined }> = []
  while (queue.pop()) out.push({ atMs: queue.popped.atMs, target: queue.popped.target, payload: queue.popped.payload })
  return out
}

describe('EventQueue', () => {
  it('pops events in time order and, at equal times, in push order', () => {
    const queue = new EventQueue<string>(16)
    queue.push(30, 1, 0, 0, 'c')
    queue.push(10, 1, 1, 0, 'a')
    queue.push(20, 1, 2, 0, 'b1')
    queue.push(20, 1, 3, 0, 'b2')
    queue.push(20, 1, 4, 0, 'b3')
    assert.deepEqual(drain(queue).map(e => e.payload), ['a', 'b1', 'b2', 'b3', 'c'])
  })

  it('carries kind, target, source and payload of each event', () => {
    const queue = new EventQueue<{ x: number }>()
    const payload = { x: 1 }
    queue.push(5, 7, 11, 13, payload)
    assert.equal(queue.peekTimeMs(), 5)
    assert.equal(queue.pop(), true)
    assert.deepEqual({ ...queue.popped }, { atMs: 5, kind: 7, target: 11, source: 13, payload })
    assert.equal(queue.pop(), false)
    assert.equal(queue.peekTimeMs(), Number.POSITIVE_INFINITY)
  })

  it('grows past its capacity and matches a stable sort on interleaved pushes and pops (seed 7)', () => {
    const random = new SeededRandom(7)
    const queue = new EventQueue<number>(16)
    const reference: Array<{ atMs: number, seq: number }> = []
    const popped: number[] = []
    const expected: number[] = []
    let seq = 0
    for (let step = 0; step < 20_000; step++) {
      if (random.int(3) > 0 || reference.length === 0) {
        const atMs = random.int(500)
        queue.push(atMs, 1, 0, 0, seq)
        reference.push({ atMs, seq })
        seq++
      } else {
        reference.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)
        expected.push((reference.shift() as { seq: number }).seq)
        assert.equal(queue.pop(), true)
        popped.push(queue.popped.payload as number)
      }
    }
    reference.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)
    expected.push(...reference.map(r => r.seq))
    popped.push(...drain(queue).map(e => e.payload as number))
    assert.deepEqual(popped, expected)
    assert.equal(queue.size, 0)
    assert.equal(queue.pushed, seq)
  })
})
