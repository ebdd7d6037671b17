/**
 * A small SVG line chart writer: axes with round-numbered ticks, axis labels, a title and a
 * legend, one polyline per series (dashed for a reference such as the random graph). Enough
 * to look at a metric over the cycles in a browser; no plotting dependency. Returns the SVG
 * text; writing it to a file is the caller's business.
 */

export interface ChartSeries {
  readonly name: string
  /** [x, y] points; points with a non-finite y are left out. */
  readonly points: ReadonlyArray<readonly [number, number]>
  readonly dashed?: boolean
}

export interface LineChart {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: readonly ChartSeries[]
  readonly width?: number
  readonly height?: number
  /** Start the y axis at zero even when every value is far above it. */
  readonly yFromZero?: boolean
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f']
const MARGIN = { left: 78, right: 24, top: 44, bottom: 56 }

export function lineChartSvg (chart: LineChart): string {
  const width = chart.width ?? 760
  const height = chart.height ?? 420
  const plotWidth = width - MARGIN.left - MARGIN.right
  const plotHeight = height - MARGIN.top - MARGIN.bottom
  const series = chart.series.map(s => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }))
  const xs = series.flatMap(s => s.points.map(p => p[0]))
  const ys = series.flatMap(s => s.points.map(p => p[1]))
  const xAxis = niceAxis(xs.length === 0 ? 0 : Math.min(...xs), xs.length === 0 ? 1 : Math.max(...xs))
  const yLow = ys.length === 0 ? 0 : Math.min(...ys)
  const yAxis = niceAxis(chart.yFromZero === true ? Math.min(0, yLow) : yLow, ys.length === 0 ? 1 : Math.max(...ys))
  const sx = (x: number): number => MARGIN.left + (x - xAxis.min) / (xAxis.max - xAxis.min) * plotWidth
  const sy = (y: number): number => MARGIN.top + plotHeight - (y - yAxis.min) / (yAxis.max - yAxis.min) * plotHeight
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`
  ]
  for (const tick of xAxis.ticks) {
    const x = round(sx(tick))
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#e6e6e6"/>`)
    out.push(`<text x="${x}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${formatTick(tick, xAxis.step)}</text>`)
  }
  for (const tick of yAxis.ticks) {
    const y = round(sy(tick))
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e6e6e6"/>`)
    out.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${formatTick(tick, yAxis.step)}</text>`)
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333333"/>`)
  out.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`)
  out.push(`<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`)
  series.forEach((s, i) => {
    if (s.points.length === 0) return
    const colour = COLOURS[i % COLOURS.length] as string
    const points = s.points.map(([x, y]) => `${round(sx(x))},${round(sy(y))}`).join(' ')
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.8"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''} points="${points}"/>`)
    if (s.points.length === 1) {
      const [x, y] = s.points[0] as readonly [number, number]
      out.push(`<circle cx="${round(sx(x))}" cy="${round(sy(y))}" r="3" fill="${colour}"/>`)
    }
  })
  const legendX = MARGIN.left + plotWidth - 8
  if (series.length > 0) {
    const legendWidth = Math.max(...series.map(s => s.name.length)) * 7 + 44
    out.push(`<rect x="${legendX - legendWidth}" y="${MARGIN.top + 3}" width="${legendWidth + 4}" height="${series.length * 16 + 6}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`)
  }
  series.forEach((s, i) => {
    const y = MARGIN.top + 14 + i * 16
    const colour = COLOURS[i % COLOURS.length] as string
    out.push(`<line x1="${legendX - 28}" y1="${y - 4}" x2="${legendX - 6}" y2="${y - 4}" stroke="${colour}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`)
    out.push(`<text x="${legendX - 32}" y="${y}" text-anchor="end">${escapeXml(s.name)}</text>`)
  })
  out.push('</svg>', '')
  return out.join('\n')
}

interface Axis {
  readonly min: number
  readonly max: number
  readonly step: number
  readonly ticks: readonly number[]
}

/** An axis covering [low, high] with 4–10 ticks at 1, 2 or 5 times a power of ten. */
export function niceAxis (low: number, high: number): Axis {
  let min = low
  let max = high
  if (max - min < 1e-12) {
    const pad = Math.abs(min) > 1e-12 ? Math.abs(min) * 0.05 : 1
    min -= pad
    max += pad
  }
  const rough = (max - min) / 6
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 5, 10].map(m => m * power).find(s => s >= rough)) ?? 10 * power
  const axisMin = Math.floor(min / step) * step
  const axisMax = Math.ceil(max / step) * step
  const ticks: number[] = []
  for (let k = 0; axisMin + k * step <= axisMax + step * 1e-9; k++) ticks.push(axisMin + k * step)
  return { min: axisMin, max: axisMax, step, ticks }
}

function formatTick (value: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)))
  const text = value.toFixed(decimals)
  return text === '-0' ? '0' : text
}

function round (x: number): number {
  return Math.round(x * 10) / 10
}

export function escapeXml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
