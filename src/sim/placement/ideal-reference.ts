/**
 * The exact yardstick: balls into bins with truly uniform sampling, computed directly, with no
 * protocol, no network and no staleness. Each request, taken from the same workload stream as
 * the protocol simulation's (same requests, same arrival times and lifetimes), samples d
 * cloudlets uniformly with replacement from those its requirements allow (Mitzenmacher's
 * model), keeps those it fits, and goes to the lowest utilization after placing it, ties broken
 * at random. d = 1 is random placement. Placement is instantaneous, so concurrent workloads are
 * placed one by one in arrival order: what "uniform sampling" would give at best.
 */
import type { Random } from '../../core/ports.ts'
import type { PeerMetadata } from '../../protocol/cyclon/peer-descriptor.ts'
import { fits, utilizationAfter, ZERO_AMOUNTS } from '../../protocol/placement/cloudlet-load.ts'
import { agentAllowed, metadataMeets } from '../../protocol/placement/placement-request.ts'
import type { AgentId } from '../../protocol/cyclon/peer-descriptor.ts'
import { EventQueue } from '../event-queue.ts'
import { CloudletLoads } from './cloudlet-loads.ts'
import type { ChurnLoads, FinalLoads } from './load-summary.ts'
import { finalLoads } from './load-summary.ts'
import type { PlacementSimulationConfig, RequestTemplate } from './placement-simulation-config.ts'
import { placementStartMs } from './placement-simulation-config.ts'
import { WorkloadStream } from './workload-stream.ts'

export interface IdealResult {
  readonly d: number
  readonly placements: number
  /** Requests none of whose d samples fitted. */
  readonly refused: number
  readonly final: FinalLoads
  /** Under churn only. */
  readonly churn: ChurnLoads | null
}

export interface IdealAgents {
  readonly ids: readonly AgentId[]
  readonly metadata: (index: number) => PeerMetadata
}

const ARRIVAL = 1
const DEPART = 2

/**
 * Runs the workload of `config` under d-choice with uniform sampling. `workload` must be a
 * stream forked with the protocol run's label; `random` is the reference's own stream.
 */
export function idealReference (config: PlacementSimulationConfig, d: number, agents: IdealAgents, workload: Random, random: Random): IdealResult {
  const n = config.agents
  const loads = new CloudletLoads(n, config.capacities)
  const stream = new WorkloadStream(config, workload)
  const eligible = new Map<RequestTemplate, Int32Array>()
  const eligibleFor = (template: RequestTemplate): Int32Array => {
    let list = eligible.get(template)
    if (list === undefined) {
      const chosen: number[] = []
      for (let i = 0; i < n; i++) if (metadataMeets(agents.metadata(i), template.requirements) && agentAllowed(agents.ids[i] as AgentId, template.requirements)) chosen.push(i)
      list = Int32Array.from(chosen)
      eligible.set(template, list)
    }
    return list
  }
  let refused = 0
  const place = (template: RequestTemplate): number => {
    const list = eligibleFor(template)
    if (list.length === 0) return -1
    let best = -1
    let bestUtilization = Number.POSITIVE_INFINITY
    let ties = 0
    for (let j = 0; j < d; j++) {
      const c = list[random.int(list.length)] as number
      const load = loads.load(c)
      if (!fits(load, ZERO_AMOUNTS, template.resources)) continue
      const u = utilizationAfter(load, ZERO_AMOUNTS, template.resources)
      if (u < bestUtilization) {
        best = c
        bestUtilization = u
        ties = 1
      } else if (u === bestUtilization && c !== best && random.int(++ties) === 0) {
        best = c
      }
    }
    return best
  }
  const w = config.workload
  const startMs = placementStartMs(config)
  if (w.kind !== 'churn') {
    const total = stream.total
    for (let k = 0; k < total; k++) {
      const arrival = stream.next()
      const target = place(arrival.template)
      if (target < 0) refused++
      else loads.add(target, arrival.template.resources, startMs)
    }
    return { d, placements: total, refused, final: finalLoads(loads), churn: null }
  }
  // Churn: arrivals and departures in time order, from the same start as the protocol run.
  const measureFromMs = startMs + w.settleMs
  const endMs = measureFromMs + w.measureMs
  loads.setWindow(measureFromMs, endMs)
  const queue = new EventQueue<RequestTemplate>(1024)
  let placements = 0
  let next = stream.next()
  queue.push(startMs + next.gapMs, ARRIVAL, 0, 0)
  const event = queue.popped
  while (queue.pop() && event.atMs < endMs) {
    if (event.kind === DEPART) {
      loads.remove(event.target, (event.payload as RequestTemplate).resources, event.atMs)
      continue
    }
    placements++
    const target = place(next.template)
    if (target < 0) {
      refused++
    } else {
      loads.add(target, next.template.resources, event.atMs)
      queue.push(event.atMs + next.lifetimeMs, DEPART, target, 0, next.template)
    }
    const at = event.atMs
    next = stream.next()
    queue.push(at + next.gapMs, ARRIVAL, 0, 0)
  }
  loads.observe(endMs)
  return { d, placements, refused, final: finalLoads(loads), churn: loads.timeAveraged() }
}
