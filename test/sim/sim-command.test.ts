/**
 * `p2pstack sim` as a user runs it, as a child process: it writes summary.json, run.json and
 * the SVG charts; the same seed writes the same summary.json byte for byte; a failed check
 * exits 1 and prints the seed and the command that replays the run; a bad scenario is refused.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')

function sim (args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'sim', '--no-progress', ...args], { encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('p2pstack sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-sim-'))
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  it('writes the summary, the run figures and a chart per metric, and exits 0 when every check passes (seed 3)', () => {
    const out = join(dir, 'a')
    const r = sim(['--scenario', 'steady-small', '--cycles', '20', '--seed', '3', '--out', out])
    assert.equal(r.status, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /PASS O2/)
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    assert.equal(summary.seed, '3')
    assert.equal(summary.passed, true)
    assert.equal(summary.cycles.length, 20)
    assert.equal(summary.replay, 'p2pstack sim --scenario steady-small --seed 3 --agents 100 --cycles 20 --cache-size 8 --shuffle-length 4')
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))
    assert.ok(run.eventsPerSecond > 0)
    for (const chart of ['in-degree-std.svg', 'clustering.svg', 'path-length.svg', 'dead-links.svg', 'bytes-sent.svg']) {
      assert.match(readFileSync(join(out, chart), 'utf8'), /^<svg /)
    }
  })

  it('writes the same summary.json byte for byte for the same seed (seed 3)', () => {
    const out = join(dir, 'b')
    assert.equal(sim(['--scenario', 'steady-small', '--cycles', '20', '--seed', '3', '--out', out]).status, 0)
    assert.equal(readFileSync(join(out, 'summary.json'), 'utf8'), readFileSync(join(dir, 'a', 'summary.json'), 'utf8'))
  })

  it('exits 1 on a failed check and prints the seed and the command that replays it (seed 5)', () => {
    // O4 needs a steady state from at least 60 cycles; 10 cannot pass.
    const r = sim(['--scenario', 'star', '--agents', '200', '--cycles', '10', '--seed', '5', '--out', join(dir, 'c')])
    assert.equal(r.status, 1)
    assert.match(r.stdout, /FAIL O4/)
    assert.match(r.stdout, /FAILED: seed 5; replay with:\n {2}p2pstack sim --scenario star --seed 5 --agents 200 --cycles 10 --cache-size 20 --shuffle-length 8/)
  })

  it('refuses an unknown scenario and an impossible configuration, writing nothing', () => {
    const unknown = sim(['--scenario', 'nope', '--out', join(dir, 'd')])
    assert.equal(unknown.status, 1)
    assert.match(unknown.stderr, /unknown scenario "nope"; scenarios: steady, /)
    const impossible = sim(['--scenario', 'steady', '--shuffle-length', '30', '--out', join(dir, 'd')])
    assert.equal(impossible.status, 1)
    assert.match(impossible.stderr, /shuffleLength must not exceed cacheSize/)
    assert.equal(existsSync(join(dir, 'd')), false)
  })
})
