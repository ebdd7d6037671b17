/**
 * The identity provider end to end in memory: password, rescoping and application-credential
 * logins give ES256 JWTs with the p2pstack claims that jose verifies with the served JWKS and
 * the emulator's OidcVerifier accepts through discovery; the provider accepts its own tokens
 * and honours their revocation, publishing it as OS-REVOKE events; keys rotate and retire;
 * password failures lock an account for a while.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import type { JSONWebKeySet } from 'jose'
import { silentLogger } from '../core/ports.ts'
import { OidcVerifier } from '../emulator/identity/oidc-verifier.ts'
import { P2PSTACK_TOKEN_AUDIENCE, p2pstackTokenClaimsSchema } from '../openstack/identity/p2pstack-token-claims.ts'
import { TEST_IDP_ISSUER, makeTestIdp } from '../../test/fixtures/test-idp.ts'
import type { TestIdp } from '../../test/fixtures/test-idp.ts'

const TOKENS = '/identity/v3/auth/tokens'
const TTL_MS = 3_600_000

async function jwksOf (t: TestIdp): Promise<JSONWebKeySet> {
  const r = await t.call('GET', '/identity/.well-known/jwks.json')
  assert.equal(r.status, 200, r.text)
  return r.json()
}

async function verify (t: TestIdp, jwt: string): Promise<ReturnType<typeof p2pstackTokenClaimsSchema.parse>> {
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(await jwksOf(t)), {
    issuer: TEST_IDP_ISSUER,
    audience: P2PSTACK_TOKEN_AUDIENCE,
    algorithms: ['ES256'],
    currentDate: new Date(t.clock.wallClockMs())
  })
  return p2pstackTokenClaimsSchema.parse(payload)
}

const idOf = async (t: TestIdp, admin: string, kind: 'projects' | 'users' | 'roles', name: string): Promise<string> =>
  (await t.call('GET', `/identity/v3/${kind}?name=${name}`, { token: admin })).json()[kind][0].id

describe('the identity provider', () => {
  it('serves an OIDC discovery document naming its issuer and JWKS', async () => {
    const t = await makeTestIdp()
    const r = await t.call('GET', '/identity/.well-known/openid-configuration')
    assert.equal(r.status, 200)
    const doc = r.json()
    assert.equal(doc.issuer, TEST_IDP_ISSUER)
    assert.equal(doc.jwks_uri, `${TEST_IDP_ISSUER}/.well-known/jwks.json`)
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256'])
    const jwks = await jwksOf(t)
    assert.equal(jwks.keys.length, 1)
    assert.equal(jwks.keys[0]?.kty, 'EC')
    assert.equal(jwks.keys[0]?.alg, 'ES256')
    assert.equal(jwks.keys[0]?.d, undefined)
  })

  it('answers a password login with a JWT whose claims jose verifies: user, project, roles with implied ones, audit id', async () => {
    const t = await makeTestIdp()
    const r = await t.login('demo', 'demo-pw', 'demo')
    assert.equal(r.status, 201, r.text)
    const jwt = r.headers['x-subject-token'] as string
    const body = r.json().token
    const claims = await verify(t, jwt)
    assert.equal(decodeProtectedHeader(jwt).kid, (await jwksOf(t)).keys[0]?.kid)
    assert.equal(claims.iss, TEST_IDP_ISSUER)
    assert.equal(claims.aud, P2PSTACK_TOKEN_AUDIENCE)
    assert.equal(claims.sub, body.user.id)
    assert.equal(claims.preferred_username, 'demo')
    assert.equal(claims.user_domain_id, 'default')
    assert.equal(claims.project_id, body.project.id)
    assert.equal(claims.project_name, 'demo')
    assert.deepEqual([...claims.roles].sort(), ['member', 'reader'])
    assert.deepEqual([...claims.role_ids].sort(), body.roles.map((x: { id: string }) => x.id).sort())
    assert.deepEqual(claims.methods, ['password'])
    assert.equal(claims.jti, body.audit_ids[0])
    assert.deepEqual(claims.audit_ids, body.audit_ids)
    assert.equal(claims.exp - claims.iat, TTL_MS / 1000)
    assert.equal(claims.exp * 1000, Date.parse(body.expires_at))

    // The provider takes its own JWT as X-Auth-Token.
    const validated = await t.call('GET', TOKENS, { token: jwt, headers: { 'x-subject-token': jwt } })
    assert.equal(validated.status, 200, validated.text)
    assert.equal(validated.json().token.user.name, 'demo')
    assert.equal((await t.call('GET', '/identity/v3/auth/projects', { token: jwt })).json().projects[0].name, 'demo')

    const admin = await t.token()
    const adminClaims = await verify(t, admin)
    assert.deepEqual([...adminClaims.roles].sort(), ['admin', 'member', 'reader'])
    assert.equal((await t.call('GET', '/identity/v3/users', { token: admin })).status, 200)
  })

  it('rescopes: the new JWT keeps the expiry and carries both audit ids', async () => {
    const t = await makeTestIdp()
    const unscoped = await t.login('demo', 'demo-pw', null)
    assert.equal(unscoped.status, 201, unscoped.text)
    const first = unscoped.headers['x-subject-token'] as string
    const firstClaims = await verify(t, first)
    assert.equal(firstClaims.project_id, undefined)
    assert.deepEqual(firstClaims.roles, [])
    t.clock.advanceBy(5_000)
    const r = await t.call('POST', TOKENS, {
      json: { auth: { identity: { methods: ['token'], token: { id: first } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } } }
    })
    assert.equal(r.status, 201, r.text)
    const claims = await verify(t, r.headers['x-subject-token'] as string)
    assert.equal(claims.project_name, 'demo')
    assert.deepEqual(claims.methods, ['token', 'password'])
    assert.equal(claims.exp, firstClaims.exp)
    assert.equal(claims.audit_ids.length, 2)
    assert.equal(claims.audit_ids[1], firstClaims.jti)
    assert.equal(claims.jti, claims.audit_ids[0])
    assert.notEqual(claims.jti, firstClaims.jti)
  })

  it('issues JWTs for application credentials', async () => {
    const t = await makeTestIdp()
    const demo = await t.token('demo', 'demo-pw', 'demo')
    const me = await verify(t, demo)
    const created = await t.call('POST', `/identity/v3/users/${me.sub}/application_credentials`, { token: demo, json: { application_credential: { name: 'ci', secret: 's3cr3t' } } })
    assert.equal(created.status, 201, created.text)
    const credId = created.json().application_credential.id
    const r = await t.call('POST', TOKENS, { json: { auth: { identity: { methods: ['application_credential'], application_credential: { id: credId, secret: 's3cr3t' } } } } })
    assert.equal(r.status, 201, r.text)
    const jwt = r.headers['x-subject-token'] as string
    const claims = await verify(t, jwt)
    assert.equal(claims.application_credential_id, credId)
    assert.deepEqual(claims.methods, ['application_credential'])
    assert.equal(claims.project_id, me.project_id)
    assert.equal(claims.sub, me.sub)

    // Deleting the credential kills its tokens, and says so in OS-REVOKE.
    assert.equal((await t.call('DELETE', `/identity/v3/users/${me.sub}/application_credentials/${credId}`, { token: demo })).status, 204)
    assert.equal((await t.call('GET', '/identity/v3/auth/projects', { token: jwt })).status, 401)
    const events = (await t.call('GET', '/identity/v3/OS-REVOKE/events', { token: await t.token() })).json().events
    assert.ok(events.some((e: { audit_id?: string }) => e.audit_id === claims.jti))
  })

  it('is an OIDC provider the emulator\'s verifier accepts, through discovery', async () => {
    const t = await makeTestIdp()
    const jwt = await t.token('demo', 'demo-pw', 'demo')
    const verifier = new OidcVerifier({ clock: t.clock, outbound: t.idp.handler, logger: silentLogger })
    const payload = await verifier.verify(jwt, issuer => issuer === TEST_IDP_ISSUER, [P2PSTACK_TOKEN_AUDIENCE])
    assert.equal(payload.preferred_username, 'demo')
    assert.equal(payload.project_name, 'demo')
  })

  it('revokes a token on DELETE /v3/auth/tokens, refuses it, and lists the event in OS-REVOKE', async () => {
    const t = await makeTestIdp()
    const admin = await t.token()
    const demo = await t.token('demo', 'demo-pw', 'demo')
    const claims = await verify(t, demo)
    t.clock.advanceBy(1_000)
    const before = new Date(t.clock.wallClockMs()).toISOString()
    t.clock.advanceBy(1_000)
    const revoked = await t.call('DELETE', TOKENS, { token: admin, headers: { 'x-subject-token': demo } })
    assert.equal(revoked.status, 204, revoked.text)
    assert.equal((await t.call('GET', TOKENS, { token: admin, headers: { 'x-subject-token': demo } })).status, 404)
    const refused = await t.call('GET', '/identity/v3/auth/projects', { token: demo })
    assert.equal(refused.status, 401)

    const r = await t.call('GET', '/identity/v3/OS-REVOKE/events', { token: admin })
    assert.equal(r.status, 200, r.text)
    const events = r.json().events
    assert.equal(events.length, 1)
    assert.equal(events[0].audit_id, claims.jti)
    assert.match(events[0].revoked_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    assert.equal(events[0].issued_before, events[0].revoked_at)
    assert.equal((await t.call('GET', `/identity/v3/OS-REVOKE/events?since=${before}`, { token: admin })).json().events.length, 1)
    t.clock.advanceBy(1_000)
    const later = new Date(t.clock.wallClockMs()).toISOString()
    assert.deepEqual((await t.call('GET', `/identity/v3/OS-REVOKE/events?since=${later}`, { token: admin })).json().events, [])
    const bad = await t.call('GET', '/identity/v3/OS-REVOKE/events?since=yesterday', { token: admin })
    assert.equal(bad.status, 400)
    assert.equal(bad.json().error.message, 'invalid date format yesterday')
    const member = await t.token('demo', 'demo-pw', 'demo')
    assert.equal((await t.call('GET', '/identity/v3/OS-REVOKE/events', { token: member })).status, 403)

    // A password change revokes every token of the user: one event naming the user.
    const userId = claims.sub
    assert.equal((await t.call('PATCH', `/identity/v3/users/${userId}`, { token: admin, json: { user: { password: 'new-pw' } } })).status, 200)
    assert.equal((await t.call('GET', '/identity/v3/auth/projects', { token: member })).status, 401)
    const userEvents = (await t.call('GET', `/identity/v3/OS-REVOKE/events?since=${later}`, { token: admin })).json().events
    assert.deepEqual(userEvents.map((e: { user_id?: string, audit_id?: string }) => e.user_id ?? e.audit_id), [(await verify(t, member)).jti, userId])

    // A role removed from a user revokes the user's tokens of that project (they carry the role)
    // and publishes the grant as Keystone's revoke_by_grant does: user, project and role.
    const fresh = await t.token('demo', 'new-pw', 'demo')
    const freshClaims = await verify(t, fresh)
    const projectId = await idOf(t, admin, 'projects', 'demo')
    const roleId = await idOf(t, admin, 'roles', 'member')
    const removed = await t.call('DELETE', `/identity/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, { token: admin })
    assert.equal(removed.status, 204, removed.text)
    assert.equal((await t.call('GET', TOKENS, { token: admin, headers: { 'x-subject-token': fresh } })).status, 404)
    const grantEvents = (await t.call('GET', `/identity/v3/OS-REVOKE/events?since=${later}`, { token: admin })).json().events.slice(2)
    assert.deepEqual(grantEvents.map((e: Record<string, string>) => e.audit_id ?? [e.user_id, e.project_id, e.role_id]), [freshClaims.jti, [userId, projectId, roleId]])

    // Events are forgotten once the tokens they cover have expired.
    t.clock.advanceBy(TTL_MS + 1)
    assert.deepEqual((await t.call('GET', '/identity/v3/OS-REVOKE/events', { token: await t.token() })).json().events, [])
  })
})

describe('signing key rotation', () => {
  it('keeps the old key published until its tokens have expired, then drops it', async () => {
    const t = await makeTestIdp()
    const old = await t.token('demo', 'demo-pw', 'demo')
    const oldKid = decodeProtectedHeader(old).kid
    t.clock.advanceBy(600_000)
    const admin = await t.token()
    const rotated = await t.call('POST', '/identity/v3/OS-P2PSTACK/signing-keys', { token: admin })
    assert.equal(rotated.status, 201, rotated.text)
    const newKid = rotated.json().signing_key.kid
    assert.notEqual(newKid, oldKid)
    assert.equal((await t.call('POST', '/identity/v3/OS-P2PSTACK/signing-keys', { token: await t.token('demo', 'demo-pw', 'demo') })).status, 403)

    const fresh = await t.token('demo', 'demo-pw', 'demo')
    assert.equal(decodeProtectedHeader(fresh).kid, newKid)
    assert.deepEqual((await jwksOf(t)).keys.map(k => k.kid), [newKid, oldKid])
    const listed = (await t.call('GET', '/identity/v3/OS-P2PSTACK/signing-keys', { token: admin })).json().signing_keys
    assert.deepEqual(listed.map((k: { kid: string, current: boolean }) => [k.kid, k.current]), [[newKid, true], [oldKid, false]])
    assert.equal((await verify(t, old)).preferred_username, 'demo')

    // Just before the last token the old key signed can have expired, it is still there; then gone.
    t.clock.advanceBy(TTL_MS - 1)
    assert.deepEqual((await jwksOf(t)).keys.map(k => k.kid), [newKid, oldKid])
    t.clock.advanceBy(1)
    assert.deepEqual((await jwksOf(t)).keys.map(k => k.kid), [newKid])
    await assert.rejects(jwtVerify(old, createLocalJWKSet(await jwksOf(t)), { currentDate: new Date(t.clock.wallClockMs() - TTL_MS) }), /no applicable key/i)
  })

  it('rotates on its own once the current key is as old as the period, and keeps keys across a restart', async () => {
    const t = await makeTestIdp({ settings: { keyRotationPeriodMs: 86_400_000 } })
    const first = decodeProtectedHeader(await t.token()).kid
    t.clock.advanceBy(86_400_000 - 1)
    assert.equal(decodeProtectedHeader(await t.token()).kid, first)
    t.clock.advanceBy(1)
    const second = decodeProtectedHeader(await t.token()).kid
    assert.notEqual(second, first)

    const restarted = await makeTestIdp({ store: t.store, clock: t.clock, seed: 'another', settings: { keyRotationPeriodMs: 86_400_000 } })
    assert.deepEqual((await jwksOf(restarted)).keys.map(k => k.kid), [second, first])
    assert.equal(decodeProtectedHeader(await restarted.token()).kid, second)
  })
})

describe('account lockout', () => {
  it('locks a user after the configured failures, even for the right password, until the duration has passed', async () => {
    const t = await makeTestIdp({ settings: { lockout: { failureAttempts: 3, durationMs: 300_000 } } })
    const admin = await t.token()
    const demoId = await idOf(t, admin, 'users', 'demo')
    for (let i = 0; i < 3; i++) {
      const r = await t.login('demo', 'wrong', 'demo')
      assert.equal(r.status, 401)
      assert.equal(r.json().error.message, 'The request you have made requires authentication.')
    }
    const locked = await t.login('demo', 'demo-pw', 'demo')
    assert.equal(locked.status, 401)
    assert.deepEqual(locked.json().error, { code: 401, title: 'Unauthorized', message: `The account is locked for user: ${demoId}.` })
    t.clock.advanceBy(299_999)
    assert.equal((await t.login('demo', 'demo-pw', 'demo')).status, 401)
    t.clock.advanceBy(1)
    assert.equal((await t.login('demo', 'demo-pw', 'demo')).status, 201)
    // Other users were never affected.
    assert.equal((await t.login('admin', 'secret', 'admin')).status, 201)
  })

  it('counts only consecutive failures, and an admin re-enabling the user unlocks a lock with no duration', async () => {
    const t = await makeTestIdp({ settings: { lockout: { failureAttempts: 2, durationMs: null } } })
    const admin = await t.token()
    const demoId = await idOf(t, admin, 'users', 'demo')
    assert.equal((await t.login('demo', 'wrong', 'demo')).status, 401)
    assert.equal((await t.login('demo', 'demo-pw', 'demo')).status, 201)
    assert.equal((await t.login('demo', 'wrong', 'demo')).status, 401)
    assert.equal((await t.login('demo', 'demo-pw', 'demo')).status, 201)
    assert.equal((await t.login('demo', 'wrong', 'demo')).status, 401)
    assert.equal((await t.login('demo', 'wrong', 'demo')).status, 401)
    t.clock.advanceBy(365 * 86_400_000)
    assert.match((await t.login('demo', 'demo-pw', 'demo')).json().error.message, /locked/)
    const admin2 = await t.token()
    assert.equal((await t.call('PATCH', `/identity/v3/users/${demoId}`, { token: admin2, json: { user: { enabled: true } } })).status, 200)
    assert.equal((await t.login('demo', 'demo-pw', 'demo')).status, 201)
  })

  it('does nothing when failureAttempts is null', async () => {
    const t = await makeTestIdp({ settings: { lockout: { failureAttempts: null, durationMs: null } } })
    for (let i = 0; i < 5; i++) assert.equal((await t.login('demo', 'wrong', 'demo')).status, 401)
    assert.equal((await t.login('demo', 'demo-pw', 'demo')).status, 201)
  })
})
