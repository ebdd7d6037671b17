/**
 * GET /v2/images query parsing: sorting in both syntaxes, the filters and their operators,
 * and Glance's 400s.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BadRequest } from '../faults.ts'
import { parseImageListQuery, splitFilterOperator, splitQuotedList } from './list-query.ts'

const parse = (query: string) => parseImageListQuery(new URLSearchParams(query))

describe('parseImageListQuery', () => {
  it('defaults to 25 images, created_at desc then id, accepted members, no hidden images', () => {
    const q = parse('')
    assert.equal(q.limit, 25)
    assert.equal(q.marker, null)
    assert.equal(q.memberStatus, 'accepted')
    assert.equal(q.osHidden, false)
    assert.deepEqual(q.sort, [{ key: 'created_at', dir: 'desc' }, { key: 'id', dir: 'desc' }])
  })

  it('reads classic and new sorting, applying a single direction to every key', () => {
    assert.deepEqual(parse('sort_key=name&sort_key=size&sort_dir=asc').sort,
      [{ key: 'name', dir: 'asc' }, { key: 'size', dir: 'asc' }, { key: 'created_at', dir: 'asc' }, { key: 'id', dir: 'asc' }])
    assert.deepEqual(parse('sort=name:asc,size').sort,
      [{ key: 'name', dir: 'asc' }, { key: 'size', dir: 'desc' }, { key: 'created_at', dir: 'desc' }, { key: 'id', dir: 'desc' }])
  })

  it('turns the other parameters into filters', () => {
    const q = parse('name=in:a,"b,c"&size_min=10&created_at=gte:2026-01-01T00:00:00Z&hw_disk_bus=scsi&owner=p1&tag=x&tag=y&limit=2000')
    assert.equal(q.limit, 1000)
    assert.deepEqual(q.tags, ['x', 'y'])
    assert.deepEqual(q.filters, [
      { kind: 'match', field: 'name', values: ['a', 'b,c'] },
      { kind: 'range', field: 'size', bound: 'min', value: 10 },
      { kind: 'time', field: 'created_at', op: 'gte', atMs: Date.UTC(2026, 0, 1) },
      { kind: 'property', key: 'hw_disk_bus', value: 'scsi' },
      { kind: 'column', field: 'owner', value: 'p1' }
    ])
  })

  it('answers Glance\'s 400s', () => {
    for (const query of ['limit=x', 'limit=-2', 'sort_key=owner', 'sort_dir=sideways', 'sort=name&sort_dir=asc', 'visibility=x', 'member_status=x', 'os_hidden=2', 'protected=maybe', 'size_max=x', 'status=foo:bar', 'updated_at=x:y']) {
      assert.throws(() => parse(query), BadRequest, query)
    }
  })
})

describe('filter operators', () => {
  it('keeps a bare ISO timestamp whole and splits an operator off anything else', () => {
    assert.deepEqual(splitFilterOperator('2026-01-01T10:00:00Z'), ['eq', '2026-01-01T10:00:00Z'])
    assert.deepEqual(splitFilterOperator('lt:2026-01-01T10:00:00Z'), ['lt', '2026-01-01T10:00:00Z'])
    assert.deepEqual(splitFilterOperator('plain'), ['eq', 'plain'])
  })

  it('splits quoted lists and refuses unbalanced quotes', () => {
    assert.deepEqual(splitQuotedList('a,b'), ['a', 'b'])
    assert.deepEqual(splitQuotedList('"a,b",c'), ['a,b', 'c'])
    assert.throws(() => splitQuotedList('a"b"'), /There is no comma before opening quotation mark/)
    assert.throws(() => splitQuotedList('"a"b'), /There is no comma after closing quotation mark/)
  })
})
