/**
 * The requests of a workload, one after another, drawn from their own stream: for the k-th
 * request, the time since the previous one (churn), the agent that receives it, what it asks
 * for, and how long its server lives (churn). The protocol simulation and the ideal reference
 * both take their requests from a stream forked with the same label, so in a trial they place
 * exactly the same requests, arriving at the same times — whatever the policy does meanwhile.
 */
import type { Random } from '../../core/ports.ts'
import { uniform01 } from '../latency.ts'
import type { PlacementSimulationConfig, RequestTemplate } from './placement-simulation-config.ts'

export interface Arrival {
  /** 0, 1, 2, … in the order the requests arrive. */
  readonly index: number
  /** Milliseconds since the previous arrival (churn); 0 otherwise. */
  readonly gapMs: number
  /** The agent that receives the request and places it. */
  readonly requester: number
  readonly template: RequestTemplate
  /** How long the server lives once created (churn); +Infinity otherwise. */
  readonly lifetimeMs: number
}

export class WorkloadStream {
  readonly #config: PlacementSimulationConfig
  readonly #random: Random
  readonly #totalWeight: number
  #next = 0

  constructor (config: PlacementSimulationConfig, random: Random) {
    this.#config = config
    this.#random = random
    this.#totalWeight = config.requests.reduce((s, r) => s + r.weight, 0)
  }

  /** How many requests the workload has in all (+Infinity for churn, which runs for a time). */
  get total (): number {
    const w = this.#config.workload
    switch (w.kind) {
      case 'sequential': return w.placements
      case 'concurrent': return w.placementsPerAgent * this.#config.agents
      case 'churn': return Number.POSITIVE_INFINITY
    }
  }

  /** The next request; its draws are made in a fixed order, so the stream is the same for every policy. */
  next (): Arrival {
    const index = this.#next++
    const config = this.#config
    const w = config.workload
    const random = this.#random
    const gapMs = w.kind === 'churn' ? exponential(random, 1000 / w.arrivalsPerSecond) : 0
    const requester = w.kind === 'concurrent'
      ? Math.floor(index / w.placementsPerAgent)
      : w.kind === 'sequential' && w.single !== undefined ? w.single : random.int(config.agents)
    const template = this.#pick()
    const lifetimeMs = w.kind === 'churn' ? exponential(random, w.lifetimeMeanMs) : Number.POSITIVE_INFINITY
    return { index, gapMs, requester, template, lifetimeMs }
  }

  #pick (): RequestTemplate {
    const requests = this.#config.requests
    if (requests.length === 1) return requests[0] as RequestTemplate
    let x = uniform01(this.#random) * this.#totalWeight
    for (const r of requests) {
      x -= r.weight
      if (x < 0) return r
    }
    return requests[requests.length - 1] as RequestTemplate
  }
}

/** An exponential draw with the given mean. */
export function exponential (random: Random, mean: number): number {
  return -Math.log(1 - uniform01(random)) * mean
}
