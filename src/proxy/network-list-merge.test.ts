import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { OpenStackFault } from '../openstack/faults.ts'
import { mergeNetworkLists, networkFanOutQuery } from './network-list-merge.ts'

const URL_BASE = 'http://127.0.0.1:8000/networking/v2.0/networks'

const net = (id: string, name: string, mtu = 1450): Record<string, unknown> => ({
  id, name, tenant_id: 'p1', project_id: 'p1', admin_state_up: true, mtu, status: 'ACTIVE', subnets: [], shared: false,
  'router:external': false, tags: [], created_at: '2026-11-25T11:00:00Z', updated_at: '2026-11-25T11:00:00Z', revision_number: 1
})

const cloudletA = [net('30000000-0000-0000-0000-000000000000', 'net-c'), net('10000000-0000-0000-0000-000000000000', 'net-a', 1500)]
const cloudletB = [net('20000000-0000-0000-0000-000000000000', 'net-b'), net('10000000-0000-0000-0000-000000000000', 'net-a', 1500)]
const lists = [cloudletA, cloudletB]
const q = (text: string): URLSearchParams => new URLSearchParams(text)
const names = (body: Record<string, unknown>): unknown[] => (body.networks as Array<Record<string, unknown>>).map(n => n.name)

describe('mergeNetworkLists', () => {
  it('returns everything by id without a limit, each network once, and no links', () => {
    const body = mergeNetworkLists({ collection: 'networks', lists, query: q(''), collectionUrl: URL_BASE })
    assert.deepEqual(names(body), ['net-a', 'net-b', 'net-c'])
    assert.equal(body.networks_links, undefined)
  })

  it('sorts by sort_key/sort_dir pairs with id as the last key', () => {
    const body = mergeNetworkLists({ collection: 'networks', lists, query: q('sort_key=mtu&sort_dir=asc&sort_key=name&sort_dir=desc'), collectionUrl: URL_BASE })
    assert.deepEqual(names(body), ['net-c', 'net-b', 'net-a'])
  })

  it('pages with limit and marker, with absolute next and previous links pointing at the agent', () => {
    const first = mergeNetworkLists({ collection: 'networks', lists, query: q('limit=2'), collectionUrl: URL_BASE })
    assert.deepEqual(names(first), ['net-a', 'net-b'])
    assert.deepEqual(first.networks_links, [
      { rel: 'next', href: `${URL_BASE}?limit=2&marker=20000000-0000-0000-0000-000000000000` },
      { rel: 'previous', href: `${URL_BASE}?limit=2&marker=10000000-0000-0000-0000-000000000000&page_reverse=True` }
    ])
    const second = mergeNetworkLists({ collection: 'networks', lists, query: new URL((first.networks_links as Array<{ href: string }>)[0]?.href ?? '').searchParams, collectionUrl: URL_BASE })
    assert.deepEqual(names(second), ['net-c'])
    assert.deepEqual((second.networks_links as Array<{ rel: string }>).map(l => l.rel), ['previous'])
    const back = mergeNetworkLists({ collection: 'networks', lists, query: q('limit=2&marker=30000000-0000-0000-0000-000000000000&page_reverse=True'), collectionUrl: URL_BASE })
    assert.deepEqual(names(back), ['net-a', 'net-b'])
  })

  it('answers an unknown marker with the collection\'s NotFound', () => {
    assert.throws(() => mergeNetworkLists({ collection: 'security-groups', lists: [], query: q('limit=1&marker=sg9'), collectionUrl: URL_BASE }),
      (e: unknown) => e instanceof OpenStackFault && e.status === 404 && e.type === 'SecurityGroupNotFound' && e.message === 'Security group sg9 does not exist')
  })

  it('uses the body key with underscores and projects fields after merging', () => {
    const rules = [[{ id: 'r2', direction: 'ingress' }], [{ id: 'r1', direction: 'egress' }]]
    const body = mergeNetworkLists({ collection: 'security-group-rules', lists: rules, query: q('fields=direction'), collectionUrl: URL_BASE })
    assert.deepEqual(body, { security_group_rules: [{ direction: 'egress' }, { direction: 'ingress' }] })
  })

  it('refuses a bad limit and unpaired sort keys as Neutron does', () => {
    assert.throws(() => mergeNetworkLists({ collection: 'ports', lists: [], query: q('limit=-1'), collectionUrl: URL_BASE }),
      (e: unknown) => e instanceof OpenStackFault && e.status === 400 && e.message === "Bad limit request: Limit must be an integer 0 or greater and not '-1'.")
    assert.throws(() => mergeNetworkLists({ collection: 'ports', lists: [], query: q('sort_key=name'), collectionUrl: URL_BASE }),
      /The number of sort_keys and sort_dirs must be same/)
  })
})

describe('networkFanOutQuery', () => {
  it('keeps filters and sorting, drops paging and fields', () => {
    assert.equal(networkFanOutQuery(q('name=a&limit=2&marker=m&page_reverse=True&fields=id&sort_key=name&sort_dir=asc')).toString(), 'name=a&sort_key=name&sort_dir=asc')
  })
})
