/**
 * The overlay's acceptance criteria (issue 3, §4: O1–O8, and R1 for recovery) as code that
 * judges a simulation's result, so test/sim, the `p2pstack sim` command and docs/BENCHMARKS.md
 * all apply the very same definitions. A scenario lists the checks it is judged by.
 */
import type { OverlaySimulationResult } from '../overlay-simulation-result.ts'
import type { CheckResult } from './check-result.ts'
import { checkConvergenceFromStar, checkRecovery, checkRemovalWithoutRepair, checkSelfHealing } from './recovery-checks.ts'
import { checkBytes, checkInDegreeBalance, checkLikeRandomGraph, checkRequestsReceived, checkWithoutFailures } from './steady-state-checks.ts'

export type CheckSpec =
  | { readonly id: 'O1', readonly fromCycle: number }
  | { readonly id: 'O2', readonly factor: number }
  | { readonly id: 'O3' }
  | { readonly id: 'O4' }
  | { readonly id: 'O5', readonly killCycle: number, readonly killed: 'half' | 'ninety-percent' }
  | { readonly id: 'O6' }
  | { readonly id: 'O7', readonly fromCycle: number }
  | { readonly id: 'O8', readonly fromCycle: number }
  /** Recovery after crashes, restarts or a partition: from `fromCycle` on, one component, everyone with in-links and a cache, no dead links. */
  | { readonly id: 'R1', readonly fromCycle: number }

export function evaluateCheck (spec: CheckSpec, result: OverlaySimulationResult): CheckResult {
  switch (spec.id) {
    case 'O1': return checkWithoutFailures(result, spec.fromCycle)
    case 'O2': return checkInDegreeBalance(result, spec.factor)
    case 'O3': return checkLikeRandomGraph(result)
    case 'O4': return checkConvergenceFromStar(result)
    case 'O5': return checkSelfHealing(result, spec.killCycle, spec.killed)
    case 'O6': return checkRemovalWithoutRepair(result)
    case 'O7': return checkRequestsReceived(result, spec.fromCycle)
    case 'O8': return checkBytes(result, spec.fromCycle)
    case 'R1': return checkRecovery(result, spec.fromCycle)
  }
}
