/**
 * The OIDC-* headers of the trusted-headers federation: each claim's header must reach a
 * WSGI Keystone under the environ key the mapping reads (HTTP_OIDC_<CLAIM>, as claimKeys names
 * it), arrays joined with ';', the issuer in OIDC-Iss.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { claimKeys } from '../../openstack/identity/oidc-assertion.ts'
import { claimHeaderName, trustedClaimHeaders, verifiedJwtClaims } from './trusted-claim-headers.ts'

/** What a WSGI server makes of a header name. */
const wsgiKey = (header: string): string => `HTTP_${header.toUpperCase().replace(/-/g, '_')}`

describe('trustedClaimHeaders', () => {
  it('names every claim so that WSGI spells it as the mapping reads it', () => {
    for (const claim of ['sub', 'project_id', 'roles', 'preferred_username', 'iss']) {
      assert.equal(wsgiKey(claimHeaderName(claim)), claimKeys(claim)[1])
    }
  })

  it('passes the issuer, strings, numbers and arrays joined with ";"', () => {
    const headers = trustedClaimHeaders('http://idp.test/identity', { iss: 'http://other', sub: 'u1', project_id: 'p1', roles: ['member', 'reader'], exp: 12, admin: true })
    assert.deepEqual(headers, { 'oidc-iss': 'http://idp.test/identity', 'oidc-sub': 'u1', 'oidc-project-id': 'p1', 'oidc-roles': 'member;reader', 'oidc-exp': '12', 'oidc-admin': '1' })
  })

  it('leaves out a claim that headers cannot carry (not printable ASCII, a line break)', () => {
    const headers = trustedClaimHeaders('http://idp.test/identity', { sub: 'u1', name: 'Zoë', note: 'a\r\nX-Injected: 1' })
    assert.deepEqual(headers, { 'oidc-iss': 'http://idp.test/identity', 'oidc-sub': 'u1' })
  })
})

describe('verifiedJwtClaims', () => {
  it('reads the payload of a JWT, and null for what is not one', () => {
    const jwt = `e30.${Buffer.from(JSON.stringify({ sub: 'u1' })).toString('base64url')}.sig`
    assert.deepEqual(verifiedJwtClaims(jwt), { sub: 'u1' })
    assert.equal(verifiedJwtClaims('opaque-token'), null)
    assert.equal(verifiedJwtClaims('a.!!!.c'), null)
  })
})
