/**
 * Server lists through the agent, the parts the CLI scenario does not reach (2 agents over 2
 * emulated cloudlets, real HTTP on loopback): a marker that the filters exclude is still a
 * marker, as in Nova; and an agent whose cloudlet no longer holds any server of a project
 * leaves the project's footprint once a list shows it, so lists stop asking it.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_IMAGE, startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { loginAt } from '../fixtures/agent-login.ts'

describe('server lists through the agent', { timeout: 120_000 }, () => {
  let cluster: RunningLocalCluster
  let base: string
  let token: string
  let projectId: string

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> => {
    const response = await fetch(`${base}/compute/v2.1${path}`, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await response.text()
    return { status: response.status, json: text === '' ? null : JSON.parse(text) }
  }

  before(async () => {
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 2, dataDir: null, adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 50, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 } })
    await cluster.converged(30_000)
    base = cluster.entryUrl
    ;({ token, projectId } = await loginAt(base))
  })

  after(async () => { await cluster?.stop() })

  it('takes as marker a server that the filters exclude, as Nova does', async () => {
    const ids: Record<string, string> = {}
    for (const name of ['alpha-1', 'alpha-2', 'beta-1', 'alpha-3']) {
      const created = await call('POST', '/servers', { server: { name, flavorRef: '1', imageRef: DEFAULT_IMAGE.id } })
      assert.equal(created.status, 202)
      ids[name] = created.json.server.id
    }
    const all = (await call('GET', '/servers/detail')).json.servers as Array<{ id: string, name: string }>
    const beta = all.findIndex(s => s.name === 'beta-1')
    const after = all.slice(beta + 1).filter(s => s.name.startsWith('alpha')).map(s => s.id)
    const page = await call('GET', `/servers?name=alpha&marker=${ids['beta-1'] as string}`)
    assert.equal(page.status, 200)
    assert.deepEqual(page.json.servers.map((s: { id: string }) => s.id), after)
  })

  it('leaves the project\'s footprint when a list shows no server of it in its cloudlet', async () => {
    const agents = cluster.members.map(m => m.agent).filter(a => a !== null)
    for (const server of (await call('GET', '/servers')).json.servers as Array<{ id: string }>) assert.equal((await call('DELETE', `/servers/${server.id}`)).status, 204)
    const deadline = performance.now() + 30_000
    while ((await call('GET', '/servers')).json.servers.length > 0 && performance.now() < deadline) await new Promise(resolve => setTimeout(resolve, 200))
    // A list through each agent: each sees its own cloudlet empty for the project.
    for (const agent of agents) {
      const response = await fetch(`${agent.publicUrl}/compute/v2.1/servers`, { headers: { 'x-auth-token': token } })
      assert.equal(response.status, 200)
      assert.equal(agent.overlay.footprint.holds(projectId), false, `${agent.id} left the footprint`)
    }
  })
})
