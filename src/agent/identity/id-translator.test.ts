/**
 * IdTranslator: whole-id replacement both ways, for 32- and 64-hex ids and UUIDs, leaving
 * unknown ids and longer words alone.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IdTranslator } from './id-translator.ts'

const LOCAL_P = '1'.repeat(32)
const GLOBAL_P = '2'.repeat(32)
const LOCAL_U = 'a'.repeat(64)
const GLOBAL_U = 'b'.repeat(32)
const UUID_L = '3fa85f64-5717-4562-b3fc-2c963f66afa6'
const UUID_G = '9c4c5ad0-8d9e-4e9b-9a43-0b2a6e4a1f11'

describe('IdTranslator', () => {
  const t = new IdTranslator()
  t.learn({ localProjectId: LOCAL_P, globalProjectId: GLOBAL_P, localUserId: LOCAL_U, globalUserId: GLOBAL_U })
  t.learn({ localProjectId: UUID_L, globalProjectId: UUID_G })

  it('replaces every local id in a JSON text with its global id, and back', () => {
    const local = JSON.stringify({ server: { tenant_id: LOCAL_P, user_id: LOCAL_U, links: [{ href: `http://x/v2.1/${LOCAL_P}/servers/1` }] }, owner: UUID_L })
    const global = t.toGlobal(local)
    assert.deepEqual(JSON.parse(global), { server: { tenant_id: GLOBAL_P, user_id: GLOBAL_U, links: [{ href: `http://x/v2.1/${GLOBAL_P}/servers/1` }] }, owner: UUID_G })
    assert.equal(t.toLocal(global), local)
    assert.equal(t.toLocal(`/compute/v2.1/os-quota-sets/${GLOBAL_P}?user_id=${GLOBAL_U}`), `/compute/v2.1/os-quota-sets/${LOCAL_P}?user_id=${LOCAL_U}`)
  })

  it('leaves unknown ids, ids inside longer words, and uppercase spellings alone', () => {
    const text = `${'c'.repeat(32)} x${LOCAL_P} ${LOCAL_P}9 ${LOCAL_U.toUpperCase()} ${'1'.repeat(48)}`
    assert.equal(t.toGlobal(text), text)
  })

  it('forgets the old pair when an id is relearned', () => {
    const u = new IdTranslator()
    u.learn({ localProjectId: LOCAL_P, globalProjectId: GLOBAL_P })
    u.learn({ localProjectId: '4'.repeat(32), globalProjectId: GLOBAL_P })
    assert.equal(u.localId(GLOBAL_P), '4'.repeat(32))
    assert.equal(u.globalId(LOCAL_P), LOCAL_P)
    assert.equal(u.size, 1)
  })

  it('rewrites a large body in one pass with many ids known', () => {
    const big = new IdTranslator()
    for (let i = 0; i < 10_000; i++) big.learn({ localProjectId: i.toString(16).padStart(32, '0'), globalProjectId: (i + 1_000_000).toString(16).padStart(32, 'f') })
    const servers = Array.from({ length: 1000 }, (_, i) => ({ id: `${i}`.padStart(32, 'e'), tenant_id: (i % 10_000).toString(16).padStart(32, '0') }))
    const out = JSON.parse(big.toGlobal(JSON.stringify({ servers })))
    assert.equal(out.servers[7].tenant_id, (7 + 1_000_000).toString(16).padStart(32, 'f'))
    assert.equal(out.servers[7].id, servers[7]?.id)
  })
})
