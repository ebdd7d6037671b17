/**
 * DueQueue: things that happen later (a server finishing its build, a reboot ending), kept as
 * values with a due time rather than as timers, so the emulator stays deterministic and needs
 * no timer. The emulator drains what is due before it handles each request; after a restart
 * it is refilled from the rows, which carry their own due times.
 */

interface Entry<E> {
  readonly atMs: number
  readonly seq: number
  readonly event: E
}

export class DueQueue<E> {
  #heap: Array<Entry<E>> = []
  #seq = 0

  get size (): number {
    return this.#heap.length
  }

  push (atMs: number, event: E): void {
    const heap = this.#heap
    heap.push({ atMs, seq: this.#seq++, event })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i] as Entry<E>, heap[parent] as Entry<E>)) break
      swap(heap, i, parent)
      i = parent
    }
  }

  /** Removes and returns the earliest event due at or before `nowMs`, or undefined. */
  popDue (nowMs: number): E | undefined {
    const heap = this.#heap
    const top = heap[0]
    if (top === undefined || top.atMs > nowMs) return undefined
    const last = heap.pop() as Entry<E>
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < heap.length && before(heap[left] as Entry<E>, heap[smallest] as Entry<E>)) smallest = left
        if (right < heap.length && before(heap[right] as Entry<E>, heap[smallest] as Entry<E>)) smallest = right
        if (smallest === i) break
        swap(heap, i, smallest)
        i = smallest
      }
    }
    return top.event
  }
}

function before<E> (a: Entry<E>, b: Entry<E>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq)
}

function swap<E> (heap: Array<Entry<E>>, i: number, j: number): void {
  const t = heap[i] as Entry<E>
  heap[i] = heap[j] as Entry<E>
  heap[j] = t
}
