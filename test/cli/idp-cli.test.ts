/**
 * The real `openstack` CLI against the identity provider on loopback (startIdpProcess): the
 * admin issues a token (a JWT), creates a user and grants a role, lists projects and role
 * assignments; the new user logs in; the catalog holds the identity service only.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { startIdpProcess } from '../../src/agent/idp-process.ts'
import type { RunningIdp } from '../../src/agent/idp-process.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { DEFAULT_TEST_IDP_SETTINGS } from '../fixtures/test-idp.ts'

const run = promisify(execFile)

describe('openstack CLI: the identity provider', () => {
  let idp: RunningIdp
  let dir: string
  let env: Record<string, string>
  /** Runs `openstack <args>` (with -f json unless `json` is false) and parses what it prints. */
  const openstack = async (args: readonly string[], extra: Record<string, string> = {}, json = true): Promise<any> => {
    try {
      const { stdout } = await run('/usr/bin/openstack', json ? [...args, '-f', 'json'] : [...args], { env: { ...env, ...extra }, cwd: dir, timeout: 120_000 })
      return stdout.trim() === '' ? null : JSON.parse(stdout)
    } catch (error) {
      const e = error as { stderr?: string, message: string }
      throw new Error(`openstack ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`, { cause: error })
    }
  }

  before(async () => {
    const { publicUrl: _unused, ...settings } = DEFAULT_TEST_IDP_SETTINGS
    idp = await startIdpProcess({ host: '127.0.0.1', port: 0, publicUrl: null, stateFile: null, logger: silentLogger, settings })
    dir = mkdtempSync(join(tmpdir(), 'p2pstack-idp-cli-'))
    env = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: dir,
      OS_AUTH_URL: `${idp.url}/identity`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_IDENTITY_API_VERSION: '3',
      OS_INTERFACE: 'public'
    }
  })
  after(async () => {
    await idp.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('manages users, projects and roles, and its tokens are JWTs', async () => {
    const token = await openstack(['token', 'issue'])
    assert.equal(decodeJwt(token.id).iss, `${idp.url}/identity`)
    const user = await openstack(['user', 'create', '--password', 'pw', '--project', 'demo', 'alice'])
    await openstack(['role', 'add', '--user', 'alice', '--project', 'demo', 'member'], {}, false)
    const projects = await openstack(['project', 'list'])
    assert.deepEqual(projects.map((p: { Name: string }) => p.Name).sort(), ['admin', 'demo'])
    const assignments = await openstack(['role', 'assignment', 'list', '--names', '--user', 'alice'])
    assert.deepEqual(assignments.map((a: { Role: string, Project: string }) => [a.Role, a.Project]), [['member', 'demo@Default']])
    const alice = await openstack(['token', 'issue'], { OS_USERNAME: 'alice', OS_PASSWORD: 'pw', OS_PROJECT_NAME: 'demo' })
    assert.equal(alice.user_id, user.id)
    assert.deepEqual(decodeJwt(alice.id).roles, ['member', 'reader'])
    const catalog = await openstack(['catalog', 'list'])
    assert.deepEqual(catalog.map((c: { Type: string }) => c.Type), ['identity'])
  })
})
