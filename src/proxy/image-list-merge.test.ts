import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { OpenStackFault } from '../openstack/faults.ts'
import { imageFanOutQuery, mergeImageLists } from './image-list-merge.ts'

const image = (id: string, name: string | null, created: string, size: number | null = null): Record<string, unknown> => ({
  id, name, status: 'active', visibility: 'public', container_format: 'bare', disk_format: 'qcow2', size, min_ram: 0, min_disk: 0,
  protected: false, os_hidden: false, tags: [], created_at: created, updated_at: created, self: `/v2/images/${id}`, file: `/v2/images/${id}/file`, schema: '/v2/schemas/image'
})

const cloudletA = [image('i1', 'cirros', '2026-11-25T10:00:00Z', 100), image('i3', 'ubuntu', '2026-11-25T12:00:00Z', 300)]
const cloudletB = [image('i2', null, '2026-11-25T11:00:00Z'), image('i3', 'ubuntu', '2026-11-25T12:00:00Z', 300)]
const lists = [cloudletA, cloudletB]
const q = (text: string): URLSearchParams => new URLSearchParams(text)
const ids = (body: { images: ReadonlyArray<Record<string, unknown>> }): unknown[] => body.images.map(i => i.id)

describe('mergeImageLists', () => {
  it('orders by created_at desc by default, each image once, with first and schema and no next on a short page', () => {
    const body = mergeImageLists({ lists, query: q('') })
    assert.deepEqual(ids(body), ['i3', 'i2', 'i1'])
    assert.equal(body.first, '/v2/images')
    assert.equal(body.schema, '/v2/schemas/images')
    assert.equal(body.next, undefined)
  })

  it('pages with relative next links that lead through every image once', () => {
    const seen: unknown[] = []
    let query = q('limit=2&sort_key=name&sort_dir=asc')
    for (let n = 0; n < 5; n++) {
      const body = mergeImageLists({ lists, query })
      seen.push(...ids(body))
      if (body.next === undefined) break
      assert.match(body.next, /^\/v2\/images\?limit=2&sort_key=name&sort_dir=asc&marker=/)
      query = new URL(body.next, 'http://x').searchParams
    }
    // null names first in ascending order, as Glance's database sorts them.
    assert.deepEqual(seen, ['i2', 'i1', 'i3'])
  })

  it('reads the new sort syntax and keeps the query in first', () => {
    const body = mergeImageLists({ lists, query: q('sort=size:asc&marker=i2') })
    assert.deepEqual(ids(body), ['i1', 'i3'])
    assert.equal(body.first, '/v2/images?sort=size%3Aasc')
  })

  it("answers an unknown marker and bad sorting with Glance's 400s", () => {
    assert.throws(() => mergeImageLists({ lists, query: q('marker=nope') }),
      (e: unknown) => e instanceof OpenStackFault && e.status === 400 && e.message === 'No image found with ID nope')
    assert.throws(() => mergeImageLists({ lists, query: q('sort_key=owner') }), /Invalid sort key: owner/)
  })

  it('pages after a marker the filters exclude when the caller found it', () => {
    const body = mergeImageLists({ lists, query: q('marker=i9'), markerImage: image('i9', 'x', '2026-11-25T11:30:00Z') })
    assert.deepEqual(ids(body), ['i2', 'i1'])
  })
})

describe('imageFanOutQuery', () => {
  it('asks for the largest page and no marker', () => {
    assert.equal(imageFanOutQuery(q('limit=2&marker=m&name=cirros')).toString(), 'name=cirros&limit=1000')
  })
})
