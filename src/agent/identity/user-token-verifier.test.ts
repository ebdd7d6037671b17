/**
 * UserTokenVerifier against a fake p2pstack provider on a virtual clock: valid tokens give the
 * caller's AuthContext; every kind of bad token is refused; keys are cached, refetched on
 * rotation, and still used while the provider is down; revocation applies to cached tokens.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HttpHandler } from '../../core/http.ts'
import { silentLogger } from '../../core/ports.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { makeP2pstackTokenIssuer } from '../../../test/fixtures/p2pstack-token-issuer.ts'
import { RevokedTokens } from './revoked-tokens.ts'
import { InvalidUserTokenError, UserTokenVerifier } from './user-token-verifier.ts'

const USER = 'a'.repeat(32)
const PROJECT = 'b'.repeat(32)

async function setup () {
  const clock = new VirtualClock()
  const idp = await makeP2pstackTokenIssuer('http://idp.test', () => clock.wallClockMs())
  let down = false
  const outbound: HttpHandler = async request => {
    if (down) throw new Error('connect ECONNREFUSED')
    return await idp.provider.handler(request)
  }
  const revoked = new RevokedTokens()
  const verifier = new UserTokenVerifier({ clock, outbound, logger: silentLogger, issuer: idp.issuer, revocations: revoked })
  return { clock, idp, verifier, revoked, setDown: (value: boolean) => { down = value } }
}

const refused = async (promise: Promise<unknown>): Promise<void> => { await assert.rejects(promise, InvalidUserTokenError) }

describe('UserTokenVerifier', () => {
  it('answers the AuthContext of a valid project-scoped token', async () => {
    const s = await setup()
    const jwt = await s.idp.issue({ userId: USER, userName: 'alice', projectId: PROJECT, projectName: 'demo', roles: ['admin', 'member', 'reader'], auditId: 'audit-1' })
    const auth = await s.verifier.verify(jwt)
    assert.equal(auth.token, jwt)
    assert.equal(auth.userId, USER)
    assert.equal(auth.userName, 'alice')
    assert.equal(auth.auditId, 'audit-1')
    assert.deepEqual(auth.project, { id: PROJECT, name: 'demo', domainId: 'default', domainName: 'Default' })
    assert.deepEqual(auth.roles, ['admin', 'member', 'reader'])
    assert.equal(auth.expiresAtMs, s.clock.wallClockMs() + 300_000)
  })

  it('refuses wrong audience, foreign issuer, bad signature, alg none, non-p2pstack claims and junk', async () => {
    const s = await setup()
    await refused(s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }, { audience: 'someone-else' })))
    const other = await makeP2pstackTokenIssuer('http://evil.test', () => s.clock.wallClockMs())
    await refused(s.verifier.verify(await other.issue({ userId: USER, projectId: PROJECT })))
    await refused(s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }, { unpublishedKey: true })))
    await refused(s.verifier.verify(await s.idp.provider.sign({ sub: USER }, { audience: 'p2pstack' })))
    const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
    const now = Math.floor(s.clock.wallClockMs() / 1000)
    await refused(s.verifier.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: s.idp.issuer, sub: USER, aud: 'p2pstack', exp: now + 60 })}.`))
    await refused(s.verifier.verify('not-a-jwt'))
    await refused(s.verifier.verify(''))
    await refused(s.verifier.verify('x'.repeat(20_000)))
  })

  it('refuses an expired token and one not yet valid, on the virtual clock, cached or not', async () => {
    const s = await setup()
    const jwt = await s.idp.issue({ userId: USER, projectId: PROJECT }, { expiresInSeconds: 60 })
    await s.verifier.verify(jwt)
    s.clock.advanceBy(59_000)
    await s.verifier.verify(jwt)
    s.clock.advanceBy(1_000)
    await refused(s.verifier.verify(jwt))
    const early = await s.idp.issue({ userId: USER, projectId: PROJECT, claims: { nbf: Math.floor(s.clock.wallClockMs() / 1000) + 600 } })
    await refused(s.verifier.verify(early))
  })

  it('fetches the keys once, caches verified tokens, and refetches once for a rotated key', async () => {
    const s = await setup()
    const jwt = await s.idp.issue({ userId: USER, projectId: PROJECT })
    await s.verifier.verify(jwt)
    await s.verifier.verify(jwt)
    await s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }))
    assert.equal(s.idp.provider.fetched.length, 2, 'discovery and JWKS once')
    s.clock.advanceBy(60_000)
    await s.idp.provider.rotate()
    await s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }))
    assert.equal(s.idp.provider.fetched.length, 3, 'the JWKS again, for the new kid')
  })

  it('keeps verifying with the last keys while the provider is unreachable, past the key cache lifetime', async () => {
    const s = await setup()
    await s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }))
    s.setDown(true)
    s.clock.advanceBy(3_600_000)
    const jwt = await s.idp.issue({ userId: USER, projectId: PROJECT })
    const auth = await s.verifier.verify(jwt)
    assert.equal(auth.userId, USER)
    s.setDown(false)
    s.clock.advanceBy(3_600_000)
    await s.idp.provider.rotate({ dropOld: true })
    await refused(s.verifier.verify(jwt))
  })

  it('refuses a revoked token, even one verified before, by audit id and by user', async () => {
    const s = await setup()
    const jwt = await s.idp.issue({ userId: USER, projectId: PROJECT, auditId: 'gone' })
    const auth = await s.verifier.verify(jwt)
    s.revoked.add({ auditId: 'gone', issuedBeforeMs: auth.issuedAtMs })
    await refused(s.verifier.verify(jwt))
    const second = await s.idp.issue({ userId: USER, projectId: PROJECT })
    await s.verifier.verify(second)
    s.clock.advanceBy(1_500)
    s.revoked.add({ userId: USER, issuedBeforeMs: s.clock.wallClockMs() })
    await refused(s.verifier.verify(second))
    // Issued in the same second as the event, after it (iat has whole seconds): not caught.
    await s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }))
    s.clock.advanceBy(1_000)
    await s.verifier.verify(await s.idp.issue({ userId: USER, projectId: PROJECT }))
  })
})
