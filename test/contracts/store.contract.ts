/**
 * The Store port's contract, run on every implementation (MemoryStore, SqliteStore): what a
 * put returns later, deletes, kinds kept apart, values copied rather than shared, and
 * transactions that keep all their writes or none, nested ones joining the outer.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Store } from '../../src/core/ports.ts'

export function storeContract (name: string, makeStore: () => Store & { reopen?: () => Store }): void {
  describe(`${name} (Store contract)`, () => {
    it('returns what was put, by kind, and forgets what was deleted', () => {
      const store = makeStore()
      store.put('a', '1', { n: 1 })
      store.put('a', '2', { n: 2 })
      store.put('b', '1', { other: true })
      store.put('a', '1', { n: 10 })
      store.delete('a', '2')
      store.delete('a', 'absent')
      assert.deepEqual(store.entries('a'), [['1', { n: 10 }]])
      assert.deepEqual(store.entries('b'), [['1', { other: true }]])
      assert.deepEqual(store.entries('none'), [])
    })

    it('keeps a copy: changing a value after put changes nothing stored', () => {
      const store = makeStore()
      const value = { list: [1, 2] }
      store.put('a', 'x', value)
      value.list.push(3)
      assert.deepEqual(store.entries('a'), [['x', { list: [1, 2] }]])
    })

    it('keeps every write of a transaction that returns, and none of one that throws', () => {
      const store = makeStore()
      store.put('a', 'kept', 1)
      assert.equal(store.transaction(() => { store.put('a', 'x', 1); store.delete('a', 'kept'); return 'done' }), 'done')
      assert.deepEqual(store.entries('a'), [['x', 1]])
      assert.throws(() => store.transaction(() => {
        store.put('a', 'y', 2)
        store.put('a', 'x', 99)
        store.delete('a', 'x')
        store.transaction(() => { store.put('a', 'z', 3) })
        throw new Error('boom')
      }), /boom/)
      assert.deepEqual(store.entries('a'), [['x', 1]])
    })

    it('survives being opened again, where it is durable', () => {
      const store = makeStore()
      if (store.reopen === undefined) return
      store.put('a', 'x', { kept: true })
      const again = store.reopen()
      assert.deepEqual(again.entries('a'), [['x', { kept: true }]])
    })
  })
}
