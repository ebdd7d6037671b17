/**
 * GET /v2/images on the emulated Glance: pagination with relative next links followed to the
 * end, every filter with its operators, sorting in both syntaxes, and Glance's 400s.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const OCTETS = { 'content-type': 'application/octet-stream' }

async function createImage (c: TestCloudlet, token: string, fields: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await c.call('POST', '/image/v2/images', { token, json: { name: 'img', disk_format: 'raw', container_format: 'bare', ...fields } })
  assert.equal(r.status, 201, r.text)
  return r.json()
}

async function upload (c: TestCloudlet, token: string, id: string, bytes: Uint8Array): Promise<void> {
  const r = await c.call('PUT', `/image/v2/images/${id}/file`, { token, body: bytes, headers: OCTETS })
  assert.equal(r.status, 204, r.text)
}

/** Follows `next` links as openstacksdk does (relative to the versioned endpoint). */
async function listAll (c: TestCloudlet, token: string, query: string): Promise<{ ids: string[], pages: number }> {
  const ids: string[] = []
  let path: string | undefined = `/v2/images${query}`
  let pages = 0
  while (path !== undefined) {
    const r = await c.call('GET', `/image${path}`, { token })
    assert.equal(r.status, 200, r.text)
    const body = r.json()
    ids.push(...body.images.map((i: { id: string }) => i.id))
    pages++
    path = body.next
    assert.ok(pages < 50)
  }
  return { ids, pages }
}

describe('GET /v2/images pagination', () => {
  it('pages 25 at a time by default with relative first/next links, next absent on the last page', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const created: string[] = []
    for (let i = 0; i < 27; i++) {
      created.push((await createImage(c, admin, { name: `img-${i}` })).id)
      c.clock.advanceBy(1000)
    }
    const first = await c.call('GET', '/image/v2/images', { token: admin })
    const body = first.json()
    assert.equal(body.images.length, 25)
    assert.equal(body.first, '/v2/images')
    assert.equal(body.schema, '/v2/schemas/images')
    assert.equal(body.next, `/v2/images?marker=${body.images[24].id as string}`)
    assert.equal(body.images[0].id, created[26], 'newest first')
    const all = await listAll(c, admin, '')
    assert.equal(all.pages, 2)
    assert.deepEqual(all.ids, [...created].reverse())
  })

  it('follows next links to the end with a small limit, keeping the other parameters', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const created: string[] = []
    for (let i = 0; i < 7; i++) {
      created.push((await createImage(c, admin, { name: `n${i}` })).id)
      c.clock.advanceBy(1000)
    }
    const r = await c.call('GET', '/image/v2/images?limit=3&sort_key=name&sort_dir=asc', { token: admin })
    assert.equal(r.json().first, '/v2/images?limit=3&sort_key=name&sort_dir=asc')
    assert.match(r.json().next, /^\/v2\/images\?limit=3&sort_key=name&sort_dir=asc&marker=[0-9a-f-]{36}$/)
    const all = await listAll(c, admin, '?limit=3&sort_key=name&sort_dir=asc')
    assert.deepEqual(all.ids, created)
    assert.equal(all.pages, 3)
  })

  it('gives a full last page a next link that leads to an empty page without one', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    for (let i = 0; i < 4; i++) await createImage(c, admin)
    const all = await listAll(c, admin, '?limit=2')
    assert.equal(all.ids.length, 4)
    assert.equal(all.pages, 3)
  })

  it('answers 400 for an unknown marker and caps the limit at 1000', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('GET', '/image/v2/images?marker=8d3bb5a5-ad07-4e3e-9f7a-39ff7e8a1d3c', { token: admin, headers: { accept: 'application/json' } })
    assert.equal(r.status, 400)
    assert.equal(r.json().message, 'No image found with ID 8d3bb5a5-ad07-4e3e-9f7a-39ff7e8a1d3c<br /><br />\n\n\n')
    assert.equal((await c.call('GET', '/image/v2/images?limit=5000', { token: admin })).status, 200)
    assert.equal((await c.call('GET', '/image/v2/images?limit=-1', { token: admin })).status, 400)
    assert.equal((await c.call('GET', '/image/v2/images?limit=abc', { token: admin })).status, 400)
  })
})

