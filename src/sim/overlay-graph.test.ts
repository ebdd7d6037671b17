/**
 * The graph measurements, on small graphs whose answers are known by hand: in-degrees, dead
 * links, the largest component, clustering (a triangle, a star, a complete graph) and path
 * lengths (a path), with agents that are down ignored; and the random graph yardstick.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DirectedGraph } from './overlay-graph.ts'
import { averagePathLength, clusteringCoefficient, deadLinkCount, inDegreeStats, largestComponentSize, sampleLiveAgents, undirectedGraph } from './overlay-graph.ts'
import { randomDistinctPeers, randomGraph } from './random-graph.ts'
import { SeededRandom } from './seeded-random.ts'

/** A graph from adjacency lists; `down` lists agents that are not live. */
function graph (links: number[][], down: number[] = []): DirectedGraph {
  const offsets = new Int32Array(links.length + 1)
  const targets: number[] = []
  links.forEach((out, i) => {
    offsets[i] = targets.length
    targets.push(...out)
  })
  offsets[links.length] = targets.length
  const live = new Uint8Array(links.length).fill(1)
  for (const d of down) live[d] = 0
  return { agentCount: links.length, live, offsets, targets: Int32Array.from(targets) }
}

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i)

describe('overlay graph measurements', () => {
  it('count in-degrees of live agents from live caches, and agents without in-links', () => {
    const g = graph([[1, 2], [2], [0], [0, 1]], [3])
    const stats = inDegreeStats(g)
    // Live: 0 ← 2; 1 ← 0; 2 ← 0, 1. Agent 3 is down: its links do not count.
    assert.deepEqual({ mean: stats.mean, max: stats.max, withoutInLinks: stats.withoutInLinks }, { mean: 4 / 3, max: 2, withoutInLinks: 0 })
    assert.ok(Math.abs(stats.std - Math.sqrt(2 / 9)) < 1e-12)
    assert.equal(inDegreeStats(graph([[1], [], []])).withoutInLinks, 2)
  })

  it('count links from live agents to agents that are down as dead', () => {
    assert.equal(deadLinkCount(graph([[1, 2], [2], [0], [0]], [2])), 2)
  })

  it('find the largest component of live agents, links taken both ways', () => {
    assert.equal(largestComponentSize(graph([[1], [], [3], [], [4]])), 2)
    // 0 → 1 → 2 with 1 down: 0 and 2 are apart.
    assert.equal(largestComponentSize(graph([[1], [2], []], [1])), 1)
    assert.equal(largestComponentSize(graph([[1], [2], [0]])), 3)
  })

  it('measure clustering as links among neighbours over possible links, undirected', () => {
    const triangle = undirectedGraph(graph([[1], [2], [0]]))
    assert.equal(clusteringCoefficient(triangle, all(3)), 1)
    const star = undirectedGraph(graph([[1, 2, 3], [], [], []]))
    assert.equal(clusteringCoefficient(star, Int32Array.from([0])), 0)
    // A square with one diagonal 0–2: agents 0 and 2 have 3 neighbours and 2 links among them.
    const square = undirectedGraph(graph([[1, 2], [2], [3], [0]]))
    assert.equal(clusteringCoefficient(square, Int32Array.from([0])), 2 / 3)
    assert.equal(clusteringCoefficient(square, Int32Array.from([1])), 1)
  })

  it('build the undirected graph with each pair once, no self-links, no agents that are down', () => {
    const u = undirectedGraph(graph([[1, 1, 0], [0], [0]], [2]))
    assert.deepEqual(Array.from(u.neighbours.subarray(u.offsets[0], u.offsets[1])), [1])
    assert.deepEqual(Array.from(u.neighbours.subarray(u.offsets[1], u.offsets[2])), [0])
    assert.equal(u.offsets[3], 2)
  })

  it('measure the average path length over the pairs reached', () => {
    // A path 0–1–2–3: distances from 0 are 1, 2, 3.
    const path = undirectedGraph(graph([[1], [2], [3], []]))
    assert.equal(averagePathLength(path, Int32Array.from([0])), 2)
    // From every agent: (1+2+3 + 1+1+2 + 1+1+2 + 1+2+3) / 12.
    assert.equal(averagePathLength(path, all(4)), 20 / 12)
  })

  it('measure the same path length as one plain BFS per source, for 70 sources over parts not connected (seed bfs)', () => {
    const random = new SeededRandom('bfs')
    const n = 400
    const links = Array.from({ length: n }, (_, i) => Array.from({ length: 2 }, () => (i < 300 ? random.int(300) : 300 + random.int(100))).filter(j => j !== i))
    const down = [5, 17, 333]
    const u = undirectedGraph(graph(links, down))
    const sources = sampleLiveAgents(u.live, 70, random)
    let sum = 0
    let pairs = 0
    for (const source of sources) {
      const distance = new Int32Array(n).fill(-1)
      distance[source] = 0
      const queue = [source]
      for (let head = 0; head < queue.length; head++) {
        const v = queue[head] as number
        for (let k = u.offsets[v] as number; k < (u.offsets[v + 1] as number); k++) {
          const w = u.neighbours[k] as number
          if (distance[w] !== -1) continue
          distance[w] = (distance[v] as number) + 1
          sum += distance[w] as number
          pairs++
          queue.push(w)
        }
      }
    }
    assert.ok(pairs > 0)
    assert.equal(averagePathLength(u, sources), sum / pairs)
  })

  it('sample distinct live agents, or all of them when asked for more (seed s)', () => {
    const live = Uint8Array.from([1, 0, 1, 1, 0, 1])
    assert.deepEqual(Array.from(sampleLiveAgents(live, 10, new SeededRandom('s'))), [0, 2, 3, 5])
    const some = Array.from(sampleLiveAgents(live, 2, new SeededRandom('s')))
    assert.equal(new Set(some).size, 2)
    assert.ok(some.every(i => live[i] === 1))
  })
})

describe('random graph', () => {
  it('gives every agent c distinct out-links, never itself (seed rg)', () => {
    const g = randomGraph(50, 8, new SeededRandom('rg'))
    for (let i = 0; i < 50; i++) {
      const out = Array.from(g.targets.subarray(g.offsets[i], g.offsets[i + 1]))
      assert.equal(out.length, 8)
      assert.equal(new Set(out).size, 8)
      assert.ok(!out.includes(i))
    }
    assert.equal(inDegreeStats(g).mean, 8)
  })

  it('gives at most everyone else when c is not smaller than n (seed dense)', () => {
    const into = new Int32Array(10)
    assert.equal(randomDistinctPeers(4, 2, 10, new SeededRandom('dense'), into, 0), 3)
    assert.deepEqual(Array.from(into.subarray(0, 3)).sort(), [0, 1, 3])
  })
})
