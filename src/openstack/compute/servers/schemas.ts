/**
 * Server request bodies per microversion, after nova/api/openstack/compute/schemas/servers.py:
 * the create schema grows description (2.19), network tags (2.32/2.42), `networks` required as
 * a list or 'auto'/'none' (2.37), tags (2.52), loses personality (2.57), gains trusted
 * certificates (2.63), volume_type (2.67) and host/hypervisor_hostname (2.74).
 * Unknown fields are rejected, as Nova's additionalProperties: false does.
 */
import { z } from 'zod'
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'
import { base64, booleanLike, description, integerLike, ipAddress, ipv4, ipv6, metadata, name, tag, uuid } from '../parameter-types.ts'

const hints = z.looseObject({
  group: z.union([uuid, z.array(uuid)]).optional(),
  different_host: z.union([uuid, z.array(uuid)]).optional(),
  same_host: z.union([z.string(), z.array(uuid)]).optional(),
  query: z.union([z.string(), z.record(z.string(), z.unknown())]).optional()
})

function blockDeviceMapping (version: Microversion): z.ZodType {
  return z.strictObject({
    virtual_name: z.string().max(255).optional(),
    volume_id: uuid.optional(),
    snapshot_id: uuid.optional(),
    volume_size: integerLike(1).optional(),
    device_name: z.string().min(1).max(255).regex(/^[a-zA-Z0-9._/-]*$/).optional(),
    delete_on_termination: booleanLike.optional(),
    no_device: z.unknown().optional(),
    connection_info: z.string().optional(),
    source_type: z.enum(['volume', 'image', 'snapshot', 'blank']).optional(),
    uuid: z.string().min(1).max(255).regex(/^[a-zA-Z0-9._-]*$/).optional(),
    image_id: uuid.optional(),
    destination_type: z.enum(['local', 'volume']).optional(),
    guest_format: z.string().max(255).optional(),
    device_type: z.string().max(255).optional(),
    disk_bus: z.string().max(255).optional(),
    boot_index: z.union([z.int(), z.string().regex(/^-?[0-9]+$/), z.null()]).optional(),
    ...(isAtLeast(version, '2.42') || (version.major === 2 && version.minor === 32) ? { tag: tag.optional() } : {}),
    ...(isAtLeast(version, '2.67') ? { volume_type: z.string().max(255).nullable().optional() } : {})
  })
}

function networks (version: Microversion): z.ZodType {
  const tagged = isAtLeast(version, '2.42') || (version.minor >= 32 && version.minor <= 36)
  const item = z.strictObject({
    fixed_ip: ipAddress.optional(),
    port: uuid.nullable().optional(),
    uuid: isAtLeast(version, '2.37') ? uuid.optional() : z.string().optional(),
    ...(tagged ? { tag: tag.optional() } : {})
  })
  if (isAtLeast(version, '2.37')) return z.union([z.array(item), z.enum(['none', 'auto'])])
  return z.array(item)
}

export interface BlockDeviceMappingV2 {
  readonly source_type?: 'volume' | 'image' | 'snapshot' | 'blank'
  readonly destination_type?: 'local' | 'volume'
  readonly uuid?: string
  readonly image_id?: string
  readonly boot_index?: number | string | null
  readonly [key: string]: unknown
}

export interface NetworkRequest {
  readonly uuid?: string
  readonly port?: string | null
  readonly fixed_ip?: string
  readonly tag?: string
}

/** The create body after validation; fields outside the request's microversion are absent. */
export interface ServerCreateBody {
  readonly server: {
    readonly name: string
    readonly imageRef?: string
    readonly flavorRef: string | number
    readonly adminPass?: string
    readonly metadata?: Readonly<Record<string, string>>
    readonly networks?: 'auto' | 'none' | readonly NetworkRequest[]
    readonly 'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL'
    readonly accessIPv4?: string
    readonly accessIPv6?: string
    readonly personality?: ReadonlyArray<{ path: string, contents: string }>
    readonly availability_zone?: string
    readonly block_device_mapping?: ReadonlyArray<Record<string, unknown>>
    readonly block_device_mapping_v2?: readonly BlockDeviceMappingV2[]
    readonly config_drive?: boolean | string
    readonly key_name?: string
    readonly min_count?: number | string
    readonly max_count?: number | string
    readonly return_reservation_id?: boolean | string
    readonly security_groups?: ReadonlyArray<{ name?: string }>
    readonly user_data?: string
    readonly description?: string | null
    readonly tags?: readonly string[]
    readonly trusted_image_certificates?: readonly string[] | null
    readonly host?: string
    readonly hypervisor_hostname?: string
  }
  readonly 'os:scheduler_hints'?: Readonly<Record<string, unknown>>
  readonly 'OS-SCH-HNT:scheduler_hints'?: Readonly<Record<string, unknown>>
}

