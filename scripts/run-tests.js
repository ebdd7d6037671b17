#!/usr/bin/env node
// Runs the test suites with node:test through tsx. Node 20 does not expand globs, so the
// files are listed here. Suites: unit (beside the code in src/), integration (test/integration),
// cli (test/cli: the real `openstack` CLI and other real clients), sim (test/sim: the overlay
// simulator's acceptance scenarios with fixed seeds, about a minute). No argument runs them all.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

const suites = {
  unit: ['src', 'test/unit'],
  integration: ['test/integration'],
  cli: ['test/cli'],
  sim: ['test/sim']
}
// Run only when named: large (test/large: multi-GB streams, minutes) and real (test/real: real
// OpenStack services from Debian's packages, scripts/real-cloudlet).
const optionalSuites = {
  large: ['test/large'],
  real: ['test/real']
}

function testFiles (dir) {
  let entries
  try { entries = readdirSync(dir) } catch { return [] }
  return entries.flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return testFiles(path)
    return name.endsWith('.test.ts') ? [path] : []
  })
}

const wanted = process.argv.slice(2)
const names = wanted.length > 0 ? wanted : Object.keys(suites)
Object.assign(suites, optionalSuites)
const files = []
for (const name of names) {
  if (suites[name] === undefined) {
    console.error(`unknown suite ${name}; suites: ${Object.keys(suites).join(', ')}`)
    process.exit(2)
  }
  files.push(...suites[name].flatMap(testFiles))
}
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
// The real cloudlets' tests share cloudlet 0: one file at a time whatever the number of cores.
const serial = names.includes('real') ? ['--test-concurrency=1'] : []
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...serial, '--test-reporter=spec', ...files.sort()], { stdio: 'inherit' })
process.exit(result.status ?? 1)
