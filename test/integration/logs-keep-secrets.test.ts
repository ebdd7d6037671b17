/**
 * Passwords and tokens never appear in the logs (issue 5 §5): the embedded default (identity
 * provider, 2 cloudlets, 2 agents) runs with a logger that keeps every record at debug level,
 * through logins (good and bad passwords), creates placed on either cloudlet, forwarded calls,
 * lists, garbage and forged input, a revocation and a stopped agent; then no record holds a
 * password, a user token (a JWT), or a cloudlet token.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_IMAGE, startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { FORWARD_HEADER, FORWARD_SIGNATURE_HEADER } from '../../src/agent/forwarded-call.ts'
import type { Logger } from '../../src/core/ports.ts'
import { passwordLogin } from '../fixtures/agent-login.ts'

const ADMIN_PASSWORD = 'adm1n-Pa55-kept-out-of-logs'
const DEMO_PASSWORD = 'dem0-Pa55-kept-out-of-logs'
const WRONG_PASSWORD = 'wr0ng-Pa55-kept-out-of-logs'

describe('logs keep passwords and tokens out', { timeout: 120_000 }, () => {
  const records: string[] = []
  const keep = (level: string) => (fields: Record<string, unknown>, message: string): void => {
    records.push(JSON.stringify({ level, message, ...fields }, (_key, value: unknown) => value instanceof Error ? { message: value.message, stack: value.stack, cause: value.cause } : value))
  }
  const logger: Logger = { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }
  let cluster: RunningLocalCluster
  const tokens: string[] = []

  const login = passwordLogin

  before(async () => {
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 2, dataDir: null, adminPassword: ADMIN_PASSWORD, demoPassword: DEMO_PASSWORD, logger, transitionDelayMs: 50, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 }, revocationPollMs: 300 })
    await cluster.converged(30_000)
  })

  after(async () => { await cluster?.stop() })

  it('writes no password, user token or cloudlet token into any record', async () => {
    const [a1, a2] = cluster.members.map(m => m.agent?.publicUrl as string) as [string, string]
    for (const [via, user, password, project] of [[a1, 'admin', ADMIN_PASSWORD, 'admin'], [a2, 'demo', DEMO_PASSWORD, 'demo']] as const) {
      const response = await login(via, user, password, project)
      assert.equal(response.status, 201)
      tokens.push(response.headers.get('x-subject-token') as string)
    }
    assert.equal((await login(a1, 'demo', WRONG_PASSWORD, 'demo')).status, 401)
    const [admin, demo] = tokens as [string, string]
    const call = async (url: string, token: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}): Promise<number> => {
      const response = await fetch(url, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
      await response.arrayBuffer()
      return response.status
    }
    for (let i = 0; i < 6; i++) {
      assert.equal(await call(`${i % 2 === 0 ? a1 : a2}/compute/v2.1/servers`, i % 3 === 0 ? demo : admin, 'POST', { server: { name: `s${i}`, flavorRef: '1', imageRef: DEFAULT_IMAGE.id } }), 202)
    }
    assert.equal(await call(`${a2}/compute/v2.1/servers/detail`, admin), 200)
    assert.equal(await call(`${a1}/compute/v2.1/servers?all_tenants=1`, admin), 200)
    assert.equal(await call(`${a1}/compute/v2.1/servers`, 'not-a-token'), 401)
    assert.equal(await call(`${a1}/compute/v2.1/servers`, `${admin.slice(0, -3)}xyz`), 401)
    assert.equal(await call(`${a1}/compute/v2.1/servers`, admin, 'POST', { server: { name: 'f', flavorRef: '1', imageRef: DEFAULT_IMAGE.id } }, { [FORWARD_HEADER]: 'e30', [FORWARD_SIGNATURE_HEADER]: 'sha256=00' }), 403)
    assert.equal(await call(`${a1}/identity/v3/auth/tokens`, demo, 'DELETE', undefined, { 'x-subject-token': demo }), 204)
    await cluster.stopAgent(2)
    assert.equal(await call(`${a1}/compute/v2.1/servers/detail`, admin), 200)

    assert.ok(records.length > 10, `the logger got records (${records.length})`)
    for (const record of records) {
      for (const secret of [ADMIN_PASSWORD, DEMO_PASSWORD, WRONG_PASSWORD, ...tokens]) assert.ok(!record.includes(secret), `a secret in the log: ${record.slice(0, 300)}`)
      assert.doesNotMatch(record, /eyJ[A-Za-z0-9_-]{8,}\.eyJ/, `a JWT in the log: ${record.slice(0, 300)}`)
      assert.doesNotMatch(record, /gAAAAAB[A-Za-z0-9_-]{20,}/, `a cloudlet token in the log: ${record.slice(0, 300)}`)
    }
  })
})
