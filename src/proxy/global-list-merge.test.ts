import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mv } from '../openstack/microversion.ts'
import { mergeFlavorLists, mergeKeypairLists } from './global-list-merge.ts'

const AGENT = 'http://127.0.0.1:8000/compute'
const flavor = (id: string, name: string, ram: number): Record<string, unknown> => ({
  id, name, ram, disk: 1, vcpus: 1, swap: '', 'OS-FLV-EXT-DATA:ephemeral': 0, 'os-flavor-access:is_public': true,
  links: [{ rel: 'self', href: `${AGENT}/v2.1/flavors/${id}` }, { rel: 'bookmark', href: `${AGENT}/flavors/${id}` }]
})
const q = (text: string): URLSearchParams => new URLSearchParams(text)

describe('mergeFlavorLists', () => {
  const lists = [[flavor('2', 'm1.small', 2048), flavor('1', 'm1.tiny', 512)], [flavor('1', 'm1.tiny', 512), flavor('3', 'm1.medium', 4096)]]

  it('concatenates, keeps one flavor per id, and orders by flavorid asc', () => {
    const body = mergeFlavorLists({ lists, query: q(''), detail: false, computeUrl: AGENT })
    assert.deepEqual(body.flavors.map(f => f.id), ['1', '2', '3'])
    assert.deepEqual(Object.keys(body.flavors[0] ?? {}), ['id', 'links', 'name'])
  })

  it('sorts by another key and pages with a next link', () => {
    const body = mergeFlavorLists({ lists, query: q('sort_key=memory_mb&sort_dir=desc&limit=2'), detail: true, computeUrl: AGENT })
    assert.deepEqual(body.flavors.map(f => f.name), ['m1.medium', 'm1.small'])
    assert.equal(body.flavors_links?.[0]?.href, `${AGENT}/v2.1/flavors/detail?limit=2&sort_dir=desc&sort_key=memory_mb&marker=2`)
    assert.throws(() => mergeFlavorLists({ lists, query: q('marker=9'), detail: true, computeUrl: AGENT }), /marker \[9\] not found/)
  })
})

describe('mergeKeypairLists', () => {
  const kp = (name: string): { keypair: Record<string, unknown> } => ({ keypair: { name, public_key: `ssh-ed25519 AAAA ${name}`, fingerprint: 'f', type: 'ssh' } })
  const lists = [[kp('b'), kp('a')], [kp('a'), kp('c')]]

  it('keeps one keypair per name, by name, wrapped as Nova wraps them', () => {
    const body = mergeKeypairLists({ lists, query: q(''), version: mv('2.2'), computeUrl: AGENT })
    assert.deepEqual(body.keypairs.map(k => k.keypair.name), ['a', 'b', 'c'])
    assert.equal(body.keypairs_links, undefined)
  })

  it('pages from 2.35 with the name as marker', () => {
    const body = mergeKeypairLists({ lists, query: q('limit=1&marker=a'), version: mv('2.35'), computeUrl: AGENT })
    assert.deepEqual(body.keypairs.map(k => k.keypair.name), ['b'])
    assert.equal(body.keypairs_links?.[0]?.href, `${AGENT}/v2.1/os-keypairs?limit=1&marker=b`)
    // Below 2.35 limit and marker mean nothing.
    assert.equal(mergeKeypairLists({ lists, query: q('limit=1'), version: mv('2.10'), computeUrl: AGENT }).keypairs.length, 3)
  })
})
