/**
 * Acceptance checks of an overlay without failures (issue 3, §4): O1 links kept and caches
 * full, O2 in-degree balance, O3 clustering and path length like a random graph's, O7 the load
 * of shuffle requests, O8 the bytes each agent sends. Where the words leave a choice,
 * the choice is stated beside the check.
 */
import { ENVELOPE_WIRE_BYTES } from '../../protocol/cyclon/messages.ts'
import type { OverlaySimulationResult } from '../overlay-simulation-result.ts'
import type { CheckResult } from './check-result.ts'
import { checkResult, cyclesFrom, format } from './check-result.ts'

/**
 * O1, at every cycle from `fromCycle`. The in-degree mean counts the links each agent holds
 * (linksHeldMean): its cache plus, while its own shuffle is in flight, the entry (Q) out with
 * it, at most c — an event-driven snapshot catches about RTT/cycle of the agents mid-shuffle,
 * which is no loss. The snapshots' own lowest mean in-degree is shown beside it. "Caches full"
 * likewise: c entries, or c − 1 while the agent's shuffle is in flight.
 */
export function checkWithoutFailures (result: OverlaySimulationResult, fromCycle: number): CheckResult {
  const c = Math.min(result.config.cyclon.cacheSize, result.config.agents - 1)
  const cycles = cyclesFrom(result, fromCycle)
  let worstHeld = c
  let rawLowest = Number.POSITIVE_INFINITY
  let withoutInLinks = 0
  let shortOfFull = 0
  for (const m of cycles) {
    const held = m.linksHeldMean
    if (Math.abs(held - c) > Math.abs(worstHeld - c)) worstHeld = held
    rawLowest = Math.min(rawLowest, m.inDegreeMean)
    withoutInLinks = Math.max(withoutInLinks, m.agentsWithoutInLinks)
    shortOfFull = Math.max(shortOfFull, m.cachesShortOfFull)
  }
  return checkResult('O1', `without failures (cycles ${fromCycle}–${result.config.cycles}): mean in-degree = c ± 0.01, every agent has in-links, caches full`, [
    { pass: cycles.length > 0 && Math.abs(worstHeld - c) <= 0.01, text: `mean in-degree with links in flight: worst ${format(worstHeld)} (c = ${c}, ± 0.01); at the snapshots alone the lowest is ${format(rawLowest)}` },
    { pass: withoutInLinks === 0, text: `most agents without in-links in a cycle: ${withoutInLinks} (bound 0)` },
    { pass: shortOfFull === 0, text: `most caches short of c, beyond the entry out with the agent's own shuffle: ${shortOfFull} (bound 0)` }
  ])
}

/** O2, at the last cycle; the mean of the last 10 cycles is shown beside it. */
export function checkInDegreeBalance (result: OverlaySimulationResult, factor: number): CheckResult {
  const last = result.cycles.at(-1)
  const std = last?.inDegreeStd ?? Number.NaN
  const random = result.randomGraph.inDegreeStd
  const recent = result.cycles.slice(-10)
  const recentMean = recent.reduce((s, m) => s + m.inDegreeStd, 0) / Math.max(1, recent.length)
  const { agents, cyclon } = result.config
  return checkResult('O2', `in-degree std ≤ ${factor} × the random graph's (n=${agents}, c=${cyclon.cacheSize}, l=${cyclon.shuffleLength}, at cycle ${last?.cycle ?? '-'})`, [
    { pass: std <= factor * random, text: `in-degree std ${format(std, 3)} vs random graph ${format(random, 3)}: ratio ${format(std / random, 3)} (bound ${factor}); mean of the last 10 cycles ${format(recentMean, 3)}` }
  ])
}

