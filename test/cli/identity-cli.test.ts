/**
 * The real `openstack` CLI (python-openstackclient) against an emulated cloudlet on loopback:
 * identity commands, asserting on what the CLI prints with -f json.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import type { CliCloudlet } from '../fixtures/cli-cloudlet.ts'

describe('openstack CLI: identity', () => {
  let cloud: CliCloudlet
  before(async () => { cloud = await startCliCloudlet() })
  after(async () => { await cloud.stop() })

  it('issues a token for the admin project', async () => {
    const token = await cloud.openstackJson<{ id: string, project_id: string, user_id: string }>(['token', 'issue'])
    assert.ok(token.id.length > 100)
    assert.match(token.project_id, /^[0-9a-f]{32}$/)
  })

  it('lists the catalog with every service in one region', async () => {
    const catalog = await cloud.openstackJson<Array<{ Type: string, Endpoints: Array<{ region: string, url: string }> }>>(['catalog', 'list'])
    assert.deepEqual(catalog.map(s => s.Type).sort(), ['compute', 'identity', 'image', 'network', 'placement'])
    for (const s of catalog) for (const e of s.Endpoints) assert.ok(e.url.startsWith(cloud.url))
  })

  it('creates a project and a member user who can then get a token of their own', async () => {
    const project = await cloud.openstackJson<{ id: string, name: string }>(['project', 'create', 'demo'])
    assert.equal(project.name, 'demo')
    await cloud.openstack(['user', 'create', '--password', 'demo-pw', '--project', 'demo', 'demo'])
    await cloud.openstack(['role', 'add', '--user', 'demo', '--project', 'demo', 'member'])
    const token = await cloud.openstackJson<{ project_id: string }>(['token', 'issue'], { env: { OS_USERNAME: 'demo', OS_PASSWORD: 'demo-pw', OS_PROJECT_NAME: 'demo' } })
    assert.equal(token.project_id, project.id)
  })
})
