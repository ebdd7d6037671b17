import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { JoseTokenSigner } from './jose-token-signer.ts'

describe('JoseTokenSigner', () => {
  it('signs ES256 JWTs with a kid that jose verifies with the public JWK', async () => {
    const signer = new JoseTokenSigner()
    const pair = await signer.generateKeyPair()
    assert.equal(pair.publicJwk.kty, 'EC')
    assert.equal(pair.publicJwk.crv, 'P-256')
    assert.equal(pair.publicJwk.d, undefined)
    assert.ok(pair.privateJwk.d !== undefined)
    const jwt = await signer.sign({ sub: 'u1', iss: 'https://idp.test', exp: 4_000_000_000 }, 'k1', pair.privateJwk)
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: 'ES256', typ: 'JWT', kid: 'k1' })
    const jwks = createLocalJWKSet({ keys: [{ ...pair.publicJwk, kid: 'k1', alg: 'ES256', use: 'sig' }] })
    const { payload } = await jwtVerify(jwt, jwks, { issuer: 'https://idp.test', algorithms: ['ES256'] })
    assert.equal(payload.sub, 'u1')
  })

  it('makes a different key each time, and a token signed with one does not verify with another', async () => {
    const signer = new JoseTokenSigner()
    const a = await signer.generateKeyPair()
    const b = await signer.generateKeyPair()
    assert.notEqual(a.publicJwk.x, b.publicJwk.x)
    const jwt = await signer.sign({ sub: 'u1' }, 'k', a.privateJwk)
    const jwks = createLocalJWKSet({ keys: [{ ...b.publicJwk, kid: 'k', alg: 'ES256' }] })
    await assert.rejects(jwtVerify(jwt, jwks))
  })
})
