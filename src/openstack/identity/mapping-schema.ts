/**
 * Keystone's mapping schema (keystone.federation.utils.MAPPING_SCHEMA, Zed) as data, and the
 * small part of a Draft 4 JSON Schema validator it needs. Keystone reports every problem
 * jsonschema finds, sorted, one per line, in jsonschema's words ("'remote' is a required
 * property"), as the message of a 400; validateMapping() returns those lines.
 */
import { pyRepr } from '../python-text.ts'

type Schema = boolean | { readonly [keyword: string]: unknown }

const domain = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' } },
  additionalProperties: false
}

const ROLE_PROPERTIES = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name'],
    // Keystone's schema has "additionalProperties" inside "properties" (a long-standing slip), so a
    // role may carry any other key, and one named "additionalProperties" matches no value at all.
    properties: { name: { type: 'string' }, additionalProperties: false }
  }
}

const DEFINITIONS: Readonly<Record<string, Schema>> = {
  empty: { type: 'object', required: ['type'], properties: { type: { type: 'string' } }, additionalProperties: false },
  any_one_of: filterRule('any_one_of'),
  not_any_of: filterRule('not_any_of'),
  blacklist: filterRule('blacklist'),
  whitelist: filterRule('whitelist'),
  domain,
  group_by_id: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false, required: ['id'] },
  group_by_name: {
    type: 'object',
    properties: { name: { type: 'string' }, domain: { $ref: '#/definitions/domain' } },
    additionalProperties: false,
    required: ['name', 'domain']
  }
}

function filterRule (name: string): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['type', name],
    properties: { type: { type: 'string' }, [name]: { type: 'array' }, regex: { type: 'boolean' } }
  }
}

export const MAPPING_SCHEMA: Schema = {
  type: 'object',
  required: ['rules'],
  properties: {
    rules: {
      minItems: 1,
      type: 'array',
      items: {
        type: 'object',
        required: ['local', 'remote'],
        additionalProperties: false,
        properties: {
          local: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                user: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    email: { type: 'string' },
                    domain: { $ref: '#/definitions/domain' },
                    type: { type: 'string', enum: ['ephemeral', 'local'] }
                  },
                  additionalProperties: false
                },
                projects: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'roles'],
                    additionalProperties: false,
                    properties: { name: { type: 'string' }, roles: ROLE_PROPERTIES }
                  }
                },
                group: { type: 'object', oneOf: [{ $ref: '#/definitions/group_by_id' }, { $ref: '#/definitions/group_by_name' }] },
                groups: { type: 'string' },
                group_ids: { type: 'string' },
                domain: { $ref: '#/definitions/domain' }
              }
            }
          },
          remote: {
            minItems: 1,
            type: 'array',
            items: {
              type: 'object',
              oneOf: ['empty', 'any_one_of', 'not_any_of', 'blacklist', 'whitelist'].map(name => ({ $ref: `#/definitions/${name}` }))
            }
          }
        }
      }
    }
  }
}

/** Every problem with a mapping body, in jsonschema's words, sorted; empty when it is valid. */
export function validateMapping (mapping: unknown): string[] {
  return errorsOf(mapping, MAPPING_SCHEMA).sort()
}

function errorsOf (instance: unknown, schema: Schema): string[] {
  if (schema === true) return []
  if (schema === false) return [`False schema does not allow ${pyRepr(instance)}`]
  const ref = schema.$ref
  if (typeof ref === 'string') return errorsOf(instance, resolve(ref))
  const errors: string[] = []
  const type = schema.type
  if (typeof type === 'string' && !isType(instance, type)) errors.push(`${pyRepr(instance)} is not of type ${pyRepr(type)}`)
  if (Array.isArray(schema.enum) && !schema.enum.some(v => v === instance)) {
    errors.push(`${pyRepr(instance)} is not one of ${pyRepr(schema.enum)}`)
  }
  if (isType(instance, 'object')) errors.push(...objectErrors(instance as Record<string, unknown>, schema))
  if (Array.isArray(instance)) {
    if (typeof schema.minItems === 'number' && instance.length < schema.minItems) errors.push(`${pyRepr(instance)} is too short`)
    const items = schema.items as Schema | undefined
    if (items !== undefined) for (const item of instance) errors.push(...errorsOf(item, items))
  }
  if (Array.isArray(schema.oneOf)) {
    const valid = (schema.oneOf as Schema[]).filter(sub => errorsOf(instance, sub).length === 0)
    if (valid.length === 0) errors.push(`${pyRepr(instance)} is not valid under any of the given schemas`)
    else if (valid.length > 1) errors.push(`${pyRepr(instance)} is valid under each of ${valid.map(pyRepr).join(', ')}`)
  }
  return errors
}

function objectErrors (instance: Record<string, unknown>, schema: { readonly [keyword: string]: unknown }): string[] {
  const errors: string[] = []
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  for (const [name, sub] of Object.entries(properties)) {
    if (Object.hasOwn(instance, name)) errors.push(...errorsOf(instance[name], sub))
  }
  if (schema.additionalProperties === false) {
    const extras = Object.keys(instance).filter(k => !Object.hasOwn(properties, k))
    if (extras.length > 0) {
      errors.push(`Additional properties are not allowed (${extras.map(pyRepr).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`)
    }
  }
  if (Array.isArray(schema.required)) {
    for (const name of schema.required as string[]) if (!Object.hasOwn(instance, name)) errors.push(`${pyRepr(name)} is a required property`)
  }
  return errors
}

function resolve (ref: string): Schema {
  const name = ref.replace('#/definitions/', '')
  const schema = DEFINITIONS[name]
  if (schema === undefined) throw new Error(`unknown schema reference ${ref}`)
  return schema
}

function isType (value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value)
    case 'array': return Array.isArray(value)
    case 'string': return typeof value === 'string'
    case 'boolean': return typeof value === 'boolean'
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'number': return typeof value === 'number'
    default: return true
  }
}
