/**
 * The charts of a placement scenario: the highest load over time (trial 0 of each policy), the
 * gap per policy (how often each gap occurred over the trials; under churn, the time-averaged
 * maximum per trial) beside the ideal reference, and the distribution of load over the
 * cloudlets (or of the maximum over time).
 * Returns file names and SVG text; src/bin writes them.
 */
import type { ChartFile } from '../report/overlay-charts.ts'
import type { ChartSeries } from '../report/svg-line-chart.ts'
import { lineChartSvg } from '../report/svg-line-chart.ts'
import type { PlacementScenarioReport } from './run-placement-scenario.ts'

export function placementCharts (report: PlacementScenarioReport): ChartFile[] {
  const c = report.config
  const subtitle = `${report.scenario}, n=${c.agents}, ${report.trials} trials, seed ${report.seed}`
  const churn = c.workload.kind === 'churn'
  const utilization = report.checks.some(check => check.id === 'U1')
  const files: ChartFile[] = []
  const overTime: ChartSeries[] = report.arms.map(arm => ({ name: arm.name, points: arm.series }))
  const offered = report.arms[0]?.churn?.meanServers.mean
  if (churn && offered !== undefined) {
    const last = Math.max(...report.arms.flatMap(a => a.series.map(p => p[0])))
    overTime.push({ name: 'mean load', points: [[0, offered], [last, offered]], dashed: true })
  }
  files.push({
    fileName: 'max-load-over-time.svg',
    svg: lineChartSvg({ title: `Most servers on one cloudlet, trial 0 (${subtitle})`, xLabel: 'seconds since the first placement', yLabel: 'servers', series: overTime, yFromZero: true })
  })
  // Under churn, one point per trial; otherwise how often each gap occurred over the trials (rounded to whole servers or points).
  const histogram = (values: readonly number[]): Array<readonly [number, number]> => {
    const counts = new Map<number, number>()
    for (const v of values) counts.set(Math.round(v), (counts.get(Math.round(v)) ?? 0) + 1)
    return [...counts].sort((a, b) => a[0] - b[0]).map(([k, c]) => [k, c / values.length] as const)
  }
  const perTrial: ChartSeries[] = report.arms.map(arm => ({
    name: arm.name,
    points: churn
      ? arm.perTrial.map((t, k) => [k, t.churnMaxMean ?? Number.NaN] as const)
      : histogram(arm.perTrial.map(t => utilization ? t.utilizationGapPoints : t.gap))
  }))
  for (const ideal of report.ideal) {
    if (churn) {
      const value = ideal.churn?.maxMean.mean ?? Number.NaN
      perTrial.push({ name: `ideal d=${ideal.d} (mean)`, points: [[0, value], [Math.max(0, report.trials - 1), value]], dashed: true })
    } else if (!utilization) {
      perTrial.push({ name: `ideal d=${ideal.d}`, points: histogram(ideal.perTrialGap), dashed: true })
    }
  }
  files.push({
    fileName: churn ? 'time-averaged-max-per-trial.svg' : utilization ? 'utilization-gap-per-policy.svg' : 'gap-per-policy.svg',
    svg: lineChartSvg({
      title: churn ? `Time-averaged maximum load per trial (${subtitle})` : `${utilization ? 'Highest minus mean utilization' : 'Gap above the mean load'}: trials per value (${subtitle})`,
      xLabel: churn ? 'trial' : utilization ? 'points' : 'servers above the mean',
      yLabel: churn ? 'servers' : 'fraction of trials',
      series: perTrial,
      yFromZero: true
    })
  })
  const distribution = (counts: readonly number[]): Array<readonly [number, number]> => {
    const total = counts.reduce((s, x) => s + x, 0)
    return counts.map((x, k) => [k, total > 0 ? x / total : 0] as const)
  }
  const spread: ChartSeries[] = [
    ...report.arms.map(arm => ({ name: arm.name, points: churn ? (arm.churn?.timeAtMax ?? []).map((t, k) => [k, t] as const) : distribution(arm.levelCounts) })),
    ...report.ideal.map(ideal => ({ name: `ideal d=${ideal.d}`, points: churn ? (ideal.churn?.timeAtMax ?? []).map((t, k) => [k, t] as const) : distribution(ideal.levelCounts), dashed: true }))
  ]
  files.push({
    fileName: churn ? 'time-at-max.svg' : 'load-distribution.svg',
    svg: lineChartSvg({
      title: churn ? `Time spent at each maximum load (${subtitle})` : `Cloudlets by servers at the end, all trials (${subtitle})`,
      xLabel: churn ? 'most servers on one cloudlet' : 'servers on a cloudlet',
      yLabel: churn ? 'fraction of the time' : 'fraction of cloudlets',
      series: spread,
      yFromZero: true
    })
  })
  return files
}
