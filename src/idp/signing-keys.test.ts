import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryStore } from '../core/memory-store.ts'
import type { SigningKeyPair, TokenSigner } from '../core/ports.ts'
import { SeededRandom } from '../sim/seeded-random.ts'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { SigningKeys } from './signing-keys.ts'

/** A signer that counts key pairs and "signs" by naming the key; enough for the key bookkeeping. */
function fakeSigner (): TokenSigner & { made: number } {
  const signer = {
    made: 0,
    async generateKeyPair (): Promise<SigningKeyPair> {
      signer.made++
      return { privateJwk: { kty: 'EC', d: `d${signer.made}` }, publicJwk: { kty: 'EC', x: `x${signer.made}` } }
    },
    async sign (_claims: Readonly<Record<string, unknown>>, kid: string): Promise<string> {
      return `signed-by-${kid}`
    }
  }
  return signer
}

describe('SigningKeys', () => {
  it('makes its first key on first use, and concurrent rotations share one new key', async () => {
    const signer = fakeSigner()
    const keys = new SigningKeys({ store: new MemoryStore(), clock: new VirtualClock(), random: new SeededRandom('k'), signer }, { tokenTtlMs: 1000, rotationPeriodMs: null })
    assert.deepEqual(keys.jwks().keys, [])
    const [a, b] = await Promise.all([keys.current(), keys.current()])
    assert.equal(a.id, b.id)
    assert.equal(signer.made, 1)
    const [c, d] = await Promise.all([keys.rotate(), keys.rotate()])
    assert.equal(c.id, d.id)
    assert.equal(signer.made, 2)
    assert.equal(await keys.sign({}), `signed-by-${c.id}`)
    assert.deepEqual(keys.jwks().keys.map(k => [k.kid, k.x, k.alg, k.use]), [[c.id, 'x2', 'ES256', 'sig'], [a.id, 'x1', 'ES256', 'sig']])
    assert.ok(keys.jwks().keys.every(k => k.d === undefined))
  })

  it('drops a retired key one token lifetime after its retirement', async () => {
    const clock = new VirtualClock()
    const keys = new SigningKeys({ store: new MemoryStore(), clock, random: new SeededRandom('k'), signer: fakeSigner() }, { tokenTtlMs: 1000, rotationPeriodMs: null })
    const first = await keys.current()
    clock.advanceBy(5000)
    const second = await keys.rotate()
    clock.advanceBy(999)
    assert.deepEqual(keys.published().map(k => k.id), [second.id, first.id])
    clock.advanceBy(1)
    assert.deepEqual(keys.published().map(k => k.id), [second.id])
  })
})
