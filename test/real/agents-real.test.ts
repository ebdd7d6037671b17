/**
 * Issue 8 §2–§3: two p2pstack agents, each in front of a REAL cloudlet (Debian's Keystone, Nova,
 * Placement, Glance, Neutron from scripts/real-cloudlet, cloudlets 0 and 1, started one after the
 * other), with the p2pstack identity provider as the cloudlets' OIDC provider and `trusted-headers`
 * federation (the agent passes the claims it verified as OIDC-* headers; the real Keystones listen
 * on 127.0.0.1 only). The identity provider, the introducer and both agents run in this process,
 * wired by the embedded default's pieces (src/agent/local-cluster.ts, through real-agents-fixture.ts). The real `openstack` CLI,
 * logged in at agent A: token, catalog, servers created until both real cloudlets hold one (P2C
 * placement) — the image, registered in cloudlet 0 only, copied into cloudlet 1 with the same id
 * through the image store —, lists through A and B, show/delete through the other agent, and a
 * federated user made through the agent who sees global ids only.
 *
 * `npm run test:real`. With P2PSTACK_REAL_REUSE_RUNNING=1 it uses cloudlets 0 and 1 already
 * running (their cloudlet.json under P2PSTACK_REAL_DIR) and leaves them running.
 * P2PSTACK_REAL_DEBUG=1 logs the agents to stderr.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { AgentConfig } from '../../src/agent/agent-config.ts'
import { startServiceAgent } from '../../src/agent/service-agent.ts'
import type { RunningServiceAgent } from '../../src/agent/service-agent.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { createLogger } from '../../src/runtime/logger.ts'
import { openstackCli } from '../fixtures/openstack-cli.ts'
import type { CliUser } from '../fixtures/openstack-cli.ts'
import { REAL_REGION as REGION, startRealAgents } from './real-agents-fixture.ts'
import type { RealAgents } from './real-agents-fixture.ts'
import type { RealCloudlet } from './real-cloudlet-fixture.ts'

const MINUTE = 60_000
/** The image registered in real cloudlet 0 with this id; cloudlet 1 gets it through the image store when a server there needs it. */
const SHARED_IMAGE = { id: '7f0c2a51-3b8e-4d7a-9a61-5e2d8c4b1f03', name: 'cirros-shared' } as const
const MAX_CREATES = 8

interface ServerRow { ID: string, Name: string, Status: string }

