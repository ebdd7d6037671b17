/**
 * CalendarQueue: the simulator's agenda for large runs, a bucketed timing wheel over virtual
 * time. It orders events exactly as EventQueue does — by time, then by the order they were
 * pushed — so swapping one for the other changes no result, only the speed.
 *
 * Why: at 100,000 agents a few hundred thousand events are pending, and every pop of a binary
 * heap that size walks ~18 levels of memory that is not in any CPU cache. Here the wheel has
 * `bucketCount` buckets of `bucketWidthMs` each; an event goes, as a record appended to its
 * bucket's own array, to the bucket of its time, and only the bucket being drained is sorted
 * (a few dozen events at this scale, sorted through an index). Pushing is an append, popping
 * is a read of the next record, and the records a cycle touches are contiguous. Events beyond
 * the wheel's horizon (bucketCount × bucketWidthMs ahead) wait in an EventQueue heap and move
 * onto the wheel as it turns; an event pushed into the bucket being drained is inserted in
 * its sorted place.
 */
import { assert } from '../core/assert.ts'
import type { EventSink, PoppedEvent } from './event-queue.ts'
import { EventQueue } from './event-queue.ts'

/** Fields of a record, in a bucket's Float64Array. */
const TIME = 0
const SEQ = 1
const KIND = 2
const TARGET = 3
const SOURCE = 4
const STRIDE = 5

class Bucket<P> {
  records = new Float64Array(8 * STRIDE)
  payloads: Array<P | undefined> = new Array<P | undefined>(8).fill(undefined)
  count = 0

  append (atMs: number, seq: number, kind: number, target: number, source: number, payload: P | undefined): number {
    const index = this.count++
    if (index * STRIDE >= this.records.length) {
      const records = new Float64Array(this.records.length * 2)
      records.set(this.records)
      this.records = records
      for (let i = this.payloads.length; i < records.length / STRIDE; i++) this.payloads.push(undefined)
    }
    const at = index * STRIDE
    const records = this.records
    records[at + TIME] = atMs
    records[at + SEQ] = seq
    records[at + KIND] = kind
    records[at + TARGET] = target
    records[at + SOURCE] = source
    // A slot's payload is cleared when its event pops, so an event without one (a wakeup, most
    // of the far ones) need not touch the payloads at all.
    if (payload !== undefined) this.payloads[index] = payload
    return index
  }
}

export interface CalendarQueueOptions {
  /** Width of a bucket in virtual ms (default 1). */
  readonly bucketWidthMs?: number
  /** Buckets on the wheel, a power of two (default 16,384: with 1 ms buckets, 16.4 s ahead). */
  readonly bucketCount?: number
}

export class CalendarQueue<P> implements EventSink<P> {
  /** The event the last successful `pop()` removed. Overwritten by the next pop. */
  readonly popped: PoppedEvent<P> = { atMs: 0, kind: 0, target: 0, source: 0, payload: undefined }

  readonly #widthMs: number
  readonly #mask: number
  readonly #buckets: Array<Bucket<P> | undefined>
  /** Events beyond the wheel's horizon. */
  readonly #overflow: EventQueue<P>
  /** The bucket number (time / width, not wrapped) being drained; its events are sorted in #order. */
  #cursor = 0
  /** The drained bucket's record indexes in (time, seq) order; #order[#next … #orderCount) are still to pop. */
  #order = new Int32Array(64)
  #orderCount = 0
  #next = 0
  /** Events on the wheel, the drained bucket's remaining ones included. */
  #onWheel = 0
  #nextSeq = 0

  constructor (options: CalendarQueueOptions = {}) {
    const width = options.bucketWidthMs ?? 1
    const count = options.bucketCount ?? 16_384
    assert(width > 0, 'bucketWidthMs must be positive')
    assert(Number.isInteger(count) && count >= 2 && (count & (count - 1)) === 0, 'bucketCount must be a power of two ≥ 2')
    this.#widthMs = width
    this.#mask = count - 1
    this.#buckets = new Array<Bucket<P> | undefined>(count).fill(undefined)
    this.#overflow = new EventQueue<P>(64)
  }

  /** How many events are waiting. */
  get size (): number {
    return this.#onWheel + this.#overflow.size
  }

  /** How many events were ever pushed (also the next insertion sequence number). */
  get pushed (): number {
    return this.#nextSeq
  }

  /** Schedules an event. `kind` is a small integer (0–255) the caller gives meaning to. */
  push (atMs: number, kind: number, target: number, source: number, payload?: P): void {
    assert(Number.isFinite(atMs), 'an event needs a finite time')
    this.#place(atMs, this.#nextSeq++, kind, target, source, payload)
  }

