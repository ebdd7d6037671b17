/**
 * EventQueue: the discrete-event simulator's agenda, a binary min-heap ordered by (time,
 * insertion sequence), so events at the same virtual time run in the order they were
 * scheduled and a run replays exactly. An event is a small record — a kind, a target and a
 * source (agent indexes) and an optional payload — kept in parallel typed arrays rather than
 * as one object or closure per event: the 100,000-agent run schedules tens of millions.
 */

/** Where events are scheduled: EventQueue, or CalendarQueue for large runs (the same order). */
export interface EventSink<P> {
  push(atMs: number, kind: number, target: number, source: number, payload?: P): void
}

/** The earliest event, as `pop()` leaves it; one record reused for every pop. */
export interface PoppedEvent<P> {
  atMs: number
  kind: number
  target: number
  source: number
  payload: P | undefined
}

export class EventQueue<P> implements EventSink<P> {
  /** The event the last successful `pop()` removed. Overwritten by the next pop. */
  readonly popped: PoppedEvent<P> = { atMs: 0, kind: 0, target: 0, source: 0, payload: undefined }

  #capacity: number
  /** Heap of slot numbers; the slot arrays below hold the events themselves. */
  #heap: Int32Array
  #size = 0
  #times: Float64Array
  #seqs: Float64Array
  #kinds: Uint8Array
  #targets: Int32Array
  #sources: Int32Array
  #payloads: Array<P | undefined>
  /** Slots not in use, as a stack. */
  #free: Int32Array
  #freeCount: number
  #nextSeq = 0
  #poppedSeq = 0

  constructor (initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity)
    this.#capacity = capacity
    this.#heap = new Int32Array(capacity)
    this.#times = new Float64Array(capacity)
    this.#seqs = new Float64Array(capacity)
    this.#kinds = new Uint8Array(capacity)
    this.#targets = new Int32Array(capacity)
    this.#sources = new Int32Array(capacity)
    this.#payloads = new Array<P | undefined>(capacity).fill(undefined)
    this.#free = new Int32Array(capacity)
    for (let i = 0; i < capacity; i++) this.#free[i] = capacity - 1 - i
    this.#freeCount = capacity
  }

  /** How many events are waiting. */
  get size (): number {
    return this.#size
  }

  /** How many events were ever pushed (also the next insertion sequence number). */
  get pushed (): number {
    return this.#nextSeq
  }

  /** The sequence number of the event the last `pop()` removed. */
  get poppedSeq (): number {
    return this.#poppedSeq
  }

  /** The time of the earliest event, or +Infinity when the queue is empty. */
  peekTimeMs (): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#times[this.#heap[0] as number] as number
  }

  /** Schedules an event. `kind` is a small integer (0–255) the caller gives meaning to. */
  push (atMs: number, kind: number, target: number, source: number, payload?: P): void {
    this.pushWithSeq(atMs, this.#nextSeq++, kind, target, source, payload)
  }

  /**
   * Schedules an event with a sequence number of the caller's (CalendarQueue keeps its own and
   * parks far events here): events at equal times pop in `seq` order.
   */
  pushWithSeq (atMs: number, seq: number, kind: number, target: number, source: number, payload?: P): void {
    if (this.#freeCount === 0) this.#grow()
    const slot = this.#free[--this.#freeCount] as number
    this.#times[slot] = atMs
    this.#seqs[slot] = seq
    this.#kinds[slot] = kind
    this.#targets[slot] = target
    this.#sources[slot] = source
    this.#payloads[slot] = payload
    this.#siftUp(this.#size++, slot)
  }

  /** Removes the earliest event into `popped`; false when the queue is empty. */
  pop (): boolean {
    if (this.#size === 0) return false
    const heap = this.#heap
    const slot = heap[0] as number
    const popped = this.popped
    popped.atMs = this.#times[slot] as number
    popped.kind = this.#kinds[slot] as number
    popped.target = this.#targets[slot] as number
    popped.source = this.#sources[slot] as number
    popped.payload = this.#payloads[slot]
    this.#poppedSeq = this.#seqs[slot] as number
    this.#payloads[slot] = undefined
    this.#free[this.#freeCount++] = slot
    const last = heap[--this.#size] as number
    if (this.#size > 0) this.#siftDown(0, last)
    return true
  }

  #before (a: number, b: number): boolean {
    const ta = this.#times[a] as number
    const tb = this.#times[b] as number
    return ta < tb || (ta === tb && (this.#seqs[a] as number) < (this.#seqs[b] as number))
  }

  #siftUp (index: number, slot: number): void {
    const heap = this.#heap
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      const parentSlot = heap[parent] as number
      if (!this.#before(slot, parentSlot)) break
      heap[i] = parentSlot
      i = parent
    }
    heap[i] = slot
  }

  #siftDown (index: number, slot: number): void {
    const heap = this.#heap
    const size = this.#size
    let i = index
    for (;;) {
      const left = 2 * i + 1
      if (left >= size) break
      const right = left + 1
      let child = left
      let childSlot = heap[left] as number
      if (right < size) {
        const rightSlot = heap[right] as number
        if (this.#before(rightSlot, childSlot)) {
          child = right
          childSlot = rightSlot
        }
      }
      if (!this.#before(childSlot, slot)) break
      heap[i] = childSlot
      i = child
    }
    heap[i] = slot
  }

  #grow (): void {
    const old = this.#capacity
    const capacity = old * 2
    this.#capacity = capacity
    this.#heap = grown(this.#heap, new Int32Array(capacity))
    this.#times = grown(this.#times, new Float64Array(capacity))
    this.#seqs = grown(this.#seqs, new Float64Array(capacity))
    this.#kinds = grown(this.#kinds, new Uint8Array(capacity))
    this.#targets = grown(this.#targets, new Int32Array(capacity))
    this.#sources = grown(this.#sources, new Int32Array(capacity))
    for (let i = old; i < capacity; i++) this.#payloads.push(undefined)
    const free = new Int32Array(capacity)
    free.set(this.#free.subarray(0, this.#freeCount))
    // The new slots go under the existing free ones; all old slots are in use when we grow.
    for (let i = 0; i < old; i++) free[this.#freeCount + i] = capacity - 1 - i
    this.#freeCount += old
    this.#free = free
  }
}

function grown<T extends Int32Array | Float64Array | Uint8Array> (from: T, to: T): T {
  to.set(from)
  return to
}