describe('two agents in front of two real cloudlets, the openstack CLI through them', { timeout: 45 * MINUTE }, () => {
  const logger = process.env.P2PSTACK_REAL_DEBUG === '1' ? createLogger({ level: 'debug', name: 'agents-real' }) : silentLogger
  const times: string[] = []
  const clouds: RealCloudlet[] = []
  const agents: RunningServiceAgent[] = []
  const configs: AgentConfig[] = []
  let real: RealAgents | undefined
  let dir = ''
  const servers = new Map<string, string>()

  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now()
    const result = await work()
    times.push(`${what}: ${Date.now() - started} ms`)
    return result
  }
  const agentUrl = (i: number): string => (agents[i] as RunningServiceAgent).publicUrl
  const admin = (via: number): CliUser => ({ authUrl: `${agentUrl(via)}/identity`, user: 'admin', password: 'secret', project: 'admin', region: REGION })
  const cli = (): ReturnType<typeof openstackCli> => openstackCli(dir, 5 * MINUTE)
  /** Which real cloudlet (0 or 1) holds each server, asked of the cloudlets directly as their admins. */
  const holders = async (): Promise<Map<string, number>> => {
    const where = new Map<string, number>()
    for (const [i, cloud] of clouds.entries()) {
      for (const row of await cloud.openstackJson<ServerRow[]>(['server', 'list', '--all-projects'])) where.set(row.ID, i)
    }
    return where
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2pstack-agents-real-'))
    const imageFile = join(dir, 'shared-image.raw')
    writeFileSync(imageFile, new Uint8Array(1024 * 1024))
    real = await startRealAgents({
      logger,
      timed,
      // Registered in real cloudlet 0 only: a server placed in cloudlet 1 gets it copied there
      // (exported from cloudlet 0's Glance to the image store, imported by web-download).
      imageStore: true,
      prepare: async started => {
        const cloud = started[0] as RealCloudlet
        const existing = await cloud.openstackJson<Array<{ ID: string }>>(['image', 'list', '--public'])
        if (!existing.some(i => i.ID === SHARED_IMAGE.id)) {
          await cloud.openstack(['image', 'create', '--id', SHARED_IMAGE.id, '--public', '--disk-format', 'raw', '--container-format', 'bare', '--file', imageFile, SHARED_IMAGE.name])
        }
      }
    })
    clouds.push(...real.clouds)
    agents.push(...real.agents)
    configs.push(...real.configs)
  }, { timeout: 40 * MINUTE })

  after(async () => {
    // The agents this test restarted are in its own list only.
    for (const agent of agents) await agent.stop().catch(() => {})
    await real?.stop()
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
    console.log(`# wall times:\n${times.map(t => `#   ${t}`).join('\n')}`)
  }, { timeout: 5 * MINUTE })

  it('issues a token through agent A: the identity provider\'s JWT', async () => {
    const token = await timed('token issue', async () => await cli().json<{ id: string, project_id: string, user_id: string }>(admin(0), ['token', 'issue']))
    assert.equal(token.id.split('.').length, 3, 'a JWT')
  })

  it('lists the catalog: one region, every endpoint at agent A', async () => {
    const catalog = await cli().json<Array<{ Type: string, Endpoints: Array<{ region: string, url: string }> }>>(admin(0), ['catalog', 'list'])
    assert.ok(catalog.some(s => s.Type === 'compute'))
    for (const service of catalog) {
      for (const endpoint of service.Endpoints) {
        assert.equal(endpoint.region, REGION)
        assert.ok(endpoint.url.startsWith(agentUrl(0)), `${service.Type}: ${endpoint.url}`)
      }
    }
  })

  it('creates servers through agent A until both real cloudlets hold one (P2C placement), each ACTIVE', { timeout: 20 * MINUTE }, async () => {
    let where = new Map<string, number>()
    for (let n = 0; n < MAX_CREATES; n++) {
      const name = `real-${n}`
      const server = await timed(`server create --wait ${name}`, async () => await cli().json<{ id: string, name: string, status: string }>(admin(0), ['server', 'create', '--flavor', 'm1.tiny', '--image', SHARED_IMAGE.name, '--wait', name]))
      assert.equal(server.status, 'ACTIVE')
      servers.set(server.id, name)
      where = await holders()
      if (new Set([...servers.keys()].map(id => where.get(id))).size === 2) break
    }
    for (const id of servers.keys()) assert.ok(where.has(id), `server ${id} is in a real cloudlet`)
    assert.equal(new Set([...servers.keys()].map(id => where.get(id))).size, 2, `after ${servers.size} creates both real cloudlets hold a server`)
    // The image was registered in cloudlet 0 only; cloudlet 1's real Glance now has it, same id, same bytes.
    const images = await Promise.all(clouds.map(async cloud => await cloud.openstackJson<{ id: string, status: string, checksum: string }>(['image', 'show', SHARED_IMAGE.id])))
    assert.deepEqual(images.map(i => [i.id, i.status]), [[SHARED_IMAGE.id, 'active'], [SHARED_IMAGE.id, 'active']])
    assert.equal(images[1]?.checksum, images[0]?.checksum, 'the copy has the same bytes')
  })

  it('lists every server through agent A and through agent B', async () => {
    for (const via of [0, 1]) {
      const rows = await timed(`server list via agent ${'AB'[via] as string}`, async () => await cli().json<ServerRow[]>(admin(via), ['server', 'list']))
      assert.deepEqual(new Set(rows.map(r => r.ID)), new Set(servers.keys()), `through agent ${via}`)
      assert.ok(rows.every(r => r.Status === 'ACTIVE'))
    }
  })

  it('shows and deletes each server through the agent of the other cloudlet', { timeout: 10 * MINUTE }, async () => {
    const where = await holders()
    for (const [id, name] of servers) {
      const via = 1 - (where.get(id) as number)
      const shown = await timed(`server show via the other agent`, async () => await cli().json<{ id: string, name: string }>(admin(via), ['server', 'show', id]))
      assert.equal(shown.id, id)
      assert.equal(shown.name, name)
      await timed('server delete --wait via the other agent', async () => { await cli().text(admin(via), ['server', 'delete', '--wait', id]) })
    }
    assert.deepEqual(await cli().json<ServerRow[]>(admin(0), ['server', 'list']), [])
    const left = await holders()
    for (const id of servers.keys()) assert.equal(left.has(id), false)
  })

  it('a user created in the identity provider through agent A sees global ids only, through either agent', { timeout: 10 * MINUTE }, async () => {
    const project = await cli().json<{ id: string }>(admin(0), ['project', 'create', 'real-team'])
    const user = await cli().json<{ id: string }>(admin(0), ['user', 'create', '--password', 'alice-secret', '--project', 'real-team', 'alice'])
    await cli().text(admin(0), ['role', 'add', '--user', 'alice', '--project', 'real-team', 'member'])
    const alice = (via: number): CliUser => ({ authUrl: `${agentUrl(via)}/identity`, user: 'alice', password: 'alice-secret', project: 'real-team', region: REGION })
    const token = await cli().json<{ project_id: string, user_id: string }>(alice(1), ['token', 'issue'])
    assert.equal(token.project_id, project.id)
    assert.equal(token.user_id, user.id)
    const server = await timed('server create --wait as the federated user', async () => await cli().json<{ id: string, status: string }>(alice(0), ['server', 'create', '--flavor', 'm1.tiny', '--image', SHARED_IMAGE.name, '--wait', 'alice-1']))
    assert.equal(server.status, 'ACTIVE')
    for (const via of [0, 1]) {
      const shown = await cli().json<{ id: string, project_id: string, user_id: string }>(alice(via), ['server', 'show', server.id])
      assert.equal(shown.project_id, project.id, `the global project id through agent ${via}`)
      assert.equal(shown.user_id, user.id, `the global user id through agent ${via}`)
      const rows = await cli().json<ServerRow[]>(alice(via), ['server', 'list'])
      assert.deepEqual(rows.map(r => r.ID), [server.id])
    }
    // The cloudlet itself knows the user and project only by their shadow ids.
    const where = await holders()
    const homeIndex = where.get(server.id) as number
    const home = clouds[homeIndex] as RealCloudlet
    const local = await home.openstackJson<{ project_id: string, user_id: string }>(['server', 'show', server.id])
    assert.notEqual(local.project_id, project.id)
    assert.notEqual(local.user_id, user.id)

    // The home agent restarted with its state lost: it relearns the shadow ids and indexes its
    // real cloudlet at start, so the server is listed through it at once.
    const config = configs[homeIndex] as AgentConfig
    await (agents[homeIndex] as RunningServiceAgent).stop()
    agents[homeIndex] = await timed('agent restart (state lost)', async () => await startServiceAgent({ config, logger }))
    const listed = await cli().json<ServerRow[]>(alice(homeIndex), ['server', 'list'])
    assert.deepEqual(listed.map(r => r.ID), [server.id])
    await cli().text(alice(1 - homeIndex), ['server', 'delete', '--wait', server.id])
  })
})
