/**
 * The SVG writer produces a well-formed chart: one polyline per series inside the plot, a
 * legend naming each, round ticks, escaped text; non-finite points are left out.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lineChartSvg, niceAxis } from './svg-line-chart.ts'

describe('lineChartSvg', () => {
  const svg = lineChartSvg({
    title: 'In-degree <std> & more',
    xLabel: 'cycle',
    yLabel: 'std',
    series: [
      { name: 'Cyclon', points: [[1, 4.2], [2, 3.1], [3, Number.NaN], [4, 2.4]] },
      { name: 'random graph', points: [[1, 4.4], [4, 4.4]], dashed: true }
    ]
  })

  it('draws one polyline per series, dashed where asked, leaving out non-finite points', () => {
    const polylines = svg.match(/<polyline [^>]*>/g) ?? []
    assert.equal(polylines.length, 2)
    assert.equal((polylines[0]?.match(/points="([^"]*)"/)?.[1] ?? '').split(' ').length, 3)
    assert.match(polylines[1] ?? '', /stroke-dasharray/)
  })

  it('names every series in the legend and escapes text', () => {
    assert.match(svg, />Cyclon</)
    assert.match(svg, />random graph</)
    assert.match(svg, /In-degree &lt;std&gt; &amp; more/)
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    assert.match(svg, /<\/svg>\n$/)
  })

  it('keeps every point inside the plot area', () => {
    for (const polyline of svg.match(/points="([^"]*)"/g) ?? []) {
      for (const pair of polyline.slice(8, -1).split(' ')) {
        const [x, y] = pair.split(',').map(Number) as [number, number]
        assert.ok(x >= 78 && x <= 760 - 24 && y >= 44 && y <= 420 - 56, pair)
      }
    }
  })
})

describe('niceAxis', () => {
  it('covers the range with ticks at 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual(niceAxis(0, 100).ticks, [0, 20, 40, 60, 80, 100])
    const axis = niceAxis(2.153, 2.161)
    assert.ok(axis.min <= 2.153 && axis.max >= 2.161)
    assert.ok(axis.ticks.length >= 4 && axis.ticks.length <= 10)
  })

  it('widens a flat range so a constant series still has an axis', () => {
    const axis = niceAxis(20, 20)
    assert.ok(axis.min < 20 && axis.max > 20)
  })
})
