/**
 * `p2pstack agent` as a user runs it: its --help, and a config file with mistakes, refused at
 * once with exit code 1 and a message that names each field at fault.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')

function p2pstack (args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('p2pstack agent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-agent-command-'))
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  it('has --help, listed by the command', () => {
    const help = p2pstack(['agent', '--help'])
    assert.equal(help.status, 0, help.stderr)
    assert.match(help.stdout, /Usage: p2pstack agent/)
    assert.match(help.stdout, /--config <file>/)
    assert.match(p2pstack(['--help']).stdout, /^\s+agent \[options\]/m)
  })

  it('refuses a bad config file with exit code 1, naming each field at fault', () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'id: agent-1\nlisten: { port: -1 }\nsecurity: { clusterKey: short }\noverlay: { cyclon: { cacheSize: 0 } }\n')
    const r = p2pstack(['agent', '--config', file])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /invalid configuration/)
    for (const field of ['listen.port', 'security.clusterKey', 'overlay.cyclon.cacheSize']) assert.match(r.stderr, new RegExp(`- ${field.replaceAll('.', '\\.')}:`))
    assert.equal(r.stdout, '')
  })

  it('says which file it cannot read', () => {
    const r = p2pstack(['agent', '--config', join(dir, 'missing.yaml')])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /missing\.yaml: cannot read the file/)
  })
})
