/**
 * The subset of JSON Schema (draft 4) that Glance's image, member and location schemas use —
 * type, enum, pattern, minLength/maxLength, properties, additionalProperties, required, items —
 * checked the way python-jsonschema does, and the first problem described in its words with
 * Python reprs ("1 is not of type 'null', 'string'"). Glance serves these schemas to clients
 * (GET /v2/schemas/image) and validates request bodies against the very same data, so here the
 * schema is data too and this checker reads it.
 */
import { pyRepr } from '../python-text.ts'

export interface JsonSchema {
  readonly type?: string | readonly string[]
  readonly enum?: readonly unknown[]
  readonly pattern?: string
  readonly minLength?: number
  readonly maxLength?: number
  readonly items?: JsonSchema
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly additionalProperties?: boolean | JsonSchema
  readonly required?: readonly string[]
  readonly [annotation: string]: unknown
}

interface Problem {
  readonly depth: number
  readonly message: string
}

/**
 * The problem python-jsonschema's best_match() would report for `instance`, or null if it is
 * valid: the shallowest error, and among equally deep ones the first in schema order.
 */
export function firstSchemaProblem (instance: unknown, schema: JsonSchema): string | null {
  const problems: Problem[] = []
  collect(instance, schema, 0, problems)
  let best: Problem | null = null
  for (const problem of problems) if (best === null || problem.depth < best.depth) best = problem
  return best?.message ?? null
}

function collect (instance: unknown, schema: JsonSchema, depth: number, out: Problem[]): void {
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type
    if (!types.some(t => isOfType(instance, t))) {
      out.push({ depth, message: `${pyRepr(instance)} is not of type ${types.map(t => `'${t}'`).join(', ')}` })
    }
  }
  if (schema.enum !== undefined && !schema.enum.some(v => deepEqual(v, instance))) {
    out.push({ depth, message: `${pyRepr(instance)} is not one of ${pyRepr(schema.enum)}` })
  }
  if (typeof instance === 'string') {
    const length = [...instance].length
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(instance)) {
      out.push({ depth, message: `${pyRepr(instance)} does not match ${pyRepr(schema.pattern)}` })
    }
    if (schema.minLength !== undefined && length < schema.minLength) out.push({ depth, message: `${pyRepr(instance)} is too short` })
    if (schema.maxLength !== undefined && length > schema.maxLength) out.push({ depth, message: `${pyRepr(instance)} is too long` })
  }
  if (Array.isArray(instance) && schema.items !== undefined) {
    for (const item of instance) collect(item, schema.items, depth + 1, out)
  }
  if (isObject(instance)) {
    for (const name of schema.required ?? []) {
      if (!(name in instance)) out.push({ depth, message: `${pyRepr(name)} is a required property` })
    }
    const properties = schema.properties ?? {}
    for (const [name, propertySchema] of Object.entries(properties)) {
      if (name in instance) collect(instance[name], propertySchema, depth + 1, out)
    }
    const additional = schema.additionalProperties
    if (additional !== undefined && additional !== true) {
      const extras = Object.keys(instance).filter(k => !(k in properties))
      if (additional === false) {
        if (extras.length > 0) {
          out.push({ depth, message: `Additional properties are not allowed (${extras.map(pyRepr).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)` })
        }
      } else {
        for (const extra of extras) collect(instance[extra], additional, depth + 1, out)
      }
    }
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function isOfType (value: unknown, type: string): boolean {
  switch (type) {
    case 'string': return typeof value === 'string'
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'number': return typeof value === 'number'
    case 'boolean': return typeof value === 'boolean'
    case 'null': return value === null
    case 'array': return Array.isArray(value)
    case 'object': return isObject(value)
    default: return true
  }
}

function deepEqual (a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every(k => k in b && deepEqual(a[k], b[k]))
  }
  return false
}
