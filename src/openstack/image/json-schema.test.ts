/**
 * The JSON-schema subset Glance's schemas use, with python-jsonschema's messages and Python
 * reprs, checked against the image schema Glance serves.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IMAGE_SCHEMA, schemaMismatch } from './image-schema.ts'
import { firstSchemaProblem } from './json-schema.ts'
import { pyRepr } from '../python-text.ts'

describe('firstSchemaProblem', () => {
  it('accepts a valid image and extra string properties', () => {
    assert.equal(firstSchemaProblem({ name: null, min_ram: 0, tags: ['a'], hw_disk_bus: 'scsi' }, IMAGE_SCHEMA), null)
  })

  it('reports the shallowest problem first, in schema order', () => {
    assert.equal(firstSchemaProblem({ tags: [1], name: 2 }, IMAGE_SCHEMA), "2 is not of type 'null', 'string'")
    assert.equal(firstSchemaProblem({ tags: [1] }, IMAGE_SCHEMA), "1 is not of type 'string'")
    assert.equal(firstSchemaProblem({ extra: { a: 1 } }, IMAGE_SCHEMA), "{'a': 1} is not of type 'string'")
    assert.equal(firstSchemaProblem({ a: 1 }, { properties: {}, additionalProperties: false }), "Additional properties are not allowed ('a' was unexpected)")
    assert.equal(firstSchemaProblem({}, { required: ['url'] }), "'url' is a required property")
  })

  it('names the schema in Glance\'s message', () => {
    assert.equal(schemaMismatch({ visibility: 'x' }, IMAGE_SCHEMA), "Provided object does not match schema 'image': 'x' is not one of ['community', 'public', 'private', 'shared']")
  })
})

describe('pyRepr', () => {
  it('prints values as Python does', () => {
    assert.equal(pyRepr(null), 'None')
    assert.equal(pyRepr(true), 'True')
    assert.equal(pyRepr("it's"), '"it\'s"')
    assert.equal(pyRepr('a\nb'), "'a\\nb'")
    assert.equal(pyRepr([1, 'x', { k: false }]), "[1, 'x', {'k': False}]")
  })
})
