/**
 * Glance's JSON schemas as data: the image (permissive: extra properties must be strings), the
 * image collection, the member and member collection, and the add-location body. The emulator
 * serves them at /v2/schemas/* (python-glanceclient and Horizon read them) and validates
 * request bodies against the same data (json-schema.ts), which is what Glance does.
 */
import type { JsonSchema } from './json-schema.ts'
import { firstSchemaProblem } from './json-schema.ts'

const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'

/** Glance's default [image_format] container_formats and disk_formats. */
export const CONTAINER_FORMATS: readonly string[] = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed']
export const DISK_FORMATS: readonly string[] = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']

const readOnly = (schema: JsonSchema): JsonSchema => ({ ...schema, readOnly: true })

/** The base image properties, in Glance's order. */
export const IMAGE_PROPERTIES: Readonly<Record<string, JsonSchema>> = {
  id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
  name: { type: ['null', 'string'], description: 'Descriptive name for the image', maxLength: 255 },
  status: readOnly({
    type: 'string',
    description: 'Status of the image',
    enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated']
  }),
  visibility: { type: 'string', description: 'Scope of image accessibility', enum: ['community', 'public', 'private', 'shared'] },
  protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
  os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
  checksum: readOnly({ type: ['null', 'string'], description: 'md5 hash of image contents.', maxLength: 32 }),
  os_hash_algo: readOnly({ type: ['null', 'string'], description: 'Algorithm to calculate the os_hash_value', maxLength: 64 }),
  os_hash_value: readOnly({ type: ['null', 'string'], description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo', maxLength: 128 }),
  owner: { type: ['null', 'string'], description: 'Owner of the image', maxLength: 255 },
  size: readOnly({ type: ['null', 'integer'], description: 'Size of image file in bytes' }),
  virtual_size: readOnly({ type: ['null', 'integer'], description: 'Virtual size of image in bytes' }),
  container_format: { type: ['null', 'string'], description: 'Format of the container', enum: [null, ...CONTAINER_FORMATS] },
  disk_format: { type: ['null', 'string'], description: 'Format of the disk', enum: [null, ...DISK_FORMATS] },
  created_at: readOnly({ type: 'string', description: 'Date and time of image registration' }),
  updated_at: readOnly({ type: 'string', description: 'Date and time of the last image modification' }),
  tags: { type: 'array', description: 'List of strings related to the image', items: { type: 'string', maxLength: 255 } },
  direct_url: readOnly({ type: 'string', description: 'URL to access the image file kept in external store' }),
  min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
  min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
  self: readOnly({ type: 'string', description: 'An image self url' }),
  file: readOnly({ type: 'string', description: 'An image file url' }),
  stores: readOnly({
    type: 'string',
    description: 'Store in which image data resides. Only present when the operator has enabled multiple stores. May be a comma-separated list of store identifiers.'
  }),
  schema: readOnly({ type: 'string', description: 'An image schema url' }),
  locations: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        url: { type: 'string', maxLength: 255 },
        metadata: { type: 'object' },
        validation_data: {
          description: 'Values to be used to populate the corresponding image properties. If the image status is not \'queued\', values must exactly match those already contained in the image properties.',
          type: 'object',
          writeOnly: true,
          additionalProperties: false,
          properties: {
            checksum: { type: 'string', minLength: 32, maxLength: 32 },
            os_hash_algo: { type: 'string', maxLength: 64 },
            os_hash_value: { type: 'string', maxLength: 128 }
          },
          required: ['os_hash_algo', 'os_hash_value']
        }
      },
      required: ['url', 'metadata']
    },
    description: 'A set of URLs to access the image file kept in external store'
  }
}

const IMAGE_LINKS = [
  { rel: 'self', href: '{self}' },
  { rel: 'enclosure', href: '{file}' },
  { rel: 'describedby', href: '{schema}' }
]

/** GET /v2/schemas/image */
export const IMAGE_SCHEMA: JsonSchema = {
  name: 'image',
  properties: IMAGE_PROPERTIES,
  additionalProperties: { type: 'string' },
  links: IMAGE_LINKS
}

/** GET /v2/schemas/images */
export const IMAGES_SCHEMA: JsonSchema = {
  name: 'images',
  properties: {
    images: { type: 'array', items: IMAGE_SCHEMA },
    first: { type: 'string' },
    next: { type: 'string' },
    schema: { type: 'string' }
  },
  links: [
    { rel: 'first', href: '{first}' },
    { rel: 'next', href: '{next}' },
    { rel: 'describedby', href: '{schema}' }
  ]
}

const MEMBER_PROPERTIES: Readonly<Record<string, JsonSchema>> = {
  member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
  image_id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
  created_at: { type: 'string', description: 'Date and time of image member creation' },
  updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
  status: { type: 'string', description: 'The status of this image member', enum: ['pending', 'accepted', 'rejected'] },
  schema: { readOnly: true, type: 'string' }
}

/** GET /v2/schemas/member (Glance serves the "minimal" form: no additionalProperties). */
export const MEMBER_SCHEMA: JsonSchema = { name: 'member', properties: MEMBER_PROPERTIES }

/** GET /v2/schemas/members */
export const MEMBERS_SCHEMA: JsonSchema = {
  name: 'members',
  properties: {
    members: { type: 'array', items: MEMBER_SCHEMA },
    schema: { type: 'string' }
  },
  links: [{ rel: 'describedby', href: '{schema}' }]
}

/** The body of POST /v2/images/{id}/locations, checked as `{"add_location": body}`. */
export const LOCATION_SCHEMA: JsonSchema = {
  name: 'location',
  properties: {
    add_location: {
      type: 'object',
      properties: {
        url: { type: 'string', readOnly: true },
        validation_data: {
          type: 'object',
          writeOnly: true,
          additionalProperties: false,
          properties: {
            os_hash_algo: { type: 'string', maxLength: 64, enum: ['sha1', 'sha256', 'sha512', 'md5'] },
            os_hash_value: { type: 'string', maxLength: 128 }
          }
        }
      },
      required: ['url']
    }
  },
  additionalProperties: { type: 'string' }
}

/** Glance's InvalidObject message for `instance` against a named schema, or null if it is valid. */
export function schemaMismatch (instance: unknown, schema: JsonSchema): string | null {
  const problem = firstSchemaProblem(instance, schema)
  return problem === null ? null : `Provided object does not match schema '${String(schema.name)}': ${problem}`
}
