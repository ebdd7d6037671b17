/**
 * `p2pstack sim` with a placement scenario, as a user runs it: it writes summary.json, run.json
 * and the charts; the same seed writes the same summary.json byte for byte; a failed check exits
 * 1 and prints the seed and the command that replays the run; overlay-only options are refused.
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

describe('p2pstack sim --scenario (placement)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-placement-sim-'))
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  it('writes the summary, the run figures and the charts, and exits 0 when every check passes (seed 1)', () => {
    const out = join(dir, 'a')
    const r = sim(['--scenario', 'unequal', '--trials', '2', '--seed', '1', '--out', out])
    assert.equal(r.status, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /PASS U1/)
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    assert.equal(summary.seed, '1')
    assert.equal(summary.passed, true)
    assert.equal(summary.replay, 'p2pstack sim --scenario unequal --seed 1 --agents 16 --trials 2')
    assert.deepEqual(summary.arms.map((a: { name: string }) => a.name), ['P2C', 'random', 'd=3', 'round-robin', 'least-loaded (board)'])
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))
    assert.ok(run.eventsPerSecond > 0)
    for (const chart of ['max-load-over-time.svg', 'utilization-gap-per-policy.svg', 'load-distribution.svg']) {
      assert.match(readFileSync(join(out, chart), 'utf8'), /^<svg /)
    }
  })

  it('writes the same summary.json byte for byte for the same seed (seed 1)', () => {
    const out = join(dir, 'b')
    assert.equal(sim(['--scenario', 'unequal', '--trials', '2', '--seed', '1', '--out', out]).status, 0)
    assert.equal(readFileSync(join(out, 'summary.json'), 'utf8'), readFileSync(join(dir, 'a', 'summary.json'), 'utf8'))
  })

  it('exits 1 on a failed check and prints the seed and the command that replays it (seed 5)', () => {
    // Two cloudlets of 16 vCPUs cannot hold 400 servers: most get "No valid host".
    const r = sim(['--scenario', 'unequal', '--agents', '2', '--trials', '1', '--seed', '5', '--out', join(dir, 'c')])
    assert.equal(r.status, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /FAIL U1/)
    assert.match(r.stdout, /FAILED: seed 5; replay with:\n {2}p2pstack sim --scenario unequal --seed 5 --agents 2 --trials 1/)
  })

  it('refuses overlay-only options for a placement scenario, and --trials for an overlay one, writing nothing', () => {
    const cycles = sim(['--scenario', 'p5', '--cycles', '3', '--out', join(dir, 'd')])
    assert.equal(cycles.status, 1)
    assert.match(cycles.stderr, /apply to overlay scenarios only/)
    const trials = sim(['--scenario', 'steady', '--trials', '3', '--out', join(dir, 'd')])
    assert.equal(trials.status, 1)
    assert.match(trials.stderr, /--trials applies to placement scenarios only/)
    assert.equal(existsSync(join(dir, 'd')), false)
  })
})
