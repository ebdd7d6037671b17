/**
 * Compute microversions over cloudlets of different Nova releases (issue 6 §2): 2 agents, the
 * second cloudlet stopping at 2.60 as an older Nova does. Once the agents have met in the
 * overlay, both advertise 2.1–2.60 in their version documents, pin 'latest' to 2.60 before a call
 * reaches any cloudlet (so a create means the same wherever the scheduler puts it), refuse 2.79
 * with Nova's 406, and pass a version inside the range through unchanged.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_IMAGE, startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { loginAt } from '../fixtures/agent-login.ts'

describe('compute microversions across cloudlets of different releases', { timeout: 120_000 }, () => {
  let cluster: RunningLocalCluster
  let urls: string[]
  let token: string

  before(async () => {
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 2, dataDir: null, adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 50, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 }, computeMaxMicroversions: [null, '2.60'] })
    await cluster.converged(30_000)
    urls = cluster.members.map(m => m.agent?.publicUrl).filter((u): u is string => u !== undefined)
    ;({ token } = await loginAt(urls[0] as string))
  })

  after(async () => { await cluster?.stop() })

  const advertised = async (url: string): Promise<string> => {
    const body = await (await fetch(`${url}/compute/v2.1/`)).json() as { version: { min_version: string, version: string } }
    return `${body.version.min_version}-${body.version.version}`
  }

  it('advertises at every agent the range both cloudlets honour, in both version documents', async () => {
    const started = performance.now()
    for (const url of urls) {
      while (await advertised(url) !== '2.1-2.60' && performance.now() - started < 30_000) await new Promise(resolve => setTimeout(resolve, 200))
      assert.equal(await advertised(url), '2.1-2.60', url)
      const root = await (await fetch(`${url}/compute/`)).json() as { versions: Array<{ id: string, version: string, links: Array<{ href: string }> }> }
      const current = root.versions.find(v => v.id === 'v2.1')
      assert.equal(current?.version, '2.60')
      assert.ok(current?.links[0]?.href.startsWith(url), 'links point at the agent')
    }
  })

  it('pins latest to the common highest, refuses beyond it as Nova does, and passes versions in range through', async () => {
    const call = async (version: string, method = 'GET', path = '/servers', body?: unknown): Promise<Response> => await fetch(`${urls[0] as string}/compute/v2.1${path}`, {
      method,
      headers: { 'x-auth-token': token, 'openstack-api-version': `compute ${version}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const latest = await call('latest')
    assert.equal(latest.status, 200)
    assert.equal(latest.headers.get('openstack-api-version'), 'compute 2.60')
    const beyond = await call('2.79')
    assert.equal(beyond.status, 406)
    const fault = await beyond.json() as Record<string, { code: number, message: string }>
    assert.deepEqual(Object.values(fault)[0], { code: 406, message: 'Version 2.79 is not supported by the API. Minimum is 2.1 and maximum is 2.60.' })
    const within = await call('2.47')
    assert.equal(within.headers.get('openstack-api-version'), 'compute 2.47')
    const legacy = await fetch(`${urls[1] as string}/compute/v2.1/servers`, { headers: { 'x-auth-token': token, 'x-openstack-nova-api-version': 'latest' } })
    assert.equal(legacy.headers.get('x-openstack-nova-api-version'), '2.60')
    // Creates with 'latest' work wherever they are placed (the older cloudlet would refuse 2.79):
    // created until each cloudlet holds one (the scheduler fills the emptier one first).
    const agents = new Set<string>()
    for (let i = 0; i < 12 && agents.size < 2; i++) {
      const created = await call('latest', 'POST', '/servers', { server: { name: `mv-${i}`, flavorRef: '1', imageRef: DEFAULT_IMAGE.id, networks: 'none' } })
      assert.equal(created.status, 202, await created.clone().text())
      const id = (await created.json() as { server: { id: string } }).server.id
      const location = cluster.members[0]?.agent?.proxy.locations.get(id)
      if (location !== undefined && location !== null) agents.add(location.agent.id)
    }
    assert.deepEqual([...agents].sort(), ['agent-1', 'agent-2'])
  })
})
