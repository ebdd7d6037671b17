/** Keypair request bodies: names widen at 2.92 (not served here); `type` from 2.2, `user_id` from 2.10. */
import { z } from 'zod'
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'

const keypairName = z.string().min(1).max(255).regex(/^[_\- a-zA-Z0-9]+$/)

export function keypairCreateSchema (version: Microversion) {
  return z.strictObject({
    keypair: z.strictObject({
      name: keypairName,
      public_key: z.string().optional(),
      ...(isAtLeast(version, '2.2') ? { type: z.enum(['ssh', 'x509']).optional() } : {}),
      ...(isAtLeast(version, '2.10') ? { user_id: z.string().min(1).max(255).optional() } : {})
    })
  })
}
