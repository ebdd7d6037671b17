/** Quota set update body: integer limits ≥ -1 (-1 is unlimited), plus `force`. Network keys go at 2.36, injected files at 2.57. */
import { z } from 'zod'
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'
import { booleanLike } from '../parameter-types.ts'

const limit = z.union([z.int().min(-1).max(0x7fffffff), z.string().regex(/^-?[0-9]+$/)])

export function quotaUpdateSchema (version: Microversion) {
  return z.strictObject({
    quota_set: z.strictObject({
      instances: limit.optional(),
      cores: limit.optional(),
      ram: limit.optional(),
      key_pairs: limit.optional(),
      metadata_items: limit.optional(),
      server_groups: limit.optional(),
      server_group_members: limit.optional(),
      ...(isAtLeast(version, '2.57') ? {} : { injected_files: limit.optional(), injected_file_content_bytes: limit.optional(), injected_file_path_bytes: limit.optional() }),
      ...(isAtLeast(version, '2.36') ? {} : { fixed_ips: limit.optional(), floating_ips: limit.optional(), security_groups: limit.optional(), security_group_rules: limit.optional(), networks: limit.optional() }),
      force: booleanLike.optional()
    })
  })
}
