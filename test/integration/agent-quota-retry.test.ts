/**
 * Quotas are still per cloudlet (Nova's, in each cloudlet): a create placed on a cloudlet whose
 * quota for the project is used up is placed again elsewhere rather than refused, and only when
 * every cloudlet refuses does the client get Nova's 403. 2 agents over 2 emulated cloudlets.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_IMAGE } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { callAgent } from '../fixtures/agent-call.ts'
import { startAgentTestCluster } from '../fixtures/agent-cluster.ts'
import type { Login } from '../fixtures/agent-login.ts'

describe('server creates and per-cloudlet quotas', { timeout: 120_000 }, () => {
  let cluster: RunningLocalCluster
  let urls: string[]
  let admin: Login
  let demo: Login

  before(async () => {
    ;({ cluster, urls, admin, demo } = await startAgentTestCluster())
  })

  after(async () => { await cluster?.stop() })

  const create = async (name: string): Promise<{ status: number, text: string, id: string | null }> => {
    const r = await callAgent(urls[0] as string, demo, 'POST', '/compute/v2.1/servers', { body: { server: { name, flavorRef: '1', imageRef: DEFAULT_IMAGE.id, networks: 'none' } }, headers: { 'openstack-api-version': 'compute 2.37' } })
    return { status: r.status, text: r.text, id: r.json?.server?.id ?? null }
  }

  it('places a create elsewhere when the chosen cloudlet\'s quota is used up', async () => {
    // The demo project exists in cloudlet 1 once demo has used it; then its quota there is set to none.
    assert.equal((await callAgent(urls[0] as string, demo, 'GET', '/compute/v2.1/servers')).status, 200)
    const set = await callAgent(urls[0] as string, admin, 'PUT', `/compute/v2.1/os-quota-sets/${demo.projectId}`, { body: { quota_set: { instances: 0 } } })
    assert.equal(set.status, 200, set.text)
    for (let i = 0; i < 4; i++) {
      const created = await create(`q-${i}`)
      assert.equal(created.status, 202, created.text)
      assert.equal(cluster.members[0]?.agent?.proxy.locations.get(created.id as string)?.agent.id, 'agent-2', 'on the cloudlet with room')
    }
  })

  it('answers Nova\'s 403 when every cloudlet\'s quota is used up', async () => {
    const set = await callAgent(urls[1] as string, admin, 'PUT', `/compute/v2.1/os-quota-sets/${demo.projectId}`, { body: { quota_set: { instances: 4 } } })
    assert.equal(set.status, 200, set.text)
    const refused = await create('q-over')
    assert.equal(refused.status, 403, refused.text)
    assert.match(refused.text, /Quota exceeded for instances/)
  })
})
