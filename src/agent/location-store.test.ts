/**
 * LocationStore: put/get/delete/byAgent/byProject, the LRU kept right through writes, the
 * footprint saved beside the locations, and durability: a child process killed with SIGKILL
 * right after put() returned leaves the record in the file.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execPath, kill } from 'node:process'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import { LocationStore } from './location-store.ts'

const dir = mkdtempSync(join(tmpdir(), 'p2pstack-locations-'))
const opened: LocationStore[] = []
after(() => {
  for (const store of opened) store.close()
  rmSync(dir, { recursive: true, force: true })
})

let files = 0
function open (path = join(dir, `state-${files++}.sqlite`), cacheSize?: number): { store: LocationStore, path: string } {
  const store = new LocationStore(path, { wallClockMs: () => 1_700_000_000_000, ...(cacheSize === undefined ? {} : { cacheSize }) })
  opened.push(store)
  return { store, path }
}

const b = { id: 'agent-b', address: 'https://b.example:4000' }
const c = { id: 'agent-c', address: 'https://c.example:4000' }

describe('LocationStore', () => {
  for (const cacheSize of [0, 2]) {
    it(`puts, gets, moves and deletes (LRU of ${cacheSize})`, () => {
      const { store } = open(undefined, cacheSize)
      assert.equal(store.get('s1'), null)
      store.put('s1', 'server', { agent: b, projectId: 'p1', createdAt: '2026-01-01T00:00:00Z' })
      store.put('s2', 'server', { agent: b, projectId: 'p2', createdAt: null })
      store.put('s3', 'server', { agent: c, projectId: 'p1', createdAt: null })
      store.put('v1', 'volume', { agent: c, projectId: null, createdAt: null })
      assert.deepEqual(store.get('s1'), { kind: 'server', agent: b, projectId: 'p1', createdAt: '2026-01-01T00:00:00Z', updatedAtMs: 1_700_000_000_000 })
      store.put('s1', 'server', { agent: c, projectId: 'p1', createdAt: '2026-01-01T00:00:00Z' })
      assert.equal(store.get('s1')?.agent.id, 'agent-c')
      assert.deepEqual(store.byAgent('agent-c').map(r => r.id), ['s1', 's3', 'v1'])
      assert.deepEqual(store.byAgent('agent-c', 'p1').map(r => r.id), ['s1', 's3'])
      assert.deepEqual(store.byProject('p1').map(r => r.id), ['s1', 's3'])
      store.delete('s1')
      store.delete('never')
      assert.equal(store.get('s1'), null)
      assert.equal(store.get('s2')?.projectId, 'p2')
      assert.equal(store.size, 3)
    })
  }

  it('reopens with everything it had, footprint included; newer footprint entries win whatever the order', () => {
    const { store, path } = open()
    store.put('s1', 'server', { agent: b, projectId: 'p1', createdAt: null })
    const entry = (version: number, present: boolean) => ({ projectId: 'p1', agentId: agentId('agent-b'), address: b.address, present, version })
    store.saveFootprint({ entries: [entry(5, false)], watermarks: [{ agentId: agentId('agent-b'), version: 5 }] })
    store.saveFootprint({ entries: [entry(3, true)], watermarks: [{ agentId: agentId('agent-b'), version: 3 }] })
    store.saveFootprint({ entries: [{ ...entry(1, true), projectId: 'p2' }], watermarks: [] })
    store.close()
    const { store: again } = open(path)
    assert.equal(again.get('s1')?.agent.id, 'agent-b')
    const footprint = again.loadFootprint()
    assert.deepEqual([...footprint.entries].sort((x, y) => x.projectId.localeCompare(y.projectId)), [entry(5, false), { ...entry(1, true), projectId: 'p2' }])
    assert.deepEqual(footprint.watermarks, [{ agentId: 'agent-b', version: 5 }])
  })

  it('keeps a put() of a process killed with SIGKILL right after it returned', async () => {
    const path = join(dir, 'killed.sqlite')
    const module = fileURLToPath(new URL('./location-store.ts', import.meta.url))
    const script = `
      import { LocationStore } from ${JSON.stringify(module)}
      const store = new LocationStore(${JSON.stringify(path)})
      for (let i = 0; i < 100; i++) store.put('server-' + i, 'server', { agent: { id: 'agent-b', address: 'https://b.example:4000' }, projectId: 'p1', createdAt: null })
      store.saveFootprint({ entries: [{ projectId: 'p1', agentId: 'agent-b', address: 'https://b.example:4000', present: true, version: 7 }], watermarks: [{ agentId: 'agent-b', version: 7 }] })
      process.stdout.write('written\\n')
      setInterval(() => {}, 60_000)
    `
    const child = spawn(execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.setEncoding('utf8')
    for await (const chunk of child.stdout) {
      output += chunk as string
      if (output.includes('written')) break
    }
    assert.ok(output.includes('written'), 'the child wrote')
    const exited = once(child, 'exit')
    kill(child.pid as number, 'SIGKILL')
    const [, signal] = await exited
    assert.equal(signal, 'SIGKILL')
    const { store } = open(path)
    assert.equal(store.size, 100)
    assert.equal(store.get('server-99')?.projectId, 'p1')
    assert.equal(store.loadFootprint().entries[0]?.version, 7)
  })
})