/** O3, at the last cycle (where clustering and path length are always measured). */
export function checkLikeRandomGraph (result: OverlaySimulationResult): CheckResult {
  const last = result.cycles.at(-1)
  const clustering = last?.clusteringCoefficient ?? Number.NaN
  const path = last?.averagePathLength ?? Number.NaN
  const random = result.randomGraph
  const clusteringOff = clustering / random.clusteringCoefficient - 1
  const pathOff = path / random.averagePathLength - 1
  return checkResult('O3', `clustering within ±10 % and average path length within ±3 % of the random graph's (at cycle ${last?.cycle ?? '-'})`, [
    { pass: Math.abs(clusteringOff) <= 0.10, text: `clustering ${format(clustering)} vs ${format(random.clusteringCoefficient)}: ${format(100 * clusteringOff, 1)} % (bound ±10 %)` },
    { pass: Math.abs(pathOff) <= 0.03, text: `average path length ${format(path, 3)} vs ${format(random.averagePathLength, 3)}: ${format(100 * pathOff, 2)} % (bound ±3 %)` }
  ])
}

/**
 * O7 reads "requests received per agent per cycle" as one quantity sampled once per agent and
 * cycle: its mean and standard deviation pool every (agent, cycle) of the cycles checked, and
 * its maximum is the largest single value. The worst single cycle is shown beside it.
 */
export function checkRequestsReceived (result: OverlaySimulationResult, fromCycle: number): CheckResult {
  const cycles = cyclesFrom(result, fromCycle)
  let samples = 0
  let sum = 0
  let squares = 0
  for (const m of cycles) {
    samples += m.liveAgents
    sum += m.liveAgents * m.requestsReceivedMean
    squares += m.liveAgents * (m.requestsReceivedStd ** 2 + m.requestsReceivedMean ** 2)
  }
  const mean = sum / Math.max(1, samples)
  const std = Math.sqrt(Math.max(0, squares / Math.max(1, samples) - mean * mean))
  const worstMean = cycles.reduce((w, m) => Math.abs(m.requestsReceivedMean - 1) > Math.abs(w - 1) ? m.requestsReceivedMean : w, 1)
  const worstStd = cycles.reduce((w, m) => Math.max(w, m.requestsReceivedStd), 0)
  const max = cycles.reduce((w, m) => Math.max(w, m.requestsReceivedMax), 0)
  const worst = `worst single cycle: mean ${format(worstMean, 3)}, std ${format(worstStd, 3)}`
  return checkResult('O7', `shuffle requests received per agent per cycle (cycles ${fromCycle}–${result.config.cycles}): mean 1.00 ± 0.02, std ≤ 1.1, max ≤ 10`, [
    { pass: cycles.length > 0 && Math.abs(mean - 1) <= 0.02, text: `mean over ${samples} agent-cycles ${format(mean, 4)} (bound 1 ± 0.02); ${worst}` },
    { pass: std <= 1.1, text: `std over the agent-cycles ${format(std, 3)} (bound 1.1)` },
    { pass: max <= 10, text: `most requests one agent received in one cycle: ${max} (bound 10)` }
  ])
}

/** O8, at every cycle from `fromCycle`: header = ENVELOPE_WIRE_BYTES, entry = the mean descriptor size of the run's agents. */
export function checkBytes (result: OverlaySimulationResult, fromCycle: number): CheckResult {
  const l = result.config.cyclon.shuffleLength
  const ideal = 2 * (ENVELOPE_WIRE_BYTES + l * result.descriptorBytesMean)
  const cycles = cyclesFrom(result, fromCycle)
  const worst = cycles.reduce((w, m) => Math.max(w, m.bytesSentMean), 0)
  return checkResult('O8', `bytes sent per agent per cycle ≤ 1.2 × 2·(header + l·entry) (cycles ${fromCycle}–${result.config.cycles})`, [
    { pass: cycles.length > 0 && worst <= 1.2 * ideal, text: `highest cycle mean ${format(worst, 0)} B; 2·(${ENVELOPE_WIRE_BYTES} + ${l}·${format(result.descriptorBytesMean, 1)}) = ${format(ideal, 0)} B; ratio ${format(worst / ideal, 3)} (bound 1.2)` }
  ])
}
