/**
 * Bad requests to the emulated Glance: each gets the status and the webob body Glance gives
 * (HTML, JSON or plain text after Accept) and changes nothing — malformed JSON, wrong types,
 * read-only and reserved attributes, unknown ids, routes and methods, oversized bodies,
 * missing or invalid tokens.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const JSON_ACCEPT = { accept: 'application/json' }

async function imageCount (c: TestCloudlet, token: string): Promise<number> {
  return (await c.call('GET', '/image/v2/images?visibility=all&limit=1000', { token })).json().images.length
}

describe('image faults', () => {
  it('answers 400 for malformed JSON, a non-object body and a missing body, creating nothing', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const cases: Array<[string | undefined, string]> = [
      ['{"name": ', 'Malformed JSON in request body.'],
      ['"just a string"', 'Unexpected body type. Expected list/dict.'],
      [undefined, 'Body expected in request.']
    ]
    for (const [body, message] of cases) {
      const r = await c.call('POST', '/image/v2/images', { token: admin, headers: { ...JSON_ACCEPT, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body }) })
      assert.equal(r.status, 400, String(body))
      assert.equal(r.headers['content-type'], 'application/json')
      assert.deepEqual(r.json(), { message: `${message}<br /><br />\n\n\n`, code: '400 Bad Request', title: 'Bad Request' })
    }
    assert.equal(await imageCount(c, admin), 0)
  })

  it('answers 400 in jsonschema\'s words for wrong types and values', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const cases: Array<[Record<string, unknown> | unknown[], string]> = [
      [{ name: 5 }, "5 is not of type 'null', 'string'"],
      [{ min_ram: '512' }, "'512' is not of type 'integer'"],
      [{ protected: 'yes' }, "'yes' is not of type 'boolean'"],
      [{ disk_format: 'floppy' }, "'floppy' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']"],
      [{ visibility: 'world' }, "'world' is not one of ['community', 'public', 'private', 'shared']"],
      [{ id: 'not-a-uuid' }, "'not-a-uuid' does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'"],
      [{ name: 'x'.repeat(256) }, `'${'x'.repeat(256)}' is too long`],
      [{ tags: 'a' }, "'a' is not of type 'array'"],
      [{ hw_disk_bus: true }, "True is not of type 'string'"]
    ]
    for (const [body, problem] of cases) {
      const r = await c.call('POST', '/image/v2/images', { token: admin, headers: JSON_ACCEPT, json: body })
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.equal(r.json().message, `Provided object does not match schema 'image': ${problem}<br /><br />\n\n\n`)
    }
    // The image schema has no "type": "object", so Glance's deserializer breaks on a list: a 500.
    assert.equal((await c.call('POST', '/image/v2/images', { token: admin, json: ['name'] })).status, 500)
    assert.equal(await imageCount(c, admin), 0)
  })

  it('answers 403 for read-only and reserved attributes on create, creating nothing', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ self: '/x' }, "Attribute 'self' is read-only."],
      [{ stores: 'file' }, "Attribute 'stores' is read-only."],
      [{ status: 'active' }, "Attribute 'status' is read-only."],
      [{ size: 10 }, "Attribute 'size' is read-only."],
      [{ locations: [] }, "Attribute 'locations' is reserved."]
    ]
    for (const [body, message] of cases) {
      const r = await c.call('POST', '/image/v2/images', { token: admin, headers: JSON_ACCEPT, json: { name: 'x', ...body } })
      assert.equal(r.status, 403, JSON.stringify(body))
      assert.equal(r.json().message, `${message}<br /><br />\n\n\n`)
    }
    // Glance passes these as webob's detail, under the standard explanation.
    for (const key of ['deleted', 'location', 'os_glance_anything']) {
      const r = await c.call('POST', '/image/v2/images', { token: admin, json: { name: 'x', [key]: 'v' } })
      assert.equal(r.status, 403, key)
      assert.equal(r.text, `403 Forbidden\n\nAccess was denied to this resource.\n\n Attribute '${key}' is reserved.  `)
    }
    const negative = await c.call('POST', '/image/v2/images', { token: admin, json: { min_disk: -1 } })
    assert.equal(negative.status, 400)
    assert.match(negative.text, /Invalid value '-1' for parameter 'min_disk': Cannot be a negative value/)
    const longKey = await c.call('POST', '/image/v2/images', { token: admin, json: { ['k'.repeat(256)]: 'v' } })
    assert.equal(longKey.status, 400)
    assert.match(longKey.text, /Custom property should not be greater than 255 characters\./)
    assert.equal(await imageCount(c, admin), 0)
  })

  it('answers 413 past 128 extra properties or 128 tags', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const properties = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, 'v']))
    const r = await c.call('POST', '/image/v2/images', { token: admin, json: properties })
    assert.equal(r.status, 413)
    assert.match(r.text, /The limit has been exceeded on the number of allowed image properties\. Attempted: 129, Maximum: 128/)
    const tags = await c.call('POST', '/image/v2/images', { token: admin, json: { tags: Array.from({ length: 129 }, (_, i) => `t${i}`) } })
    assert.equal(tags.status, 413)
    assert.equal(await imageCount(c, admin), 0)
  })

  it('answers 413 "Request is too large." for a JSON body over 114688 bytes, before reading it', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('POST', '/image/v2/images', { token: admin, json: { name: 'x', big: 'y'.repeat(120_000) } })
    assert.equal(r.status, 413)
    assert.equal(r.text, '413 Request Entity Too Large\n\nRequest is too large.\n\n   ')
    assert.equal(await imageCount(c, admin), 0)
  })

  it('answers 404 for unknown ids on every image route, and for unknown routes', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const id = '4f1c3bd9-2f6d-4ac3-a5b5-4b9c0f6c1e01'
    const calls: Array<[string, string, Record<string, string>?, string?]> = [
      ['GET', `/image/v2/images/${id}`],
      ['DELETE', `/image/v2/images/${id}`],
      ['PATCH', `/image/v2/images/${id}`, { 'content-type': 'application/openstack-images-v2.1-json-patch' }, '[]'],
      ['GET', `/image/v2/images/${id}/file`],
      ['PUT', `/image/v2/images/${id}/file`, { 'content-type': 'application/octet-stream' }, 'x'],
      ['PUT', `/image/v2/images/${id}/stage`, { 'content-type': 'application/octet-stream' }, 'x'],
      ['POST', `/image/v2/images/${id}/import`, {}, '{"method": {"name": "glance-direct"}}'],
      ['POST', `/image/v2/images/${id}/actions/deactivate`],
      ['PUT', `/image/v2/images/${id}/tags/x`],
      ['GET', `/image/v2/images/${id}/members`],
      ['GET', `/image/v2/images/${id}/locations`],
      ['GET', '/image/v2/no-such-thing'],
      ['GET', '/image/v2/images/x/y/z']
    ]
    for (const [method, path, headers, body] of calls) {
      const r = await c.call(method, path, { token: admin, headers: headers ?? {}, ...(body === undefined ? {} : { body }) })
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`)
      assert.match(r.headers['content-type'] ?? '', /^text\/plain; charset=UTF-8$/)
    }
  })

  it('answers 405 with Allow for a known path and another method', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('PUT', '/image/v2/images', { token: admin, headers: JSON_ACCEPT })
    assert.equal(r.status, 405)
    assert.equal(r.headers.allow, 'GET, POST')
    assert.deepEqual(r.json(), { message: 'The method PUT is not allowed for this resource. <br /><br />\n', code: '405 Method Not Allowed', title: 'Method Not Allowed' })
    assert.equal((await c.call('POST', '/image/v2/images/4f1c3bd9-2f6d-4ac3-a5b5-4b9c0f6c1e01/file', { token: admin })).status, 405)
  })

  it('answers 401 as webob does, naming Keystone, for a missing or bad token', async () => {
    const c = await makeTestCloudlet()
    for (const headers of [{}, { 'x-auth-token': 'nonsense' }]) {
      const r = await c.call('GET', '/image/v2/images', { headers })
      assert.equal(r.status, 401)
      assert.equal(r.headers['www-authenticate'], 'Keystone uri="http://cloudlet.test/identity"')
      assert.match(r.text, /^401 Unauthorized\n\nThis server could not verify that you are authorized to access the document you requested\./)
    }
  })

  it('renders HTML when any type is accepted, as webob prefers text/html on a tie', async () => {
    const c = await makeTestCloudlet()
    const admin = await c.token()
    const r = await c.call('GET', '/image/v2/images/nope', { token: admin, headers: { accept: '*/*' } })
    assert.equal(r.status, 404)
    assert.equal(r.headers['content-type'], 'text/html; charset=UTF-8')
    assert.equal(r.text, '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID nope<br /><br />\n\n\n\n </body>\n</html>')
  })
})
