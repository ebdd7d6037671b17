/**
 * The charts of an overlay run, one per metric over the cycles, with the random graph's value
 * drawn beside the simulated one wherever the paper compares them, and the O6 removal curve
 * when the run measured it. Returns file names and SVG text; src/bin writes them.
 */
import { ENVELOPE_WIRE_BYTES } from '../../protocol/cyclon/messages.ts'
import type { CycleMetrics } from '../overlay-metrics.ts'
import type { OverlaySimulationResult } from '../overlay-simulation-result.ts'
import type { ChartSeries } from './svg-line-chart.ts'
import { lineChartSvg } from './svg-line-chart.ts'

export interface ChartFile {
  readonly fileName: string
  readonly svg: string
}

export function overlayCharts (result: OverlaySimulationResult): ChartFile[] {
  const cycles = result.cycles
  const first = cycles[0]?.cycle ?? 0
  const last = cycles.at(-1)?.cycle ?? 1
  const random = result.randomGraph
  const { agents, cyclon } = result.config
  const subtitle = `n=${agents}, c=${cyclon.cacheSize}, l=${cyclon.shuffleLength}, seed ${result.config.seed}`
  const series = (name: string, value: (m: CycleMetrics) => number | null): ChartSeries =>
    ({ name, points: cycles.map(m => [m.cycle, value(m) ?? Number.NaN] as const) })
  const constant = (name: string, value: number): ChartSeries => ({ name, points: [[first, value], [last, value]], dashed: true })
  const chart = (fileName: string, title: string, yLabel: string, lines: ChartSeries[], yFromZero = false): ChartFile =>
    ({ fileName, svg: lineChartSvg({ title: `${title} (${subtitle})`, xLabel: 'cycle', yLabel, series: lines, yFromZero }) })
  const ideal = 2 * (ENVELOPE_WIRE_BYTES + cyclon.shuffleLength * result.descriptorBytesMean)
  const files = [
    chart('in-degree-mean.svg', 'Mean in-degree', 'in-degree', [series('Cyclon', m => m.inDegreeMean), constant('random graph', random.inDegreeMean)]),
    chart('in-degree-std.svg', 'In-degree standard deviation', 'std of in-degree', [series('Cyclon', m => m.inDegreeStd), constant('random graph', random.inDegreeStd)], true),
    chart('clustering.svg', 'Clustering coefficient', 'clustering coefficient', [series('Cyclon', m => m.clusteringCoefficient), constant('random graph', random.clusteringCoefficient)], true),
    chart('path-length.svg', 'Average path length', 'hops', [series('Cyclon', m => m.averagePathLength), constant('random graph', random.averagePathLength)]),
    chart('largest-component.svg', 'Live agents in the largest component', 'fraction of live agents', [series('Cyclon', m => m.largestComponentFraction)]),
    chart('dead-links.svg', 'Dead links', 'fraction of cache entries', [series('dead links', m => m.deadLinkFraction)], true),
    chart('requests-received.svg', 'Shuffle requests received per agent per cycle', 'requests', [series('mean', m => m.requestsReceivedMean), series('std', m => m.requestsReceivedStd), series('max', m => m.requestsReceivedMax)], true),
    chart('bytes-sent.svg', 'Bytes sent per agent per cycle', 'bytes', [series('mean', m => m.bytesSentMean), series('max', m => m.bytesSentMax), constant('O8 bound 1.2·2·(header + l·entry)', 1.2 * ideal)], true),
    chart('caches.svg', 'Caches and in-links', 'agents', [series('empty caches', m => m.emptyCaches), series('without in-links', m => m.agentsWithoutInLinks), series('caches short of c', m => m.cachesShortOfFull), series('shuffles in flight', m => m.shufflesInFlight)], true),
    chart('live-agents.svg', 'Live agents', 'agents', [series('live', m => m.liveAgents)], true)
  ]
  if (result.removal.length > 0) {
    files.push({
      fileName: 'removal.svg',
      svg: lineChartSvg({
        title: `Survivors connected after removing agents without repair (${subtitle})`,
        xLabel: 'agents removed (%)',
        yLabel: 'survivors in the largest component (%)',
        series: [
          { name: 'Cyclon', points: result.removal.map(r => [100 * r.fraction, 100 * r.connectedFraction] as const) },
          { name: 'random graph', points: result.removal.map(r => [100 * r.fraction, 100 * r.randomGraphConnectedFraction] as const), dashed: true }
        ]
      })
    })
  }
  return files
}