  /** The time of the earliest event, or +Infinity when the queue is empty. */
  peekTimeMs (): number {
    if (!this.#ready()) return Number.POSITIVE_INFINITY
    const bucket = this.#buckets[this.#cursor & this.#mask] as Bucket<P>
    return bucket.records[(this.#order[this.#next] as number) * STRIDE + TIME] as number
  }

  /** The target of the earliest event, or −1 when the queue is empty. */
  peekTarget (): number {
    if (!this.#ready()) return -1
    const bucket = this.#buckets[this.#cursor & this.#mask] as Bucket<P>
    return bucket.records[(this.#order[this.#next] as number) * STRIDE + TARGET] as number
  }

  /** Removes the earliest event into `popped`; false when the queue is empty. */
  pop (): boolean {
    if (!this.#ready()) return false
    const bucket = this.#buckets[this.#cursor & this.#mask] as Bucket<P>
    const index = this.#order[this.#next++] as number
    const at = index * STRIDE
    const records = bucket.records
    const popped = this.popped
    popped.atMs = records[at + TIME] as number
    popped.kind = records[at + KIND] as number
    popped.target = records[at + TARGET] as number
    popped.source = records[at + SOURCE] as number
    const payload = bucket.payloads[index]
    popped.payload = payload
    if (payload !== undefined) bucket.payloads[index] = undefined
    this.#onWheel--
    return true
  }

  #place (atMs: number, seq: number, kind: number, target: number, source: number, payload: P | undefined): void {
    const number = Math.floor(atMs / this.#widthMs)
    if (number > this.#cursor + this.#mask) {
      this.#overflow.pushWithSeq(atMs, seq, kind, target, source, payload)
      return
    }
    this.#onWheel++
    if (number <= this.#cursor) {
      // Into the bucket being drained (or, for a time already passed, at its front): sorted in.
      this.#insertIntoDrained(atMs, seq, kind, target, source, payload)
      return
    }
    const slot = number & this.#mask
    const bucket = this.#buckets[slot] ?? (this.#buckets[slot] = new Bucket<P>())
    bucket.append(atMs, seq, kind, target, source, payload)
  }

  #insertIntoDrained (atMs: number, seq: number, kind: number, target: number, source: number, payload: P | undefined): void {
    const slot = this.#cursor & this.#mask
    const bucket = this.#buckets[slot] ?? (this.#buckets[slot] = new Bucket<P>())
    const index = bucket.append(atMs, seq, kind, target, source, payload)
    if (this.#orderCount === this.#order.length) this.#growOrder()
    // The new event has the highest seq: it goes after every waiting event at a time ≤ atMs.
    const records = bucket.records
    let low = this.#next
    let high = this.#orderCount
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((records[(this.#order[mid] as number) * STRIDE + TIME] as number) <= atMs) low = mid + 1
      else high = mid
    }
    this.#order.copyWithin(low + 1, low, this.#orderCount)
    this.#order[low] = index
    this.#orderCount++
  }

  /** Makes #order[#next] the earliest event, turning the wheel as needed; false when there is none. */
  #ready (): boolean {
    if (this.#next < this.#orderCount) return true
    if (this.size === 0) return false
    // The drained bucket is empty: recycle it and turn to the next bucket that holds events.
    const drained = this.#buckets[this.#cursor & this.#mask]
    if (drained !== undefined) drained.count = 0
    this.#next = 0
    this.#orderCount = 0
    for (;;) {
      if (this.#onWheel === 0) {
        // Only events beyond the horizon: jump to the first of them.
        this.#cursor = Math.floor(this.#overflow.peekTimeMs() / this.#widthMs)
      } else {
        this.#cursor++
      }
      this.#admitFromOverflow()
      const bucket = this.#buckets[this.#cursor & this.#mask]
      if (bucket !== undefined && bucket.count > 0) {
        this.#sortDrained(bucket)
        return true
      }
    }
  }

  /** Moves the events that the wheel now reaches from the overflow heap onto it. */
  #admitFromOverflow (): void {
    const overflow = this.#overflow
    const horizonMs = (this.#cursor + this.#mask + 1) * this.#widthMs
    while (overflow.size > 0 && overflow.peekTimeMs() < horizonMs) {
      overflow.pop()
      const e = overflow.popped
      const number = Math.floor(e.atMs / this.#widthMs)
      const slot = number & this.#mask
      const bucket = this.#buckets[slot] ?? (this.#buckets[slot] = new Bucket<P>())
      bucket.append(e.atMs, overflow.poppedSeq, e.kind, e.target, e.source, e.payload)
      this.#onWheel++
    }
  }

  /** Puts the bucket's records in (time, seq) order into #order. */
  #sortDrained (bucket: Bucket<P>): void {
    const count = bucket.count
    while (this.#order.length < count) this.#growOrder()
    const order = this.#order
    const records = bucket.records
    for (let i = 0; i < count; i++) order[i] = i
    if (count <= 48) {
      // Insertion sort: the buckets of a large run hold a few dozen events.
      for (let i = 1; i < count; i++) {
        const index = order[i] as number
        const time = records[index * STRIDE + TIME] as number
        const seq = records[index * STRIDE + SEQ] as number
        let j = i - 1
        for (; j >= 0; j--) {
          const other = order[j] as number
          const otherTime = records[other * STRIDE + TIME] as number
          if (otherTime < time || (otherTime === time && (records[other * STRIDE + SEQ] as number) < seq)) break
          order[j + 1] = other
        }
        order[j + 1] = index
      }
    } else {
      order.subarray(0, count).sort((a, b) => {
        const dt = (records[a * STRIDE + TIME] as number) - (records[b * STRIDE + TIME] as number)
        return dt !== 0 ? dt : (records[a * STRIDE + SEQ] as number) - (records[b * STRIDE + SEQ] as number)
      })
    }
    this.#orderCount = count
    this.#next = 0
  }

  #growOrder (): void {
    const order = new Int32Array(this.#order.length * 2)
    order.set(this.#order)
    this.#order = order
  }
}
