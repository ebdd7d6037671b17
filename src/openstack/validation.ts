/**
 * Request validation with zod, and the problem it finds described the way OpenStack's
 * jsonschema-based validators describe it ("'name' is a required property", "Additional
 * properties are not allowed ('foo' was unexpected)"), so that clients and people see familiar
 * messages. Each service wraps the description in its own sentence and envelope.
 */
import type { z } from 'zod'

export interface ValidationProblem {
  /** Dotted path to the field at fault, e.g. 'server/networks' ('' for the body itself). */
  readonly path: string
  /** The offending value (undefined when the field is missing). */
  readonly value: unknown
  /** What is wrong, in jsonschema's words. */
  readonly detail: string
}

/** Parses `value` with `schema`; on failure returns the first problem, described. */
export function validate<T> (schema: z.ZodType<T>, value: unknown): { ok: true, value: T } | { ok: false, problem: ValidationProblem } {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return { ok: true, value: result.data }
  const issue = result.error.issues[0]
  if (issue === undefined) return { ok: false, problem: { path: '', value, detail: 'Invalid input' } }
  return { ok: false, problem: describe(issue as Issue, value) }
}

interface Issue {
  readonly code: string
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
  readonly input?: unknown
  readonly expected?: string
  readonly keys?: readonly string[]
  readonly minimum?: number | bigint
  readonly maximum?: number | bigint
  readonly origin?: string
  readonly values?: readonly unknown[]
  readonly format?: string
  readonly errors?: ReadonlyArray<ReadonlyArray<Issue>>
}

function describe (issue: Issue, root: unknown): ValidationProblem {
  const path = issue.path.map(String)
  const value = issue.input
  const field = path.join('/')
  const repr = JSON.stringify(value) ?? 'None'
  if (value === undefined && path.length > 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return { path: path.slice(0, -1).join('/'), value: valueAt(root, path.slice(0, -1)), detail: `'${path[path.length - 1]}' is a required property` }
  }
  switch (issue.code) {
    case 'invalid_type':
      return { path: field, value, detail: `${repr} is not of type '${jsonType(issue.expected)}'` }
    case 'unrecognized_keys':
      return { path: field, value, detail: `Additional properties are not allowed (${(issue.keys ?? []).map(k => `'${k}'`).join(', ')} ${issue.keys?.length === 1 ? 'was' : 'were'} unexpected)` }
    case 'too_small':
      if (issue.origin === 'string') return { path: field, value, detail: `${repr} is too short` }
      if (issue.origin === 'array') return { path: field, value, detail: `${repr} is too short` }
      return { path: field, value, detail: `${repr} is less than the minimum of ${String(issue.minimum)}` }
    case 'too_big':
      if (issue.origin === 'string' || issue.origin === 'array') return { path: field, value, detail: `${repr} is too long` }
      return { path: field, value, detail: `${repr} is greater than the maximum of ${String(issue.maximum)}` }
    case 'invalid_value':
      return { path: field, value, detail: `${repr} is not one of ${JSON.stringify(issue.values ?? [])}` }
    case 'invalid_format':
      return { path: field, value, detail: `${repr} is not a '${issue.format ?? 'valid'}'` }
    case 'invalid_union':
      return { path: field, value, detail: `${repr} is not valid under any of the given schemas` }
    default:
      return { path: field, value, detail: issue.message }
  }
}

function jsonType (expected: string | undefined): string {
  switch (expected) {
    case 'int': return 'integer'
    case 'record': return 'object'
    default: return expected ?? 'object'
  }
}

function valueAt (root: unknown, path: readonly string[]): unknown {
  let node = root
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}
