/** The footprint CRDT: newer versions win, and merge is commutative, associative and idempotent (seeded random operations). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SeededRandom } from '../../sim/seeded-random.ts'
import { agentId } from '../cyclon/peer-descriptor.ts'
import type { AgentId } from '../cyclon/peer-descriptor.ts'
import { Footprint } from './footprint.ts'
import type { FootprintEntry } from './footprint.ts'

const a = agentId('agent-a')
const b = agentId('agent-b')

function entry (projectId: string, agent: AgentId, version: number, present = true): FootprintEntry {
  return { projectId, agentId: agent, address: `http://${agent}:4000`, present, version }
}

/** A canonical text of a state, to compare states. */
function text (f: Footprint): string {
  return JSON.stringify(f.snapshot())
}

function merged (...states: Footprint[]): Footprint {
  const out = new Footprint()
  for (const s of states) out.merge(s)
  return out
}

/**
 * Replicas that each saw a random subset of the writes of a few writers, in a random order,
 * with watermarks that are valid (a replica is complete up to W's v only if it holds W's latest
 * entry per project as of v).
 */
function randomReplicas (seed: string, count: number): Footprint[] {
  return randomHistory(seed, count).replicas
}

function randomHistory (seed: string, count: number): { replicas: Footprint[], writes: FootprintEntry[] } {
  const random = new SeededRandom(seed)
  const writers = [a, b, agentId('agent-c'), agentId('agent-d')]
  const history: FootprintEntry[][] = writers.map(() => [])
  for (let step = 0; step < 60; step++) {
    const w = random.int(writers.length)
    const writes = history[w] as FootprintEntry[]
    writes.push(entry(`p${random.int(6)}`, writers[w] as AgentId, writes.length + 1, random.int(3) !== 0))
  }
  const replicas: Footprint[] = []
  for (let r = 0; r < count; r++) {
    const f = new Footprint()
    history.forEach((writes, w) => {
      // Complete up to a random prefix, plus a few strays beyond it.
      const prefix = random.int(writes.length + 1)
      const seen = writes.filter((_e, i) => i < prefix || random.int(4) === 0)
      for (let i = seen.length - 1; i > 0; i--) {
        const j = random.int(i + 1)
        ;[seen[i], seen[j]] = [seen[j] as FootprintEntry, seen[i] as FootprintEntry]
      }
      for (const e of seen) f.apply(e)
      if (prefix > 0) f.raiseWatermark(writers[w] as AgentId, prefix)
    })
    replicas.push(f)
  }
  return { replicas, writes: history.flat() }
}

describe('Footprint', () => {
  it('keeps the higher version of each (project, agent), whatever the order', () => {
    const f = new Footprint()
    assert.equal(f.apply(entry('p1', a, 2)), true)
    assert.equal(f.apply(entry('p1', a, 1, false)), false)
    assert.deepEqual(f.agentsOf('p1'), [{ id: a, address: 'http://agent-a:4000' }])
    assert.equal(f.apply(entry('p1', a, 3, false)), true)
    assert.deepEqual(f.agentsOf('p1'), [])
    assert.equal(f.apply(entry('p1', a, 2)), false, 'a late present does not undo the withdrawal')
    assert.equal(f.size, 1)
  })

  it('lists the agents of a project and the projects of an agent, sorted', () => {
    const f = new Footprint()
    f.apply(entry('p1', b, 1))
    f.apply(entry('p1', a, 4))
    f.apply(entry('p2', a, 5))
    f.apply(entry('p3', a, 6, false))
    assert.deepEqual(f.agentsOf('p1').map(x => x.id), [a, b])
    assert.deepEqual(f.projectsOf(a), ['p1', 'p2'])
    assert.deepEqual(f.allAgents().map(x => x.id), [a, b])
    assert.deepEqual(f.entriesOf(a).map(e => e.version), [4, 5, 6])
    assert.equal(f.highestVersion(a), 6)
  })

  it('restores from its snapshot', () => {
    const [replica] = randomReplicas('snapshot', 1)
    assert.equal(text(Footprint.from((replica as Footprint).snapshot())), text(replica as Footprint))
  })

  it('merges commutatively, associatively and idempotently (200 seeded trials)', () => {
    for (let trial = 0; trial < 200; trial++) {
      const [x, y, z] = randomReplicas(`trial-${trial}`, 3) as [Footprint, Footprint, Footprint]
      assert.equal(text(merged(x, y)), text(merged(y, x)), `commutative, trial ${trial}`)
      assert.equal(text(merged(merged(x, y), z)), text(merged(x, merged(y, z))), `associative, trial ${trial}`)
      assert.equal(text(merged(x, x)), text(x), `idempotent, trial ${trial}`)
      const again = merged(x, y)
      again.merge(y)
      assert.equal(text(again), text(merged(x, y)), `merging again changes nothing, trial ${trial}`)
    }
  })

  it('keeps its watermarks sound through merges: complete up to v means the newest write as of v is held', () => {
    for (let trial = 0; trial < 100; trial++) {
      const { replicas, writes } = randomHistory(`sound-${trial}`, 4)
      const m = merged(...replicas.slice(0, 2))
      for (const { agentId: w, version } of m.watermarks()) {
        for (const projectId of new Set(writes.map(e => e.projectId))) {
          const needed = Math.max(0, ...writes.filter(e => e.agentId === w && e.projectId === projectId && e.version <= version).map(e => e.version))
          assert.ok((m.get(projectId, w)?.version ?? 0) >= needed, `trial ${trial}: ${w} ${projectId}`)
        }
      }
    }
  })
})
