/** Flavor request bodies, after nova/api/openstack/compute/schemas/flavor_manage.py and friends. */
import { z } from 'zod'
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'
import { booleanLike, description, integerLike, name } from '../parameter-types.ts'

/** Nova's flavor id: no leading or trailing space, letters, digits, '.', '-', '_' and ' '. */
const flavorId = z.union([
  z.string().min(1).max(255).regex(/^(?! )[a-zA-Z0-9. _-]+(?<! )$/),
  z.null()
])

const nonNegativeNumber = z.union([z.number().min(0), z.string().regex(/^[0-9]*\.?[0-9]+$/)])

export function flavorCreateSchema (version: Microversion) {
  return z.strictObject({
    flavor: z.strictObject({
      name,
      id: flavorId.optional(),
      ram: integerLike(1),
      vcpus: integerLike(1),
      disk: integerLike(0),
      'OS-FLV-EXT-DATA:ephemeral': integerLike(0).optional(),
      swap: z.union([integerLike(0), z.literal('')]).optional(),
      rxtx_factor: z.union([z.number().min(0).max(3.40282e38), z.string()]).optional(),
      'os-flavor-access:is_public': booleanLike.optional(),
      ...(isAtLeast(version, '2.55') ? { description: description.optional() } : {})
    })
  })
}

export const flavorUpdateSchema = z.strictObject({ flavor: z.strictObject({ description }) })

export const extraSpecsSchema = z.strictObject({
  extra_specs: z.record(z.string().min(1).max(255).regex(/^[a-zA-Z0-9-_:. ]{1,255}$/), z.union([z.string().max(255), z.number(), z.boolean()]))
})

export const flavorActionSchema = z.union([
  z.strictObject({ addTenantAccess: z.strictObject({ tenant: z.string().min(1).max(255) }) }),
  z.strictObject({ removeTenantAccess: z.strictObject({ tenant: z.string().min(1).max(255) }) })
])

export { nonNegativeNumber }
