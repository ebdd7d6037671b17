/**
 * The location store on the proxy's hot path: µs per get() (through the LRU, and straight from
 * SQLite with the LRU off), per put() (each its own durable transaction, WAL, synchronous=NORMAL),
 * per byAgent(), with n records in a file on disk.
 *
 *   node --import tsx bench/location-store.ts [records=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { LocationStore } from '../src/agent/location-store.ts'

const records = Number(process.argv[2] ?? 100_000)
const dir = mkdtempSync(join(tmpdir(), 'p2pstack-bench-locations-'))
const agents = Array.from({ length: 50 }, (_, i) => ({ id: `agent-${i}`, address: `https://10.0.0.${i}:4000` }))
const id = (i: number): string => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`

function time (label: string, count: number, fn: (i: number) => void): void {
  const start = performance.now()
  for (let i = 0; i < count; i++) fn(i)
  const us = (performance.now() - start) * 1000 / count
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(8)} µs  (${count} ops)`)
}

try {
  const path = join(dir, 'state.sqlite')
  const store = new LocationStore(path)
  time('put (new record, one transaction each)', records, i => {
    store.put(id(i), 'server', { agent: agents[i % agents.length] as typeof agents[number], projectId: `project-${i % 200}`, createdAt: '2026-01-01T00:00:00Z' })
  })
  time('put (replace an existing record)', 20_000, i => {
    store.put(id((i * 7919) % records), 'server', { agent: agents[(i + 1) % agents.length] as typeof agents[number], projectId: `project-${i % 200}`, createdAt: null })
  })
  store.close()

  const cold = new LocationStore(path, { cacheSize: 0 })
  time('get, LRU off (prepared statement)', 200_000, i => { cold.get(id((i * 7919) % records)) })
  time('get of an unknown id, LRU off', 100_000, i => { cold.get(`missing-${i}`) })
  time('byAgent + project (about 10 rows)', 10_000, i => { cold.byAgent(`agent-${i % 50}`, `project-${i % 200}`) })
  cold.close()

  const warm = new LocationStore(path, { cacheSize: 10_000 })
  for (let i = 0; i < 5_000; i++) warm.get(id(i))
  time('get, LRU hit (5,000 hot ids)', 1_000_000, i => { warm.get(id(i % 5_000)) })
  time('get, LRU miss (random over all records)', 200_000, i => { warm.get(id((i * 7919) % records)) })
  warm.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
