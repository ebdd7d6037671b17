/**
 * `p2pstack up` as a child process, killed with SIGKILL and started again on the same data
 * directory: nothing is lost. Servers created through agent 1 are listed and shown through
 * agent 2 after the restart — even with agent 2's own state directory deleted in between, which
 * it rebuilds from its cloudlet (the own-cloudlet index) and its peers (the footprint).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { DEFAULT_IMAGE } from '../../src/agent/local-cluster.ts'
import { loginAt } from '../fixtures/agent-login.ts'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')

interface Up { child: ChildProcess, output: () => string }

/** Starts `p2pstack up` and resolves once it says it is up; rejects with its output otherwise. */
async function startUp (dir: string, basePort: number): Promise<Up> {
  const child = spawn(process.execPath, [BIN, 'up', '--cloudlets', '2', '--port', String(basePort), '--data-dir', join(dir, 'data'), '--write-clouds-yaml', join(dir, 'clouds.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => { text += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { text += chunk.toString() })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`p2pstack up did not come up within 90 s:\n${text}`)) }, 90_000)
    const check = (): void => {
      if (text.includes('p2pstack is up')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    child.on('exit', code => {
      clearTimeout(timer)
      reject(new Error(`p2pstack up exited with ${code}:\n${text}`))
    })
  })
  return { child, output: () => text }
}

async function killHard (up: Up): Promise<void> {
  if (up.child.exitCode !== null || up.child.signalCode !== null) return
  const exited = new Promise(resolve => up.child.once('exit', resolve))
  up.child.kill('SIGKILL')
  await exited
}

async function login (agentUrl: string): Promise<string> {
  return (await loginAt(agentUrl)).token
}

async function call (method: string, url: string, token: string, body?: unknown): Promise<{ status: number, json: any }> {
  const response = await fetch(url, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await response.text()
  return { status: response.status, json: text === '' ? null : JSON.parse(text) }
}

describe('p2pstack up killed with SIGKILL and restarted', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-up-restart-'))
  // Below Linux's ephemeral ports (32768 and up, which outbound connections take) and above the
  // real cloudlets' (20000 + 10·N), so that no port of the range is taken while the cluster starts.
  const basePort = 21_000 + Math.floor(Math.random() * 11_000)
  const agent1 = `http://127.0.0.1:${basePort}`
  const agent2 = `http://127.0.0.1:${basePort + 1}`
  let up: Up | null = null

  after(async () => {
    if (up !== null) await killHard(up)
    rmSync(dir, { recursive: true, force: true })
  })

  it('loses nothing, and an agent whose state was deleted rebuilds it', async () => {
    up = await startUp(dir, basePort)
    const token = await login(agent1)
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const created = await call('POST', `${agent1}/compute/v2.1/servers`, token, { server: { name: `r${i}`, flavorRef: '1', imageRef: DEFAULT_IMAGE.id } })
      assert.equal(created.status, 202, JSON.stringify(created.json))
      ids.push(created.json.server.id)
    }
    const before = await call('GET', `${agent2}/compute/v2.1/servers`, await login(agent2))
    assert.deepEqual(new Set(before.json.servers.map((s: { id: string }) => s.id)), new Set(ids), up.output())

    await killHard(up)
    rmSync(join(dir, 'data', 'agent-2'), { recursive: true, force: true })
    up = await startUp(dir, basePort)

    // The token from before the kill still works: the provider's keys were kept. Agent 2 knows
    // its own servers at once (from its cloudlet) and agent 1's once the footprint reached it
    // (its first reconciliation, at start): within a few seconds, bounded here by 30.
    const listedIds = async (): Promise<Set<string>> => {
      const listed = await call('GET', `${agent2}/compute/v2.1/servers/detail`, token)
      assert.equal(listed.status, 200)
      return new Set(listed.json.servers.map((s: { id: string }) => s.id))
    }
    const deadline = performance.now() + 30_000
    while ((await listedIds()).size < ids.length && performance.now() < deadline) await new Promise(resolve => setTimeout(resolve, 250))
    assert.deepEqual(await listedIds(), new Set(ids))
    for (const id of ids) {
      for (const agent of [agent1, agent2]) {
        const shown = await call('GET', `${agent}/compute/v2.1/servers/${id}`, token)
        assert.equal(shown.status, 200, `${id} through ${agent}: ${JSON.stringify(shown.json)}`)
        assert.equal(shown.json.server.id, id)
      }
    }
    await killHard(up)
    up = null
  })
})