export function serverCreateSchema (version: Microversion): z.ZodType<ServerCreateBody> {
  const server = z.strictObject({
    name,
    imageRef: z.union([uuid, z.literal('')]).optional(),
    flavorRef: z.union([z.string().min(1), z.int()]),
    adminPass: z.string().optional(),
    metadata: metadata.optional(),
    networks: isAtLeast(version, '2.37') ? networks(version) : networks(version).optional(),
    'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional(),
    accessIPv4: ipv4.optional(),
    accessIPv6: ipv6.optional(),
    ...(isAtLeast(version, '2.57') ? {} : { personality: z.array(z.strictObject({ path: z.string().max(255), contents: base64 })).optional() }),
    availability_zone: name.optional(),
    block_device_mapping: z.array(z.record(z.string(), z.unknown())).optional(),
    block_device_mapping_v2: z.array(blockDeviceMapping(version)).optional(),
    config_drive: booleanLike.optional(),
    key_name: name.optional(),
    min_count: integerLike(1).optional(),
    max_count: integerLike(1).optional(),
    return_reservation_id: booleanLike.optional(),
    security_groups: z.array(z.strictObject({ name: name.optional() })).optional(),
    user_data: base64.max(65_535).optional(),
    ...(isAtLeast(version, '2.19') ? { description: description.optional() } : {}),
    ...(isAtLeast(version, '2.52') ? { tags: z.array(tag).max(50).optional() } : {}),
    ...(isAtLeast(version, '2.63') ? { trusted_image_certificates: z.array(z.string().min(1)).min(1).max(50).nullable().optional() } : {}),
    ...(isAtLeast(version, '2.74') ? { host: z.string().min(1).max(255).regex(/^[a-zA-Z0-9-._]*$/).optional(), hypervisor_hostname: z.string().min(1).max(255).regex(/^[a-zA-Z0-9-._]*$/).optional() } : {})
  })
  return z.strictObject({
    server,
    'os:scheduler_hints': hints.optional(),
    'OS-SCH-HNT:scheduler_hints': hints.optional()
  }) as unknown as z.ZodType<ServerCreateBody>
}

export function serverUpdateSchema (version: Microversion) {
  return z.strictObject({
    server: z.strictObject({
      name: name.optional(),
      'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional(),
      accessIPv4: ipv4.optional(),
      accessIPv6: ipv6.optional(),
      ...(isAtLeast(version, '2.19') ? { description: description.optional() } : {})
    })
  })
}

export const rebootSchema = z.strictObject({ reboot: z.strictObject({ type: z.string().regex(/^(HARD|SOFT|hard|soft)$/) }) })

export const createImageSchema = z.strictObject({
  createImage: z.strictObject({ name, metadata: metadata.optional() })
})

export const lockSchema = (version: Microversion) => z.strictObject({
  lock: isAtLeast(version, '2.73') ? z.strictObject({ locked_reason: z.string().max(255).optional() }).nullable() : z.unknown()
})

export const consoleOutputSchema = z.strictObject({
  'os-getConsoleOutput': z.strictObject({ length: z.union([z.int(), z.string().regex(/^-?[0-9]+$/), z.null()]).optional() })
})

export const securityGroupActionSchema = (action: 'addSecurityGroup' | 'removeSecurityGroup') =>
  z.strictObject({ [action]: z.strictObject({ name }) })

export const metadataBodySchema = z.strictObject({ metadata })
export const metadataItemSchema = z.strictObject({ meta: metadata })
export const tagsBodySchema = z.strictObject({ tags: z.array(tag).max(50) })
