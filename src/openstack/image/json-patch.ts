/**
 * PATCH /v2/images/{id} bodies: Glance's JSON-patch dialects (media type
 * application/openstack-images-v2.1-json-patch, and the older v2.0 one where the operation
 * name is the key), JSON pointers decoded and checked, one path segment per change except for
 * locations, values required except on remove, read-only and reserved attributes refused, and
 * each value checked against the image schema — all before anything is changed.
 */
import { BadRequest, Forbidden, UnsupportedMediaType } from '../faults.ts'
import { IMAGE_PROPERTIES, IMAGE_SCHEMA, schemaMismatch } from './image-schema.ts'

export type PatchOperation = 'add' | 'remove' | 'replace'

export interface ImageChange {
  readonly op: PatchOperation
  /** Decoded pointer segments: ['name'], ['locations', '-']. */
  readonly path: readonly string[]
  /** Absent for remove. */
  readonly value?: unknown
  /** 4 for the v2.0 media type (add fails on an existing attribute), 10 for v2.1. */
  readonly draft: 4 | 10
}

const MEDIA_TYPES: Readonly<Record<string, 4 | 10>> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10
}

const OPERATIONS: readonly PatchOperation[] = ['add', 'remove', 'replace']
const READ_ONLY: ReadonlySet<string> = new Set(['created_at', 'updated_at', 'status', 'checksum', 'size', 'virtual_size', 'direct_url', 'self', 'file', 'schema', 'id', 'os_hash_algo', 'os_hash_value'])
/** Attribute names no client may set, and the namespace Glance keeps for itself. */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set(['location', 'deleted', 'deleted_at'])
export const RESERVED_NAMESPACE = 'os_glance'
const DEPTH_LIMITS: Readonly<Record<string, Readonly<Record<PatchOperation, number>>>> = { locations: { add: 2, remove: 2, replace: 1 } }

/** The JSON-patch draft a Content-Type selects; 415 with Accept-Patch for any other. */
export function patchDraft (contentType: string | undefined): 4 | 10 {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim() ?? ''
  const draft = MEDIA_TYPES[mediaType]
  if (draft === undefined) {
    throw new UnsupportedMediaType('Unsupported media type', { headers: { 'accept-patch': Object.keys(MEDIA_TYPES).sort().join(', ') } })
  }
  return draft
}

export function parseImagePatch (body: unknown, draft: 4 | 10): ImageChange[] {
  if (!Array.isArray(body)) throw new BadRequest('Request body must be a JSON array of operation objects.')
  const changes: ImageChange[] = []
  for (const raw of body as unknown[]) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequest('Operations must be JSON objects.')
    const change = raw as Record<string, unknown>
    const [op, pointer] = draft === 10 ? draft10Operation(change) : draft4Operation(change)
    const path = decodePointer(pointer)
    const limit = DEPTH_LIMITS[path[0] as string]?.[op] ?? 1
    if (path.length !== limit) throw new BadRequest(`Invalid JSON pointer for this resource: '/${path.join('/')}'`)
    let parsed: ImageChange = { op, path, draft }
    if (op !== 'remove') {
      if (!Object.hasOwn(change, 'value')) throw new BadRequest(`Operation "${op}" requires a member named "value".`)
      parsed = { op, path, draft, value: change.value }
    }
    validateChange(parsed)
    changes.push(parsed)
  }
  return changes
}

function draft10Operation (change: Record<string, unknown>): [PatchOperation, string] {
  const op = change.op
  if (op === undefined) throw new BadRequest(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPERATIONS.join(', ')}.`)
  if (typeof op !== 'string' || !(OPERATIONS as readonly string[]).includes(op)) {
    throw new BadRequest(`Invalid operation: \`${String(op)}\`. It must be one of the following: ${OPERATIONS.join(', ')}.`)
  }
  if (!Object.hasOwn(change, 'path')) throw new BadRequest("Unable to find 'path' in JSON Schema change")
  return [op as PatchOperation, pointerText(change.path)]
}

function draft4Operation (change: Record<string, unknown>): [PatchOperation, string] {
  const present = OPERATIONS.filter(op => Object.hasOwn(change, op))
  if (present.length > 1) throw new BadRequest('Operation objects must contain only one member named "add", "remove", or "replace".')
  const op = present[0]
  if (op === undefined) throw new BadRequest('Operation objects must contain exactly one member named "add", "remove", or "replace".')
  return [op, pointerText(change[op])]
}

function pointerText (value: unknown): string {
  if (typeof value !== 'string') throw new BadRequest(`Pointer \`${String(value)}\` does not start with "/".`)
  return value
}

/** Glance's limited JSON pointers: '/a' or '/a/b', '~1' for '/', '~0' for '~'. */
function decodePointer (pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new BadRequest(`Pointer \`${pointer}\` does not start with "/".`)
  if (/\/\s*?\//.test(pointer.slice(1))) throw new BadRequest(`Pointer \`${pointer}\` contains adjacent "/".`)
  if (pointer.length > 1 && pointer.endsWith('/')) throw new BadRequest(`Pointer \`${pointer}\` end with "/".`)
  if (pointer.slice(1).trim() === '/') throw new BadRequest(`Pointer \`${pointer}\` does not contains valid token.`)
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) throw new BadRequest(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`)
  return pointer.replace(/^\/+/, '').split('/').map(part => part.replace(/~1/g, '/').replace(/~0/g, '~').trim())
}

function validateChange (change: ImageChange): void {
  const root = change.path[0] as string
  if (READ_ONLY.has(root)) throw new Forbidden(`Attribute '${root}' is read-only.`)
  if (RESERVED_ATTRIBUTES.has(root) || root.startsWith(RESERVED_NAMESPACE)) throw new Forbidden(`Attribute '${root}' is reserved.`)
  if (change.op === 'remove') return
  let partial: Record<string, unknown> | null = null
  if (change.path.length === 1) partial = { [root]: change.value }
  else if (IMAGE_PROPERTIES[root]?.type === 'array') partial = { [root]: [change.value] }
  if (partial !== null) {
    const problem = schemaMismatch(partial, IMAGE_SCHEMA)
    if (problem !== null) throw new BadRequest(problem)
  }
}
