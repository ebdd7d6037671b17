/**
 * Acceptance checks of how the overlay forms and heals (issue 3, §4): O4 convergence from a
 * star, O5 self-healing after a massive crash, O6 connectivity after removal without repair,
 * and R1, recovery after crashes, restarts or a partition. Where the words leave a
 * choice, the choice is stated beside the check.
 */
import type { CycleMetrics } from '../overlay-metrics.ts'
import type { OverlaySimulationResult } from '../overlay-simulation-result.ts'
import type { CheckPart, CheckResult } from './check-result.ts'
import { checkResult, cyclesFrom, format, holdsFrom } from './check-result.ts'

/** The mean of `value` over the last `count` cycles where it was measured. */
function steadyState (cycles: readonly CycleMetrics[], value: (m: CycleMetrics) => number | null, count: number): number {
  const values = cycles.map(value).filter((v): v is number => v !== null).slice(-count)
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)
}

/**
 * O4. Steady state is the mean over the run's last 20 cycles (a run of at least 60 cycles, so
 * they are well past convergence); "within 10 % by cycle X" means at cycle X and every later one.
 */
export function checkConvergenceFromStar (result: OverlaySimulationResult): CheckResult {
  const cycles = result.cycles
  const goals = [
    { name: 'average path length', by: 20, value: (m: CycleMetrics) => m.averagePathLength },
    { name: 'clustering coefficient', by: 25, value: (m: CycleMetrics) => m.clusteringCoefficient },
    { name: 'in-degree std', by: 40, value: (m: CycleMetrics) => m.inDegreeStd }
  ]
  const parts: CheckPart[] = goals.map(goal => {
    const steady = steadyState(cycles, goal.value, 20)
    const at = holdsFrom(cycles, m => { const v = goal.value(m); return v === null ? null : Math.abs(v - steady) <= 0.10 * Math.abs(steady) })
    return { pass: at !== null && at <= goal.by, text: `${goal.name}: steady state ${format(steady, 4)}, within 10 % from cycle ${at ?? 'never'} (goal: by ${goal.by})` }
  })
  parts.push({ pass: cycles.length >= 60, text: `run of ${cycles.length} cycles (at least 60, for a steady state to compare with)` })
  return checkResult('O4', `from a star (n=${result.config.agents}): path length within 10 % of steady state by cycle 20, clustering by 25, in-degree std by 40`, parts)
}

/** O5. Cycles count from the crash, which happens at the end of cycle `killCycle`. */
export function checkSelfHealing (result: OverlaySimulationResult, killCycle: number, killed: 'half' | 'ninety-percent'): CheckResult {
  const after = result.cycles.filter(m => m.cycle > killCycle)
  const since = (cycle: number | null): number | null => cycle === null ? null : cycle - killCycle
  const lastSince = since(after.at(-1)?.cycle ?? killCycle) as number
  const belowOnePercent = since(holdsFrom(after, m => m.deadLinkFraction < 0.01))
  const lowestConnected = after.reduce((low, m) => Math.min(low, m.largestComponentFraction), 1)
  if (killed === 'half') {
    const zero = since(holdsFrom(after, m => m.deadLinks === 0))
    return checkResult('O5', 'kill 50 % after convergence: dead links < 1 % by cycle 35 and 0 by 45 after the kill; every survivor connected at every cycle', [
      { pass: belowOnePercent !== null && belowOnePercent <= 35 && lastSince >= 35, text: `dead links below 1 % from cycle ${belowOnePercent ?? 'never'} after the kill (goal: by 35; the run goes to ${lastSince})` },
      { pass: zero !== null && zero <= 45 && lastSince >= 45, text: `no dead links from cycle ${zero ?? 'never'} after the kill (goal: by 45)` },
      { pass: after.length > 0 && lowestConnected === 1, text: `lowest fraction of survivors in the largest component: ${format(lowestConnected, 4)} (bound 1)` }
    ])
  }
  const emptyLate = after.filter(m => m.cycle - killCycle >= 10).reduce((most, m) => Math.max(most, m.emptyCaches), 0)
  return checkResult('O5', 'kill 90 % after convergence: dead links < 1 % by cycle 50 after the kill; ≥ 97 % of survivors connected; no empty cache after 10 cycles', [
    { pass: belowOnePercent !== null && belowOnePercent <= 50 && lastSince >= 50, text: `dead links below 1 % from cycle ${belowOnePercent ?? 'never'} after the kill (goal: by 50; the run goes to ${lastSince})` },
    { pass: after.length > 0 && lowestConnected >= 0.97, text: `lowest fraction of survivors in the largest component: ${format(lowestConnected, 4)} (bound 0.97)` },
    { pass: lastSince >= 10 && emptyLate === 0, text: `most survivors with an empty cache from cycle 10 after the kill: ${emptyLate} (bound 0)` }
  ])
}

/** O6, on the overlay of the last cycle. */
export function checkRemovalWithoutRepair (result: OverlaySimulationResult): CheckResult {
  const row = (fraction: number) => result.removal.find(r => Math.abs(r.fraction - fraction) < 1e-9)
  const part = (fraction: number, bound: number): CheckPart => {
    const r = row(fraction)
    return r === undefined
      ? { pass: false, text: `removal of ${100 * fraction} % was not measured` }
      : { pass: r.connectedFraction >= bound, text: `removed ${format(100 * fraction, 0)} %: ${format(100 * r.connectedFraction, 2)} % of ${r.survivors} survivors connected (bound ${100 * bound} %; random graph ${format(100 * r.randomGraphConnectedFraction, 2)} %)` }
  }
  return checkResult('O6', `remove X % without repair (n=${result.config.agents}, c=${result.config.cyclon.cacheSize}): ≥ 99.9 % of survivors connected at 80 %, ≥ 97 % at 90 %`, [part(0.8, 0.999), part(0.9, 0.97)])
}

export function checkRecovery (result: OverlaySimulationResult, fromCycle: number): CheckResult {
  const cycles = cyclesFrom(result, fromCycle)
  const lowestConnected = cycles.reduce((low, m) => Math.min(low, m.largestComponentFraction), 1)
  const withoutInLinks = cycles.reduce((w, m) => Math.max(w, m.agentsWithoutInLinks), 0)
  const empty = cycles.reduce((w, m) => Math.max(w, m.emptyCaches), 0)
  const dead = cycles.reduce((w, m) => Math.max(w, m.deadLinks), 0)
  return checkResult('R1', `recovered from cycle ${fromCycle}: one component, every agent with in-links and a cache, no dead links`, [
    { pass: cycles.length > 0 && lowestConnected === 1, text: `lowest fraction of live agents in the largest component: ${format(lowestConnected, 4)} (bound 1)` },
    { pass: withoutInLinks === 0, text: `most agents without in-links: ${withoutInLinks} (bound 0)` },
    { pass: empty === 0, text: `most empty caches: ${empty} (bound 0)` },
    { pass: dead === 0, text: `most dead links: ${dead} (bound 0)` }
  ])
}