describe('GET /v2/images filters and sorting', () => {
  async function fixture (): Promise<{ c: TestCloudlet, admin: string, ids: Record<string, string> }> {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const alice = await c.member('alice')
    const ids: Record<string, string> = {}
    const make = async (key: string, fields: Record<string, unknown>, bytes?: number, token = admin): Promise<void> => {
      const image = await createImage(c, token, { name: key, ...fields })
      ids[key] = image.id as string
      if (bytes !== undefined) await upload(c, token, image.id as string, new Uint8Array(bytes).fill(1))
      c.clock.advanceBy(10_000)
    }
    await make('small', { tags: ['x86', 'prod'], hw_disk_bus: 'scsi', visibility: 'public' }, 100)
    await make('large', { tags: ['x86'], disk_format: 'qcow2', protected: true }, 5000)
    await make('hidden', { os_hidden: true }, 10)
    await make('empty', { container_format: 'ovf', visibility: 'private' })
    await make('comm', { visibility: 'community' }, undefined, alice.token)
    return { c, admin, ids }
  }

  const names = async (c: TestCloudlet, token: string, query: string): Promise<string[]> => {
    const r = await c.call('GET', `/image/v2/images${query}`, { token })
    assert.equal(r.status, 200, `${query}: ${r.text}`)
    return r.json().images.map((i: { name: string }) => i.name).sort()
  }

  it('filters by name, status, visibility, owner, tags, size, protected, os_hidden, formats and properties', async () => {
    const { c, admin } = await fixture()
    assert.deepEqual(await names(c, admin, ''), ['empty', 'large', 'small'], 'neither hidden images nor community images of others')
    assert.deepEqual(await names(c, admin, '?name=large'), ['large'])
    assert.deepEqual(await names(c, admin, '?name=in:large,small'), ['large', 'small'])
    assert.deepEqual(await names(c, admin, '?status=queued'), ['empty'])
    assert.deepEqual(await names(c, admin, '?status=active'), ['large', 'small'])
    assert.deepEqual(await names(c, admin, '?visibility=public'), ['small'])
    assert.deepEqual(await names(c, admin, '?visibility=community'), ['comm'])
    assert.deepEqual(await names(c, admin, '?visibility=all'), ['comm', 'empty', 'large', 'small'])
    assert.deepEqual(await names(c, admin, '?tag=x86'), ['large', 'small'])
    assert.deepEqual(await names(c, admin, '?tag=x86&tag=prod'), ['small'])
    assert.deepEqual(await names(c, admin, '?size_min=101'), ['large'])
    assert.deepEqual(await names(c, admin, '?size_max=100'), ['small'])
    assert.deepEqual(await names(c, admin, '?size_min=50&size_max=6000'), ['large', 'small'])
    assert.deepEqual(await names(c, admin, '?protected=true'), ['large'])
    assert.deepEqual(await names(c, admin, '?protected=false'), ['empty', 'small'])
    assert.deepEqual(await names(c, admin, '?os_hidden=true'), ['hidden'])
    assert.deepEqual(await names(c, admin, '?disk_format=qcow2'), ['large'])
    assert.deepEqual(await names(c, admin, '?container_format=ovf'), ['empty'])
    assert.deepEqual(await names(c, admin, '?hw_disk_bus=scsi'), ['small'])
    assert.deepEqual(await names(c, admin, '?member_status=all'), ['empty', 'large', 'small'])
    const shown = await c.call('GET', '/image/v2/images?name=small', { token: admin })
    const owner = shown.json().images[0].owner as string
    assert.deepEqual(await names(c, admin, `?owner=${owner}`), ['empty', 'large', 'small'])
    assert.deepEqual(await names(c, admin, '?owner=nobody'), [])
  })

  it('filters created_at and updated_at with gte/lte/gt/lt/eq/neq operators', async () => {
    const { c, admin } = await fixture()
    // The fixture created its images 10 s apart from 2026-01-01T00:00:00Z.
    assert.deepEqual(await names(c, admin, '?created_at=gte:2026-01-01T00:00:10Z'), ['empty', 'large'])
    assert.deepEqual(await names(c, admin, '?created_at=lt:2026-01-01T00:00:10Z'), ['small'])
    assert.deepEqual(await names(c, admin, '?created_at=2026-01-01T00:00:30Z'), ['empty'])
    assert.deepEqual(await names(c, admin, '?created_at=eq:2026-01-01T00:00:30Z'), ['empty'])
    assert.deepEqual(await names(c, admin, '?created_at=neq:2026-01-01T00:00:30Z'), ['large', 'small'])
    assert.deepEqual(await names(c, admin, '?updated_at=lte:2026-01-01T00:00:10Z'), ['large', 'small'])
    assert.deepEqual(await names(c, admin, '?created_at=gt:2026-01-01T00:00:10Z'), ['empty'])
    const bad = await c.call('GET', '/image/v2/images?created_at=gte:yesterday', { token: admin })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Bad "created_at" query filter format\. Use ISO 8601 DateTime notation\./)
    const op = await c.call('GET', '/image/v2/images?created_at=around:2026-01-01T00:00:10Z', { token: admin })
    assert.equal(op.status, 400)
  })

  it('sorts with sort_key/sort_dir and with sort=key:dir,…', async () => {
    const { c, admin } = await fixture()
    const order = async (query: string): Promise<string[]> =>
      (await c.call('GET', `/image/v2/images${query}`, { token: admin })).json().images.map((i: { name: string }) => i.name)
    assert.deepEqual(await order('?sort_key=name&sort_dir=asc'), ['empty', 'large', 'small'])
    assert.deepEqual(await order('?sort_key=name'), ['small', 'large', 'empty'])
    assert.deepEqual(await order('?sort=size:desc,name:asc'), ['large', 'small', 'empty'])
    assert.deepEqual(await order('?sort=size:asc'), ['empty', 'small', 'large'])
    assert.deepEqual(await order(''), ['empty', 'large', 'small'], 'default: created_at desc')
    for (const bad of ['?sort_key=owner', '?sort_dir=up', '?sort=name:asc&sort_key=name', '?sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc&sort_dir=asc']) {
      assert.equal((await c.call('GET', `/image/v2/images${bad}`, { token: admin })).status, 400, bad)
    }
  })

  it('answers 400 with Glance\'s words for bad filter values', async () => {
    const { c, admin } = await fixture()
    const cases: Array<[string, string]> = [
      ['?visibility=everyone', 'Invalid visibility value: everyone'],
      ['?member_status=maybe', 'Invalid status: maybe'],
      ['?os_hidden=yes', "Invalid value 'yes' for 'os_hidden' filter. Valid values are 'true' or 'false'."],
      ['?protected=1', "Invalid value '1' for 'protected' filter. Valid values are 'true' or 'false'."],
      ['?size_min=big', 'Unable to filter on a range with a non-numeric value.'],
      ['?name=like:foo', "Unable to filter by unknown operator 'like'."],
      ['?changes-since=2026-01-01T00:00:00Z', 'The "changes-since" filter is no longer available on v2.'],
      ['?name=in:"a,b', 'Invalid filter value "a,b. The quote is not closed.']
    ]
    for (const [query, message] of cases) {
      const r = await c.call('GET', `/image/v2/images${query}`, { token: admin, headers: { accept: 'application/json' } })
      assert.equal(r.status, 400, query)
      assert.equal(r.json().message, `${message}<br /><br />\n\n\n`, query)
    }
  })
})

