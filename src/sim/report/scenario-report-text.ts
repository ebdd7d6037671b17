/**
 * A scenario's outcome as text for a person at a terminal: what ran, the overlay at the last
 * cycle beside the random graph, the traffic, and every acceptance check with its figures.
 */
import type { ScenarioReport } from '../scenarios/run-scenario.ts'

const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits))

export function scenarioReportText (report: ScenarioReport): string {
  const { result } = report
  const { config } = result
  const last = result.cycles.at(-1)
  const random = result.randomGraph
  const lines = [
    `scenario ${report.scenario}: ${report.description}`,
    `seed ${config.seed}; ${config.agents} agents, ${config.cycles} cycles of ${config.cyclon.shufflePeriodMs} ms; c=${config.cyclon.cacheSize}, l=${config.cyclon.shuffleLength}; start: ${config.topology}`,
    `${result.events} events; ${result.network.sent} messages sent, ${result.network.delivered} delivered, ${result.network.lost} lost, ${result.network.partitioned} cut by partitions, ${result.network.toDownAgent} to agents that were down`,
    '',
    `at cycle ${last?.cycle ?? '-'}                 overlay     random graph`,
    `  live agents             ${String(last?.liveAgents ?? '-').padStart(10)}   ${String(random.agents).padStart(12)}`,
    `  in-degree mean          ${fixed(last?.inDegreeMean, 3).padStart(10)}   ${fixed(random.inDegreeMean, 3).padStart(12)}`,
    `  in-degree std           ${fixed(last?.inDegreeStd, 3).padStart(10)}   ${fixed(random.inDegreeStd, 3).padStart(12)}`,
    `  clustering coefficient  ${fixed(last?.clusteringCoefficient, 4).padStart(10)}   ${fixed(random.clusteringCoefficient, 4).padStart(12)}`,
    `  average path length     ${fixed(last?.averagePathLength, 3).padStart(10)}   ${fixed(random.averagePathLength, 3).padStart(12)}`,
    `  largest component       ${fixed(last?.largestComponentFraction, 4).padStart(10)}   ${fixed(random.largestComponentFraction, 4).padStart(12)}`,
    `  dead links              ${fixed(last?.deadLinkFraction, 4).padStart(10)}`,
    `  empty caches            ${String(last?.emptyCaches ?? '-').padStart(10)}`,
    `  requests received/cycle ${fixed(last?.requestsReceivedMean, 3).padStart(10)}   (std ${fixed(last?.requestsReceivedStd, 3)}, max ${last?.requestsReceivedMax ?? '-'})`,
    `  bytes sent/agent/cycle  ${fixed(last?.bytesSentMean, 0).padStart(10)}`,
    ''
  ]
  for (const check of report.checks) {
    lines.push(`${check.pass ? 'PASS' : 'FAIL'} ${check.id} ${check.title}`)
    for (const part of check.parts) lines.push(`     ${part.pass ? '✓' : '✗'} ${part.text}`)
  }
  if (report.checks.length === 0) lines.push('(no acceptance checks in this scenario)')
  lines.push('')
  return lines.join('\n')
}
