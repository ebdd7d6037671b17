/**
 * The real `openstack` CLI (python-openstackclient) against an emulated cloudlet on loopback:
 * identity commands, asserting on what the CLI prints with -f json. The federation test starts
 * a small OIDC provider on its own loopback port (discovery document and JWKS over real HTTP),
 * because the cloudlet fetches the keys itself, as mod_auth_openidc would.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../src/core/ports.ts'
import { makeFakeOidcProvider } from '../fixtures/fake-oidc-provider.ts'
import type { FakeOidcProvider } from '../fixtures/fake-oidc-provider.ts'
import { startHttpServer } from '../../src/runtime/http-server.ts'
import type { RunningHttpServer } from '../../src/runtime/http-server.ts'
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import type { CliCloudlet } from '../fixtures/cli-cloudlet.ts'

const run = promisify(execFile)

/** The environment variables that make the CLI use the password plugin as admin; dropped for other plugins. */
const PASSWORD_ENV = ['OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_DOMAIN_NAME', 'OS_AUTH_URL']

/** Runs `openstack <args> -f json` with the cloudlet's environment minus the password settings. */
async function openstackWithout (cloud: CliCloudlet, args: readonly string[]): Promise<any> {
  const env = Object.fromEntries(Object.entries(cloud.env).filter(([name]) => !PASSWORD_ENV.includes(name)))
  try {
    const { stdout } = await run('/usr/bin/openstack', [...args, '-f', 'json'], { env, cwd: cloud.dir, timeout: 120_000 })
    return JSON.parse(stdout)
  } catch (error) {
    const e = error as { stderr?: string, message: string }
    throw new Error(`openstack ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`, { cause: error })
  }
}

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

  it('creates an application credential and gets a token with it through v3applicationcredential', async () => {
    const credential = await cloud.openstackJson<{ id: string, secret: string, name: string, roles: string, project_id: string }>(
      ['application credential', 'create', '--role', 'reader', '--description', 'ci', 'ci-cred'].flatMap(a => a.split(' ')))
    assert.equal(credential.name, 'ci-cred')
    assert.equal(credential.roles, 'reader')
    assert.ok(credential.secret.length > 40)
    const token = await openstackWithout(cloud, [
      '--os-auth-type', 'v3applicationcredential',
      '--os-auth-url', `${cloud.url}/identity/v3`,
      '--os-application-credential-id', credential.id,
      '--os-application-credential-secret', credential.secret,
      'token', 'issue'
    ])
    assert.equal(token.project_id, credential.project_id)
    const listed = await cloud.openstackJson<Array<{ Name: string }>>(['application', 'credential', 'list'])
    assert.deepEqual(listed.map(c => c.Name), ['ci-cred'])
  })

  it('gives a user a project role through a group', async () => {
    await cloud.openstack(['project', 'create', 'teamproj'])
    await cloud.openstack(['user', 'create', '--password', 'dev-pw', 'dev'])
    const group = await cloud.openstackJson<{ id: string, name: string }>(['group', 'create', '--description', 'developers', 'devs'])
    assert.equal(group.name, 'devs')
    await cloud.openstack(['group', 'add', 'user', 'devs', 'dev'])
    await cloud.openstack(['role', 'add', '--group', 'devs', '--project', 'teamproj', 'member'])
    const members = await cloud.openstackJson<Array<{ Name: string }>>(['user', 'list', '--group', 'devs'])
    assert.deepEqual(members.map(u => u.Name), ['dev'])
    const token = await cloud.openstackJson<{ project_id: string }>(['token', 'issue'], { env: { OS_USERNAME: 'dev', OS_PASSWORD: 'dev-pw', OS_PROJECT_NAME: 'teamproj' } })
    assert.match(token.project_id, /^[0-9a-f]{32}$/)
  })

  describe('federation with an OIDC access token', () => {
    let idpServer: RunningHttpServer
    let provider: FakeOidcProvider
    before(async () => {
      // The issuer names the server's port, which is known only once it listens.
      const ready: { provider?: FakeOidcProvider } = {}
      idpServer = await startHttpServer({
        host: '127.0.0.1',
        port: 0,
        logger: silentLogger,
        handler: async request => {
          if (ready.provider === undefined) throw new Error('provider not ready')
          return await ready.provider.handler(request)
        }
      })
      provider = await makeFakeOidcProvider(`${idpServer.url}/realms/demo`, () => Date.now())
      ready.provider = provider
    })
    after(async () => { await idpServer.close() })

    it('sets up a provider, a mapping and a protocol, then logs in with v3oidcaccesstoken', async () => {
      await cloud.openstack(['domain', 'create', 'fed'])
      await cloud.openstack(['group', 'create', '--domain', 'fed', 'fedusers'])
      await cloud.openstack(['project', 'create', '--domain', 'fed', 'fedproj'])
      await cloud.openstack(['role', 'add', '--group', 'fedusers', '--group-domain', 'fed', '--project', 'fedproj', '--project-domain', 'fed', 'member'])
      const idp = await cloud.openstackJson<{ id: string, remote_ids: string[], enabled: boolean }>(
        ['identity', 'provider', 'create', '--remote-id', provider.issuer, '--domain', 'fed', 'myidp'])
      assert.equal(idp.id, 'myidp')
      assert.equal(idp.enabled, true)
      assert.deepEqual(idp.remote_ids, [provider.issuer])
      const rules = join(cloud.dir, 'rules.json')
      writeFileSync(rules, JSON.stringify([{
        local: [{ user: { name: '{0}', email: '{1}' }, group: { name: 'fedusers', domain: { name: 'fed' } } }],
        remote: [{ type: 'HTTP_OIDC_PREFERRED_USERNAME' }, { type: 'HTTP_OIDC_EMAIL' }]
      }]))
      const mapping = await cloud.openstackJson<{ id: string }>(['mapping', 'create', '--rules', rules, 'oidcmap'])
      assert.equal(mapping.id, 'oidcmap')
      const protocol = await cloud.openstackJson<{ id: string, mapping: string, identity_provider: string }>(
        ['federation', 'protocol', 'create', '--mapping', 'oidcmap', '--identity-provider', 'myidp', 'openid'])
      assert.deepEqual([protocol.id, protocol.mapping, protocol.identity_provider], ['openid', 'oidcmap', 'myidp'])

      const jwt = await provider.sign({ sub: 'alice-sub', preferred_username: 'alice', email: 'alice@example.test' })
      const token = await openstackWithout(cloud, [
        '--os-auth-type', 'v3oidcaccesstoken',
        '--os-auth-url', `${cloud.url}/identity/v3`,
        '--os-identity-provider', 'myidp',
        '--os-protocol', 'openid',
        '--os-access-token', jwt,
        '--os-project-name', 'fedproj',
        '--os-project-domain-name', 'fed',
        'token', 'issue'
      ])
      const project = await cloud.openstackJson<{ id: string }>(['project', 'show', '--domain', 'fed', 'fedproj'])
      assert.equal(token.project_id, project.id)
      const user = await cloud.openstackJson<{ name: string, domain_id: string }>(['user', 'show', token.user_id])
      assert.equal(user.name, 'alice')
      assert.ok(provider.fetched.some(url => url.endsWith('/.well-known/openid-configuration')))
    })
  })
})
