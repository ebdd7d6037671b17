/**
 * The generic collection semantics on plain items: filters, sorting, and native pagination
 * with the links neutron.api.api_common builds, walked forwards and backwards.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OpenStackFault } from '../faults.ts'
import { paginationLinks, parseListQuery, projectFields, selectPage } from './collection-query.ts'
import type { WireItem } from './collection-query.ts'
import { NETWORK_ATTRIBUTES } from './schemas.ts'

const items: WireItem[] = ['e', 'b', 'd', 'a', 'c'].map((id, i) => ({ id, name: `n${i % 2}`, admin_state_up: i !== 2, tags: i === 0 ? ['red', 'blue'] : ['red'] }))
const BASE = 'http://cloudlet.test/networking/v2.0/networks'

function page (query: string, marker: WireItem | null = null): { ids: string[], links: Array<{ rel: string, href: string }> } {
  const params = new URLSearchParams(query)
  const parsed = parseListQuery(params, NETWORK_ATTRIBUTES)
  const rows = selectPage(items, parsed, marker)
  return { ids: rows.map(r => String(r.id)), links: paginationLinks(BASE, params, rows, parsed) }
}

describe('selectPage', () => {
  it('orders by id when no sort is asked and returns everything without a limit', () => {
    assert.deepEqual(page('').ids, ['a', 'b', 'c', 'd', 'e'])
    assert.deepEqual(page('').links, [])
    assert.deepEqual(page('page_reverse=True').ids, ['e', 'd', 'c', 'b', 'a'])
  })

  it('filters exactly, with repeated values as OR, booleans converted and tags matched', () => {
    assert.deepEqual(page('name=n1').ids, ['a', 'b'])
    assert.deepEqual(page('name=n1&name=n0').ids.length, 5)
    assert.deepEqual(page('admin_state_up=false').ids, ['d'])
    assert.deepEqual(page('tags=red,blue').ids, ['e'])
    assert.deepEqual(page('not-tags-any=blue').ids, ['a', 'b', 'c', 'd'])
  })

  it('sorts by several keys, id last', () => {
    assert.deepEqual(page('sort_key=name&sort_dir=asc&sort_key=id&sort_dir=desc').ids, ['e', 'd', 'c', 'b', 'a'])
    assert.deepEqual(page('sort_key=name&sort_dir=desc').ids, ['a', 'b', 'c', 'd', 'e'])
  })

  it('pages forward with next and previous links, the last short page having no next', () => {
    const first = page('limit=2')
    assert.deepEqual(first.ids, ['a', 'b'])
    assert.deepEqual(first.links, [
      { rel: 'next', href: `${BASE}?limit=2&marker=b` },
      { rel: 'previous', href: `${BASE}?limit=2&marker=a&page_reverse=True` }
    ])
    const third = page('limit=2&marker=d', items.find(i => i.id === 'd') as WireItem)
    assert.deepEqual(third.ids, ['e'])
    assert.deepEqual(third.links.map(l => l.rel), ['previous'])
  })

  it('pages backwards from a marker and keeps the page in forward order', () => {
    const back = page('limit=2&marker=d&page_reverse=True', items.find(i => i.id === 'd') as WireItem)
    assert.deepEqual(back.ids, ['b', 'c'])
    assert.deepEqual(back.links, [
      { rel: 'next', href: `${BASE}?limit=2&marker=c` },
      { rel: 'previous', href: `${BASE}?limit=2&marker=b&page_reverse=True` }
    ])
  })
})

describe('parseListQuery', () => {
  const fault = (query: string): string => {
    try {
      parseListQuery(new URLSearchParams(query), NETWORK_ATTRIBUTES)
    } catch (error) {
      if (error instanceof OpenStackFault) return `${error.type ?? ''}: ${error.message}`
      throw error
    }
    return 'no fault'
  }

  it('refuses unknown filters, sort keys, directions and limits with Neutron\'s words', () => {
    assert.equal(fault('colour=red'), "HTTPBadRequest: ['colour'] is invalid attribute for filtering")
    assert.equal(fault('sort_key=colour&sort_dir=asc'), "HTTPBadRequest: ['colour'] is invalid attribute for sort_keys")
    assert.equal(fault('sort_key=name'), 'HTTPBadRequest: The number of sort_keys and sort_dirs must be same')
    assert.equal(fault('sort_key=name&sort_dir=up'), "HTTPBadRequest: ['up'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'")
    assert.equal(fault('limit=-1'), "BadRequest: Bad limit request: Limit must be an integer 0 or greater and not '-1'.")
    assert.equal(fault('admin_state_up=perhaps'), "InvalidInput: Invalid input for operation: 'perhaps' cannot be converted to boolean.")
  })

  it('projects items to the requested fields', () => {
    const parsed = parseListQuery(new URLSearchParams('fields=id&fields=name&fields=nothing'), NETWORK_ATTRIBUTES)
    assert.deepEqual(projectFields(items[0] as WireItem, parsed.fields), { id: 'e', name: 'n0' })
  })
})
