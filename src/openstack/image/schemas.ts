/**
 * Glance request bodies, read as Glance's deserializers read them. Image bodies are checked
 * against Glance's own JSON schema (image-schema.ts: the schema it serves is the schema it
 * enforces); the import and member bodies are checked ad hoc, as Glance does, with its
 * messages. Checks that need the image or the caller (ownership, status) are the emulator's.
 */
import { BadRequest, Forbidden, InternalServerError } from '../faults.ts'
import { IMAGE_SCHEMA, LOCATION_SCHEMA, schemaMismatch } from './image-schema.ts'
import { RESERVED_ATTRIBUTES, RESERVED_NAMESPACE } from './json-patch.ts'
import type { ImageVisibility } from './model.ts'
import { IMPORT_METHODS } from './model.ts'
import { WebobDetailFault } from './webob-fault.ts'

/** The core attributes a create request may carry, as sent (snake_case keys, JSON values). */
export interface ImageCreateRequest {
  readonly id?: string
  readonly name?: string | null
  readonly visibility?: ImageVisibility
  readonly protected?: boolean
  readonly osHidden?: boolean
  /** Present (possibly null) only when the body names an owner. */
  readonly owner?: string | null
  readonly diskFormat?: string | null
  readonly containerFormat?: string | null
  readonly minDisk?: number
  readonly minRam?: number
  /** The first read-only attribute the body tries to set (Glance's image factory answers 403), or null. */
  readonly readOnlyAttribute: string | null
  /** 'locations' when the body sets it, which the image factory refuses as reserved (403), or null. */
  readonly reservedAttribute: string | null
  readonly properties: Readonly<Record<string, string>>
  readonly tags: readonly string[]
}

const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores']
const READ_ONLY_ON_CREATE = ['created_at', 'updated_at', 'status', 'checksum', 'size', 'virtual_size']
const BASE = new Set(['checksum', 'created_at', 'container_format', 'disk_format', 'id', 'min_disk', 'min_ram', 'name', 'size', 'virtual_size', 'status', 'tags', 'owner', 'updated_at', 'visibility', 'protected', 'os_hidden'])

/** Glance's "Body expected in request." for a request without one. */
export function requireBody (body: unknown): unknown {
  if (body === undefined) throw new BadRequest('Body expected in request.')
  return body
}

/** POST /v2/images */
export function imageCreateRequest (raw: unknown): ImageCreateRequest {
  const body = requireBody(raw)
  for (const key of DISALLOWED) {
    if (Array.isArray(body) ? body.includes(key) : Object.hasOwn(body as object, key)) throw new Forbidden(`Attribute '${key}' is read-only.`)
  }
  const problem = schemaMismatch(body, IMAGE_SCHEMA)
  if (problem !== null) throw new BadRequest(problem)
  // Glance's image schema does not say "type": "object", so a list passes it and then breaks
  // the deserializer: a 500.
  if (Array.isArray(body)) throw new InternalServerError()
  const fields = body as Record<string, unknown>
  const properties: Array<[string, string]> = []
  for (const [key, value] of Object.entries(fields)) {
    if (BASE.has(key)) continue
    if ([...key].length > 255) throw new BadRequest('Custom property should not be greater than 255 characters.')
    if (RESERVED_ATTRIBUTES.has(key) || key.startsWith(RESERVED_NAMESPACE)) throw new WebobDetailFault(403, `Attribute '${key}' is reserved.`)
    if (key === 'locations') continue
    properties.push([key, value as string])
  }
  const tags: string[] = []
  for (const tag of (fields.tags ?? []) as string[]) if (!tags.includes(tag)) tags.push(tag)
  const has = (key: string): boolean => Object.hasOwn(fields, key)
  return {
    ...(has('id') ? { id: fields.id as string } : {}),
    ...(has('name') ? { name: fields.name as string | null } : {}),
    ...(has('visibility') ? { visibility: fields.visibility as ImageVisibility } : {}),
    ...(has('protected') ? { protected: fields.protected as boolean } : {}),
    ...(has('os_hidden') ? { osHidden: fields.os_hidden as boolean } : {}),
    ...(has('owner') ? { owner: fields.owner as string | null } : {}),
    ...(has('disk_format') ? { diskFormat: fields.disk_format as string | null } : {}),
    ...(has('container_format') ? { containerFormat: fields.container_format as string | null } : {}),
    ...(has('min_disk') ? { minDisk: fields.min_disk as number } : {}),
    ...(has('min_ram') ? { minRam: fields.min_ram as number } : {}),
    readOnlyAttribute: READ_ONLY_ON_CREATE.find(has) ?? null,
    reservedAttribute: has('locations') ? 'locations' : null,
    properties: Object.fromEntries(properties),
    tags
  }
}

