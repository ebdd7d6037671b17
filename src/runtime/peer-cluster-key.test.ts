/** The cluster key's HMAC: what it accepts, what it refuses, and the keys it refuses to use. */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import { ClusterKey } from './peer-cluster-key.ts'

describe('ClusterKey', () => {
  const key = new ClusterKey('a shared secret of at least 32 characters')

  it('signs as sha256=<hex> and verifies exactly the signed bytes', () => {
    const signature = key.sign('{"a":1}')
    assert.match(signature, /^sha256=[0-9a-f]{64}$/)
    assert.ok(key.verify('{"a":1}', signature))
    assert.ok(key.verify(new TextEncoder().encode('{"a":1}'), signature))
    assert.ok(!key.verify('{"a":2}', signature))
    assert.ok(!key.verify('{"a":1} ', signature))
  })

  it('refuses other keys, other formats, and the bare secret used as the HMAC key', () => {
    const signature = key.sign('body')
    assert.ok(!new ClusterKey('another shared secret of 32+ characters').verify('body', signature))
    assert.ok(!key.verify('body', undefined))
    assert.ok(!key.verify('body', signature.toUpperCase()))
    assert.ok(!key.verify('body', signature.slice('sha256='.length)))
    assert.ok(!key.verify('body', `${signature}00`))
    const naive = `sha256=${createHmac('sha256', 'a shared secret of at least 32 characters').update('body').digest('hex')}`
    assert.ok(!key.verify('body', naive), 'the signing key is derived from the secret, not the secret itself')
  })

  it('refuses a secret shorter than 32 characters', () => {
    assert.throws(() => new ClusterKey('short'), { code: 'P2P_ERR_CLUSTER_KEY' })
  })
})
