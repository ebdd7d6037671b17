/**
 * The cost floor of CyclonNode itself at scale: n nodes from random caches, every node
 * shuffling once per cycle, each message delivered at once to its receiver — no event queue,
 * no latency, no byte counting, no metrics. Whatever the simulator adds comes on top of this,
 * so it tells how fast `p2pstack sim --scenario scale` could ever be with the current protocol
 * code, and measures the effect of a change to it.
 *
 *   node --import tsx bench/sim-cyclon-floor.ts [agents=100000] [cycles=5]
 */
import { performance } from 'node:perf_hooks'
import type { PeerAddress } from '../src/core/ports.ts'
import { LARGE_CLUSTER_CYCLON_CONFIG } from '../src/protocol/cyclon/cyclon-config.ts'
import { CyclonNode } from '../src/protocol/cyclon/cyclon-node.ts'
import { NodeStorage } from '../src/protocol/cyclon/node-storage.ts'
import type { CyclonMessage } from '../src/protocol/cyclon/messages.ts'
import type { AgentId, PeerDescriptor } from '../src/protocol/cyclon/peer-descriptor.ts'
import { randomDistinctPeers } from '../src/sim/random-graph.ts'
import { SeededRandom } from '../src/sim/seeded-random.ts'
import { SimAgents } from '../src/sim/sim-agents.ts'
import { VirtualClock } from '../src/sim/virtual-clock.ts'

const agents = Number(process.argv[2] ?? 100_000)
const cycles = Number(process.argv[3] ?? 5)
const config = LARGE_CLUSTER_CYCLON_CONFIG
const clock = new VirtualClock()
const root = new SeededRandom('floor')
const world = new SimAgents(agents, 0, root.fork('contacts'), false)
const pending: Array<{ to: number, from: AgentId, message: CyclonMessage }> = []
const storage = new NodeStorage(config, agents)
const nodes = world.descriptors.map((d, i) => new CyclonNode(
  { id: d.id, address: d.address, metadata: d.metadata },
  {
    clock,
    random: root.fork(`agent-${i}`).fork('cyclon'),
    transport: { send: (to: PeerAddress, message: CyclonMessage) => { pending.push({ to: world.indexOf(to.id) as number, from: d.id, message }) } }
  },
  config,
  { peers: world.peers, storage: { storage, slot: i } }
))
const topology = root.fork('topology')
const peers = new Int32Array(config.cacheSize)
nodes.forEach((node, i) => {
  const count = randomDistinctPeers(agents, i, config.cacheSize, topology, peers, 0)
  node.onMessage(world.ids[0] as AgentId, { kind: 'JoinReply', entries: Array.from(peers.subarray(0, count), j => world.descriptors[j] as PeerDescriptor) })
})
pending.length = 0

let total = 0
for (let cycle = 1; cycle <= cycles; cycle++) {
  const started = performance.now()
  clock.advanceBy(config.shufflePeriodMs)
  for (const node of nodes) {
    node.onTick()
    for (let m = pending.pop(); m !== undefined; m = pending.pop()) nodes[m.to]?.onMessage(m.from, m.message)
  }
  const seconds = (performance.now() - started) / 1000
  total += seconds
  console.log(`cycle ${cycle}: ${seconds.toFixed(2)} s, ${(seconds * 1e6 / agents).toFixed(1)} µs per shuffle`)
}
console.log(`${agents} agents: ${(total / cycles).toFixed(2)} s per cycle on average; 50 cycles would take ${(50 * total / cycles).toFixed(0)} s`)
