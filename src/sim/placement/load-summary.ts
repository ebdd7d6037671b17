/**
 * The loads a placement run ends with (or, under churn, lived through), in the terms of the
 * issue's criteria: servers per cloudlet, the highest count, the gap above the mean, and the
 * compared figure (utilization) for cloudlets of unequal sizes. The protocol simulation and the
 * ideal reference both summarise their CloudletLoads this way, so they compare like for like.
 */
import type { CloudletLoads } from './cloudlet-loads.ts'

export interface FinalLoads {
  /** Servers on all cloudlets. */
  readonly servers: number
  /** The most servers on one cloudlet ("maximum load"). */
  readonly maxServers: number
  readonly meanServers: number
  /** maxServers − meanServers: the gap above the mean. */
  readonly gap: number
  /** The highest utilization (the compared figure, 0..1) and the mean over cloudlets. */
  readonly maxUtilization: number
  readonly meanUtilization: number
  /** Cloudlets holding exactly k servers, for k = 0 … maxServers. */
  readonly levelCounts: readonly number[]
}

/** Under churn: the highest count over the measuring window's time. */
export interface ChurnLoads {
  /** Time-averaged maximum load. */
  readonly maxMean: number
  /** The 99th percentile of the maximum load over time. */
  readonly maxP99: number
  /** Mean servers per cloudlet over the window (the offered load). */
  readonly meanServers: number
  /** Fraction of the window's time spent at each maximum, by maximum (0 … highest). */
  readonly timeAtMax: readonly number[]
}

export function finalLoads (loads: CloudletLoads): FinalLoads {
  const n = loads.count
  let utilizationSum = 0
  let maxUtilization = 0
  for (let i = 0; i < n; i++) {
    const u = loads.utilization(i)
    utilizationSum += u
    if (u > maxUtilization) maxUtilization = u
  }
  const meanServers = loads.totalServers / n
  return {
    servers: loads.totalServers,
    maxServers: loads.maxServers,
    meanServers,
    gap: loads.maxServers - meanServers,
    maxUtilization,
    meanUtilization: utilizationSum / n,
    levelCounts: loads.levelCounts()
  }
}
