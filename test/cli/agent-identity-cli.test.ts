/**
 * Federated identity through the agents (issue 5), with the real `openstack` CLI: users,
 * projects and roles are managed through any agent (which forwards to the identity provider);
 * a new user logs in at another agent and gets servers whose project and user ids are the
 * global ones; a token revoked through one agent is refused there at once and at the other
 * within the revocation poll bound; with the identity provider stopped, a user holding a token
 * keeps working at every agent.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { passwordLogin } from '../fixtures/agent-login.ts'

const run = promisify(execFile)
const REVOCATION_POLL_MS = 500
/** What the test allows for a revocation to reach another agent: a few polls. */
const REVOCATION_BOUND_MS = 10 * REVOCATION_POLL_MS

describe('identity through the agents', { timeout: 300_000 }, () => {
  let cluster: RunningLocalCluster
  let dir: string
  const agentUrl = (i: number): string => cluster.members[i - 1]?.agent?.publicUrl as string

  const openstack = async (via: number, args: readonly string[], user = { name: 'admin', password: 'secret', project: 'admin' }): Promise<string> => {
    try {
      const { stdout } = await run('/usr/bin/openstack', [...args], {
        cwd: dir,
        timeout: 120_000,
        env: {
          PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          HOME: dir,
          OS_AUTH_URL: `${agentUrl(via)}/identity`,
          OS_USERNAME: user.name,
          OS_PASSWORD: user.password,
          OS_PROJECT_NAME: user.project,
          OS_USER_DOMAIN_NAME: 'Default',
          OS_PROJECT_DOMAIN_NAME: 'Default',
          OS_REGION_NAME: cluster.region,
          OS_IDENTITY_API_VERSION: '3',
          OS_INTERFACE: 'public'
        }
      })
      return stdout
    } catch (error) {
      const e = error as { stderr?: string, message: string }
      throw new Error(`openstack ${args.join(' ')} (via agent ${via}) failed: ${e.message}\n${e.stderr ?? ''}`, { cause: error })
    }
  }
  const json = async <T>(via: number, args: readonly string[], user?: { name: string, password: string, project: string }): Promise<T> =>
    JSON.parse(await openstack(via, [...args, '-f', 'json'], user)) as T

  const login = async (via: number, name: string, password: string, project: string): Promise<Response> => await passwordLogin(agentUrl(via), name, password, project)
  const servers = async (via: number, token: string): Promise<number> => (await fetch(`${agentUrl(via)}/compute/v2.1/servers`, { headers: { 'x-auth-token': token } })).status

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2pstack-identity-cli-'))
    cluster = await startLocalCluster({
      host: '127.0.0.1',
      basePort: 0,
      cloudlets: 2,
      dataDir: null,
      adminPassword: 'secret',
      demoPassword: null,
      logger: silentLogger,
      transitionDelayMs: 100,
      cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 },
      revocationPollMs: REVOCATION_POLL_MS
    })
    await cluster.converged(30_000)
  })

  after(async () => {
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('manages users, projects and roles through an agent; the new user works at another agent and sees global ids', async () => {
    const project = await json<{ id: string }>(2, ['project', 'create', 'proj-b'])
    const user = await json<{ id: string }>(2, ['user', 'create', '--password', 'pw-bob', '--project', 'proj-b', 'bob'])
    await openstack(2, ['role', 'add', '--user', 'bob', '--project', 'proj-b', 'member'])
    const bob = { name: 'bob', password: 'pw-bob', project: 'proj-b' }
    assert.deepEqual((await json<Array<{ Name: string }>>(1, ['project', 'list', '--my-projects'], bob)).map(p => p.Name), ['proj-b'])

    const server = await json<{ id: string }>(1, ['server', 'create', '--flavor', 'm1.tiny', '--image', 'cirros', '--wait', 'bob-vm'], bob)
    for (const via of [1, 2]) {
      const shown = await json<{ project_id: string, user_id: string }>(via, ['server', 'show', server.id], bob)
      assert.equal(shown.project_id, project.id, 'the server\'s project is the global project')
      assert.equal(shown.user_id, user.id, 'the server\'s user is the global user')
    }
    assert.deepEqual((await json<Array<{ ID: string }>>(2, ['server', 'list'], bob)).map(s => s.ID), [server.id])
    assert.deepEqual((await json<Array<{ ID: string }>>(2, ['server', 'list'])).map(s => s.ID), [], 'the admin project has none of bob\'s servers')
  })

  it('gives a catalog of one region with every endpoint on the agent the CLI logged in at', async () => {
    const catalog = await json<Array<{ Name: string, Type: string, Endpoints: string | Array<{ region: string, url: string }> }>>(2, ['catalog', 'list'])
    assert.deepEqual(catalog.map(c => c.Type).sort(), ['compute', 'identity', 'image', 'network'])
    const text = JSON.stringify(catalog)
    const urls = [...text.matchAll(/https?:\/\/[0-9.]+:\d+/g)].map(m => m[0])
    assert.ok(urls.length >= 4)
    assert.ok(urls.every(u => u === agentUrl(2)), `every endpoint at agent 2: ${[...new Set(urls)].join(', ')}`)
    assert.ok((await json<{ id: string }>(1, ['token', 'issue'])).id.split('.').length === 3, 'the token is a JWT')
  })

  it('keeps projects apart: bob cannot see, change or delete the admin project\'s server through any agent', async () => {
    const adminServer = await json<{ id: string }>(2, ['server', 'create', '--flavor', 'm1.tiny', '--image', 'cirros', '--wait', 'admin-vm'])
    const response = await login(1, 'bob', 'pw-bob', 'proj-b')
    const bob = response.headers.get('x-subject-token') as string
    const as = async (via: number, method: string, path: string, body?: unknown): Promise<{ status: number, text: string }> => {
      const r = await fetch(`${agentUrl(via)}/compute/v2.1${path}`, { method, headers: { 'x-auth-token': bob, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
      return { status: r.status, text: await r.text() }
    }
    for (const via of [1, 2]) {
      assert.equal((await as(via, 'GET', `/servers/${adminServer.id}`)).status, 404)
      assert.equal((await as(via, 'POST', `/servers/${adminServer.id}/action`, { reboot: { type: 'HARD' } })).status, 404)
      assert.equal((await as(via, 'PUT', `/servers/${adminServer.id}`, { server: { name: 'taken' } })).status, 404)
      assert.equal((await as(via, 'DELETE', `/servers/${adminServer.id}`)).status, 404)
      assert.equal((await as(via, 'GET', `/servers?marker=${adminServer.id}`)).status, 400, 'another project\'s server is no marker')
      const all = await as(via, 'GET', '/servers/detail?all_tenants=1')
      assert.ok(!all.text.includes(adminServer.id), `all_tenants as a member shows no other project's server (${all.status})`)
    }
    const everything = await json<Array<{ ID: string }>>(1, ['server', 'list', '--all-projects'])
    assert.ok(everything.some(s => s.ID === adminServer.id) && everything.length >= 2, 'the admin sees every project with all_tenants')
    assert.equal((await json<{ name: string }>(2, ['server', 'show', adminServer.id])).name, 'admin-vm', 'the admin\'s server is untouched')
  })

  it('refuses a token revoked through agent 1 there at once, and at agent 2 within the poll bound', async () => {
    const response = await login(1, 'bob', 'pw-bob', 'proj-b')
    assert.equal(response.status, 201)
    const token = response.headers.get('x-subject-token') as string
    assert.equal(await servers(2, token), 200)
    const revoked = await fetch(`${agentUrl(1)}/identity/v3/auth/tokens`, { method: 'DELETE', headers: { 'x-auth-token': token, 'x-subject-token': token } })
    assert.equal(revoked.status, 204)
    assert.equal(await servers(1, token), 401)
    const started = performance.now()
    while (await servers(2, token) !== 401) {
      assert.ok(performance.now() - started < REVOCATION_BOUND_MS, `agent 2 still accepts the revoked token after ${REVOCATION_BOUND_MS} ms`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  })

  it('keeps serving a user who holds a token while the identity provider is down', async () => {
    const response = await login(2, 'bob', 'pw-bob', 'proj-b')
    const token = response.headers.get('x-subject-token') as string
    assert.equal(await servers(1, token), 200)
    await cluster.idp.stop()
    for (const via of [1, 2]) assert.equal(await servers(via, token), 200, `agent ${via} with the provider down`)
    const refused = await login(1, 'bob', 'pw-bob', 'proj-b')
    assert.equal(refused.status, 503, 'a login needs the provider')
    assert.equal(((await refused.json()) as { error: { code: number } }).error.code, 503)
  })
})