export interface ImportRequest {
  readonly method: string
  readonly uri: string | null
  readonly stores: readonly unknown[] | null
  readonly allStores: boolean
  readonly allStoresMustSucceed: boolean
}

/** POST /v2/images/{id}/import */
export function importRequest (raw: unknown): ImportRequest {
  const body = requireBody(raw)
  if (Array.isArray(body)) throw new BadRequest("Import request requires a 'method' field.")
  const fields = body as Record<string, unknown>
  const method = fields.method
  if (method === undefined) throw new BadRequest("Import request requires a 'method' field.")
  if (method === null || typeof method !== 'object' || !Object.hasOwn(method, 'name')) throw new BadRequest("Import request requires a 'name' field.")
  const name = (method as Record<string, unknown>).name
  if (typeof name !== 'string' || !IMPORT_METHODS.includes(name)) throw new BadRequest(`Unknown import method name '${String(name)}'.`)
  const mustSucceed = fields.all_stores_must_succeed ?? true
  if (typeof mustSucceed !== 'boolean') throw new BadRequest("'all_stores_must_succeed' must be boolean value only")
  const allStores = fields.all_stores ?? false
  if (typeof allStores !== 'boolean') throw new BadRequest("'all_stores' must be boolean value only")
  const uri = (method as Record<string, unknown>).uri
  return {
    method: name,
    uri: typeof uri === 'string' ? uri : null,
    stores: Object.hasOwn(fields, 'stores') ? (Array.isArray(fields.stores) ? fields.stores : [fields.stores]) : null,
    allStores,
    allStoresMustSucceed: mustSucceed
  }
}

/** POST /v2/images/{id}/members: the member (project) id. */
export function memberCreateRequest (raw: unknown): string {
  const body = requireBody(raw)
  if (Array.isArray(body)) throw new BadRequest('Expected a member in the form: {"member": "image_id"}')
  const fields = body as Record<string, unknown>
  if (!Object.hasOwn(fields, 'member')) throw new BadRequest('Member to be added not specified')
  const member = fields.member
  if (member === null || member === false || member === 0 || member === '' || (Array.isArray(member) && member.length === 0)) {
    throw new BadRequest("Member can't be empty")
  }
  return typeof member === 'string' ? member : JSON.stringify(member)
}

/** PUT /v2/images/{id}/members/{member_id}: the requested status, not yet checked. */
export function memberUpdateRequest (raw: unknown): unknown {
  const body = requireBody(raw)
  if (Array.isArray(body)) throw new BadRequest('Expected a status in the form: {"status": "status"}')
  const fields = body as Record<string, unknown>
  if (!Object.hasOwn(fields, 'status')) throw new BadRequest('Status not specified')
  return fields.status
}

export interface AddLocationRequest {
  readonly url: string
  readonly validationData: { readonly osHashAlgo?: string, readonly osHashValue?: string }
}

/** POST /v2/images/{id}/locations (Image API 2.17). */
export function addLocationRequest (raw: unknown): AddLocationRequest {
  const body = requireBody(raw)
  const problem = schemaMismatch({ add_location: body }, LOCATION_SCHEMA)
  if (problem !== null) throw new BadRequest(problem)
  const fields = body as { url: string, validation_data?: { os_hash_algo?: string, os_hash_value?: string } }
  const data = fields.validation_data ?? {}
  return {
    url: fields.url,
    validationData: {
      ...(data.os_hash_algo !== undefined ? { osHashAlgo: data.os_hash_algo } : {}),
      ...(data.os_hash_value !== undefined ? { osHashValue: data.os_hash_value } : {})
    }
  }
}
