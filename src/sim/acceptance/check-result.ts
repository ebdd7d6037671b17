/**
 * What an acceptance check reports: its criterion in words and, part by part, what was
 * measured against which bound and whether that part held. A check passes when every part
 * does; the parts let a person (and a test) see exactly which bound was missed.
 */
import type { CycleMetrics } from '../overlay-metrics.ts'
import type { OverlaySimulationResult } from '../overlay-simulation-result.ts'

export interface CheckPart {
  readonly pass: boolean
  /** What was measured and the bound, in one short line. */
  readonly text: string
}

export interface CheckResult {
  readonly id: string
  readonly title: string
  readonly pass: boolean
  readonly parts: readonly CheckPart[]
}

export function checkResult (id: string, title: string, parts: readonly CheckPart[]): CheckResult {
  return { id, title, pass: parts.length > 0 && parts.every(p => p.pass), parts }
}

export function format (x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x)
}

export function cyclesFrom (result: OverlaySimulationResult, fromCycle: number): readonly CycleMetrics[] {
  return result.cycles.filter(c => c.cycle >= fromCycle)
}

/** The first cycle of `cycles` from which `holds` is true at every cycle to the end, or null. */
export function holdsFrom (cycles: readonly CycleMetrics[], holds: (m: CycleMetrics) => boolean | null): number | null {
  let from: number | null = null
  for (const m of cycles) {
    const h = holds(m)
    if (h === null) continue
    if (h) from ??= m.cycle
    else from = null
  }
  return from
}
