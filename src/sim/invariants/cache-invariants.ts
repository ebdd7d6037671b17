/**
 * Invariants of a Cyclon agent, checked by the simulator on every agent at every cycle: a cache
 * never holds its owner, never holds an agent twice and never exceeds cacheSize, and no more
 * than maxPendingShuffles shuffles await replies. A broken invariant is a bug in the protocol
 * code, so it stops the run (the caller prints the seed). The messages are built only when a
 * check fails: at 100,000 agents these run two million times a cycle.
 */
import { assert } from '../../core/assert.ts'

/**
 * Checks the cache of agent `owner`, given as agent indexes in `links[from … to)`. `mark` is
 * scratch space of one slot per agent; `stamp` must differ between calls (e.g. the owner's index).
 */
export function assertCacheInvariants (owner: number, links: Int32Array, from: number, to: number, cacheSize: number, mark: Int32Array, stamp: number): void {
  if (to - from > cacheSize) assert(false, `agent ${owner}: cache holds ${to - from} entries, more than cacheSize ${cacheSize}`)
  for (let k = from; k < to; k++) {
    const target = links[k] as number
    if (target === owner) assert(false, `agent ${owner}: cache holds the agent itself`)
    if (mark[target] === stamp) assert(false, `agent ${owner}: cache holds agent ${target} twice`)
    mark[target] = stamp
  }
}

/** Checks that agent `owner` awaits at most `maxPendingShuffles` replies (the table is bounded). */
export function assertPendingBound (owner: number, pendingShuffles: number, maxPendingShuffles: number): void {
  if (!(pendingShuffles >= 0 && pendingShuffles <= maxPendingShuffles)) assert(false, `agent ${owner}: ${pendingShuffles} shuffles await replies, more than maxPendingShuffles ${maxPendingShuffles}`)
}
