/**
 * RevocationFeed: polls Keystone-shaped revocation events into RevokedTokens, asks again only
 * for what is newer, keeps the list while the provider is unreachable, and drops its service
 * token on a 401.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { jsonResponse } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import { silentLogger } from '../../core/ports.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { isoMicrosZ } from '../../openstack/timestamps.ts'
import { VirtualClock } from '../../sim/virtual-clock.ts'
import { RevocationFeed, RevocationFeedError } from './revocation-feed.ts'
import { RevokedTokens } from './revoked-tokens.ts'

const auth = (userId: string, issuedAtMs: number): AuthContext => ({
  token: 't', auditId: 'x', userId, userName: 'u', userDomainId: 'default', userDomainName: 'Default', project: null, domain: null,
  system: false, roles: [], roleIds: [], expiresAtMs: issuedAtMs + 3600_000, issuedAtMs, methods: ['password'], applicationCredentialId: null
})

describe('RevocationFeed', () => {
  it('adds the events it polls, asks with since= afterwards, and survives an unreachable provider', async () => {
    const clock = new VirtualClock()
    const t0 = clock.wallClockMs()
    const asked: string[] = []
    let mode: 'ok' | 'down' | '401' = 'ok'
    const invalidated: string[] = []
    const http: HttpHandler = async request => {
      asked.push(request.url.href)
      assert.equal(request.headers['x-auth-token'], 'service-token')
      if (mode === 'down') throw new Error('ECONNREFUSED')
      if (mode === '401') return jsonResponse(401, { error: { code: 401 } })
      return jsonResponse(200, {
        events: [
          { audit_id: 'deleted-token', issued_before: isoMicrosZ(t0), revoked_at: isoMicrosZ(t0 + 1000) },
          { user_id: 'disabled-user', issued_before: isoMicrosZ(t0 + 5000), revoked_at: isoMicrosZ(t0 + 5000) }
        ],
        links: { self: request.url.href, next: null, previous: null }
      })
    }
    const revoked = new RevokedTokens()
    const feed = new RevocationFeed({
      http, identityUrl: 'http://idp.test/identity', revoked, clock, logger: silentLogger,
      tokens: { token: async () => 'service-token', invalidate: token => { invalidated.push(token) } }
    })
    assert.equal(await feed.pollOnce(), 2)
    assert.equal(asked[0], 'http://idp.test/identity/v3/OS-REVOKE/events')
    assert.equal(revoked.isRevoked({ auditIds: ['deleted-token'], auth: auth('someone', t0) }), true)
    assert.equal(revoked.isRevoked({ auditIds: ['other'], auth: auth('disabled-user', t0 + 4000) }), true)
    assert.equal(revoked.isRevoked({ auditIds: ['other'], auth: auth('disabled-user', t0 + 6000) }), false, 'a token issued after the event stays valid')
    await feed.pollOnce()
    assert.equal(asked[1], `http://idp.test/identity/v3/OS-REVOKE/events?since=${encodeURIComponent(isoMicrosZ(t0 + 5000))}`)
    mode = 'down'
    await assert.rejects(feed.pollOnce(), RevocationFeedError)
    assert.equal(revoked.isRevoked({ auditIds: ['deleted-token'], auth: auth('someone', t0) }), true)
    mode = '401'
    await assert.rejects(feed.pollOnce(), RevocationFeedError)
    assert.deepEqual(invalidated, ['service-token'])
  })

  it('forgets events that can match no valid token any more', () => {
    const revoked = new RevokedTokens({ maxTokenLifetimeMs: 3600_000, maxEvents: 3 })
    revoked.add({ auditId: 'a', issuedBeforeMs: 0 })
    revoked.add({ auditId: 'b', issuedBeforeMs: 10_000_000 })
    revoked.prune(5_000_000)
    assert.equal(revoked.size, 1)
    for (const id of ['c', 'd', 'e']) revoked.add({ auditId: id, issuedBeforeMs: 10_000_000 })
    assert.equal(revoked.size, 3, 'bounded')
  })
})
