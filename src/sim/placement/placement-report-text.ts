/**
 * A placement scenario's outcome as text for a person at a terminal: what ran, one row per
 * policy and per ideal reference (loads, costs, decision latency), and every acceptance check
 * with its figures.
 */
import type { PlacementScenarioReport } from './run-placement-scenario.ts'
import type { ArmSummary, IdealSummary, Stat } from './placement-summary.ts'

const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits))

function meanWorst (s: Stat, digits = 2): string {
  return `${fixed(s.mean, digits)}±${fixed(s.se, digits)} (${fixed(s.max, digits === 3 ? 0 : 2)})`
}

export function placementReportText (report: PlacementScenarioReport): string {
  const c = report.config
  const latency = c.latency.kind === 'lognormal' ? `lognormal, median ${c.latency.medianMs} ms, σ ${c.latency.sigma}` : JSON.stringify(c.latency)
  const churn = c.workload.kind === 'churn'
  const lines = [
    `scenario ${report.scenario}: ${report.description}`,
    `seed ${report.seed}; ${c.agents} agents; ${report.trials} trials; Cyclon c=${c.cyclon.cacheSize}, l=${c.cyclon.shuffleLength}, ${c.warmupCycles} cycles before the first placement; one-way latency ${latency}`,
    `${report.events} events`,
    '',
    churn
      ? `${'policy'.padEnd(24)} trials  time-avg max (worst)   p99  util. gap pts  msgs/placement  bytes/placement  decision p50/p99 ms  no valid host`
      : `${'policy'.padEnd(24)} trials  max load (worst)       gap (worst)          util. gap pts  msgs/placement  bytes/placement  decision p50/p99 ms  no valid host`
  ]
  for (const arm of report.arms) lines.push(armRow(arm, churn))
  for (const ideal of report.ideal) lines.push(idealRow(ideal, churn))
  lines.push('')
  for (const arm of report.arms) lines.push(`  ${arm.name}: ${arm.policy}; attempts ${fixed(arm.attemptsMean, 3)}; samples' chi-square/dof ${fixed(arm.samplesChiSquarePerDof, 2)}; Cyclon ${fixed(arm.cyclonMessagesPerAgentPerCycle, 2)} messages per agent per cycle`)
  lines.push('')
  for (const check of report.checks) {
    lines.push(`${check.pass ? 'PASS' : 'FAIL'} ${check.id} ${check.title}`)
    for (const part of check.parts) lines.push(`     ${part.pass ? '✓' : '✗'} ${part.text}`)
  }
  if (report.checks.length === 0) lines.push('(no acceptance checks in this scenario)')
  lines.push('')
  return lines.join('\n')
}

function armRow (arm: ArmSummary, churn: boolean): string {
  const loads = churn && arm.churn !== null
    ? `${meanWorst(arm.churn.maxMean).padEnd(22)} ${String(arm.churn.maxP99).padStart(4)}`
    : `${meanWorst(arm.maxServers, 3).padEnd(22)} ${meanWorst(arm.gap).padEnd(20)}`
  return [
    arm.name.padEnd(24),
    String(arm.trials).padStart(6),
    ' ',
    loads,
    fixed(arm.utilizationGapPoints.mean, 1).padStart(13),
    fixed(arm.messagesPerPlacement.mean, 1).padStart(15),
    fixed(arm.bytesPerPlacement, 0).padStart(16),
    `${fixed(arm.decisionMs.p50, 0)}/${fixed(arm.decisionMs.p99, 0)}`.padStart(20),
    String(arm.noValidHost).padStart(14)
  ].join(' ')
}

function idealRow (ideal: IdealSummary, churn: boolean): string {
  const loads = churn && ideal.churn !== null
    ? `${meanWorst(ideal.churn.maxMean).padEnd(22)} ${String(ideal.churn.maxP99).padStart(4)}`
    : `${meanWorst(ideal.maxServers, 3).padEnd(22)} ${meanWorst(ideal.gap).padEnd(20)}`
  return [`ideal d=${ideal.d}${ideal.d === 1 ? ' (random)' : ''}`.padEnd(24), String(ideal.trials).padStart(6), ' ', loads, fixed(ideal.utilizationGapPoints.mean, 1).padStart(13), '(no protocol)'.padStart(15)].join(' ')
}
