/**
 * The `p2pstack` command as a user runs it: --help on every subcommand, a bad option refused
 * with a clear message, and `p2pstack cloudlet --state FILE` as a real child process that
 * writes clouds.yaml, serves Keystone on loopback, stops on SIGTERM, and keeps its state across
 * a restart. Every child is stopped by its PID.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { parse } from 'yaml'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')

function p2pstack (args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function startCloudlet (args: string[]): Promise<{ child: ChildProcess, url: string }> {
  const child = spawn(process.execPath, [BIN, 'cloudlet', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  for (let i = 0; i < 600 && !/listening on (http:\/\/\S+)/.test(out); i++) {
    if (child.exitCode !== null) throw new Error(`cloudlet exited early: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
  if (url === undefined) throw new Error(`cloudlet did not start: ${out}`)
  return { child, url }
}

async function stop (child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  child.kill('SIGTERM')
  const [code] = await once(child, 'exit') as [number | null]
  return code
}

async function adminToken (url: string): Promise<string> {
  const response = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } })
  })
  assert.equal(response.status, 201)
  return response.headers.get('x-subject-token') as string
}

describe('p2pstack command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-command-'))
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  it('has --help on the command and every subcommand', () => {
    const top = p2pstack(['--help'])
    assert.equal(top.status, 0)
    assert.match(top.stdout, /Usage: p2pstack/)
    for (const sub of ['up', 'cloudlet']) {
      assert.match(top.stdout, new RegExp(`\\b${sub}\\b`))
      const help = p2pstack([sub, '--help'])
      assert.equal(help.status, 0, help.stderr)
      assert.match(help.stdout, new RegExp(`Usage: p2pstack ${sub}`))
    }
    assert.match(p2pstack(['cloudlet', '--help']).stdout, /--state <file>/)
  })

  it('refuses a bad option value with a message that names the option', () => {
    const r = p2pstack(['cloudlet', '--hosts', 'many'])
    assert.notEqual(r.status, 0)
    assert.match(r.stderr, /--hosts <k>.*must be a positive integer/)
  })

  it('runs a cloudlet with --state, writes clouds.yaml, and keeps its state across a restart', async () => {
    const state = join(dir, 'cloudlet.sqlite')
    const cloudsYaml = join(dir, 'clouds.yaml')
    const first = await startCloudlet(['--state', state, '--write-clouds-yaml', cloudsYaml, '--cloud-name', 'mine'])
    try {
      const clouds = parse(readFileSync(cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: { auth_url: string, username: string } }> }
      assert.equal(clouds.clouds.mine?.auth.auth_url, `${first.url}/identity`)
      assert.equal(clouds.clouds.mine?.auth.username, 'admin')
      const token = await adminToken(first.url)
      const created = await fetch(`${first.url}/identity/v3/projects`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ project: { name: 'kept' } }) })
      assert.equal(created.status, 201)
    } finally {
      assert.equal(await stop(first.child), 0)
    }
    const second = await startCloudlet(['--state', state])
    try {
      const token = await adminToken(second.url)
      const projects = await (await fetch(`${second.url}/identity/v3/projects?name=kept`, { headers: { 'x-auth-token': token } })).json() as { projects: unknown[] }
      assert.equal(projects.projects.length, 1)
    } finally {
      assert.equal(await stop(second.child), 0)
    }
  })
})
