/**
 * Keystone request bodies. Keystone's own schemas allow extra attributes on projects, users,
 * domains and roles (it stores them), so those objects are loose; names are 1–255 characters
 * (projects: 1–64), as Keystone's validators have them.
 */
import { z } from 'zod'
import { pyRepr } from '../python-text.ts'

const nameOrId = z.looseObject({ id: z.string().optional(), name: z.string().optional() })

const authUser = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  domain: nameOrId.optional(),
  password: z.string()
})

export const authRequestSchema = z.looseObject({
  auth: z.looseObject({
    identity: z.looseObject({
      methods: z.array(z.string()),
      password: z.looseObject({ user: authUser }).optional(),
      token: z.looseObject({ id: z.string() }).optional(),
      application_credential: z.looseObject({}).optional()
    }),
    scope: z.union([
      z.literal('unscoped'),
      z.looseObject({
        project: z.looseObject({ id: z.string().optional(), name: z.string().optional(), domain: nameOrId.optional() }).optional(),
        domain: nameOrId.optional(),
        system: z.looseObject({ all: z.boolean() }).optional()
      })
    ]).optional()
  })
})

export type AuthRequest = z.infer<typeof authRequestSchema>

const tags = z.array(z.string().min(1).max(255).regex(/^[^,/]*$/)).max(80)

export const projectCreateSchema = z.looseObject({
  project: z.looseObject({
    name: z.string().min(1).max(64),
    domain_id: z.string().nullable().optional(),
    parent_id: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    is_domain: z.boolean().optional(),
    tags: tags.optional(),
    options: z.record(z.string(), z.unknown()).optional()
  })
})

export const projectUpdateSchema = z.looseObject({
  project: z.looseObject({
    name: z.string().min(1).max(64).optional(),
    description: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    tags: tags.optional(),
    options: z.record(z.string(), z.unknown()).optional()
  })
})

export const domainCreateSchema = z.looseObject({
  domain: z.looseObject({
    name: z.string().min(1).max(64),
    description: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    tags: tags.optional(),
    explicit_domain_id: z.string().optional()
  })
})

export const domainUpdateSchema = z.looseObject({
  domain: z.looseObject({
    name: z.string().min(1).max(64).optional(),
    description: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    tags: tags.optional()
  })
})

export const userCreateSchema = z.looseObject({
  user: z.looseObject({
    name: z.string().min(1).max(255),
    domain_id: z.string().optional(),
    password: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    default_project_id: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    options: z.record(z.string(), z.unknown()).optional()
  })
})

export const userUpdateSchema = z.looseObject({
  user: z.looseObject({
    name: z.string().min(1).max(255).optional(),
    password: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    default_project_id: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    options: z.record(z.string(), z.unknown()).optional()
  })
})

export const changePasswordSchema = z.looseObject({
  user: z.looseObject({
    password: z.string(),
    original_password: z.string()
  })
})

export const roleCreateSchema = z.looseObject({
  role: z.looseObject({
    name: z.string().min(1).max(255),
    domain_id: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    options: z.record(z.string(), z.unknown()).optional()
  })
})

export const roleUpdateSchema = z.looseObject({
  role: z.looseObject({
    name: z.string().min(1).max(255).optional(),
    description: z.string().nullable().optional(),
    options: z.record(z.string(), z.unknown()).optional()
  })
})

/** Keystone's parameter_types.name and id_string. */
const nameString = z.string().min(1).max(255).regex(/[\S]+/)
const idString = z.string().min(1).max(64).regex(/^[a-zA-Z0-9-]+$/)

/** jsonschema's minProperties/maxProperties, in its words. */
function propertyCount (min: number, max = Number.POSITIVE_INFINITY) {
  return (value: Record<string, unknown>, context: { addIssue: (issue: { code: 'custom', message: string, input: unknown }) => void }): void => {
    const count = Object.keys(value).length
    if (count < min) context.addIssue({ code: 'custom', message: `${pyRepr(value)} does not have enough properties`, input: value })
    if (count > max) context.addIssue({ code: 'custom', message: `${pyRepr(value)} has too many properties`, input: value })
  }
}

/** The `application_credential` object of POST /v3/users/{user_id}/application_credentials (validated on its own, as Keystone does). */
export const applicationCredentialCreateSchema = z.looseObject({
  name: nameString,
  description: z.string().nullable().optional(),
  secret: z.string().nullable().optional(),
  expires_at: z.string().nullable().optional(),
  roles: z.array(z.strictObject({ id: idString.optional(), name: nameString.optional() }).superRefine(propertyCount(1, 1))).optional(),
  unrestricted: z.boolean().optional(),
  access_rules: z.array(z.strictObject({
    path: z.string().max(225).regex(/^\/.*/).optional(),
    method: z.string().regex(/^(POST|GET|HEAD|PATCH|PUT|DELETE)$/).optional(),
    service: idString.optional(),
    id: idString.optional()
  })).optional()
})

export type ApplicationCredentialCreate = z.infer<typeof applicationCredentialCreateSchema>

/** The `application_credential` part of `auth.identity`. */
export const applicationCredentialAuthSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  secret: z.string().optional(),
  user: z.looseObject({ id: z.string().optional(), name: z.string().optional(), domain: nameOrId.optional() }).optional()
})

/** The `group` object of POST /v3/groups and PATCH /v3/groups/{group_id}. */
export const groupCreateSchema = z.looseObject({
  name: nameString,
  domain_id: idString.optional(),
  description: z.string().nullable().optional()
})

export const groupUpdateSchema = z.looseObject({
  name: nameString.optional(),
  domain_id: idString.optional(),
  description: z.string().nullable().optional()
}).superRefine(propertyCount(1))

const remoteIds = z.array(z.string()).nullable().superRefine((ids, context) => {
  if (ids !== null && new Set(ids).size !== ids.length) context.addIssue({ code: 'custom', message: `${pyRepr(ids)} has non-unique elements`, input: ids })
})
const authorizationTtl = z.number().int().min(0).nullable()

/** The `identity_provider` object of PUT /v3/OS-FEDERATION/identity_providers/{idp_id}. */
export const identityProviderCreateSchema = z.strictObject({
  enabled: z.boolean().optional(),
  description: z.string().nullable().optional(),
  domain_id: idString.nullable().optional(),
  authorization_ttl: authorizationTtl.optional(),
  remote_ids: remoteIds.optional()
})

export const identityProviderUpdateSchema = z.strictObject({
  enabled: z.boolean().optional(),
  description: z.string().nullable().optional(),
  authorization_ttl: authorizationTtl.optional(),
  remote_ids: remoteIds.optional()
}).superRefine(propertyCount(1))

const mappingIdString = z.string().min(1).max(64).regex(/^[a-zA-Z0-9-_]+$/)

/** The `protocol` object of PUT/PATCH …/identity_providers/{idp_id}/protocols/{protocol_id}. */
export const protocolCreateSchema = z.strictObject({
  mapping_id: mappingIdString,
  remote_id_attribute: z.string().max(64).optional()
})

export const protocolUpdateSchema = z.strictObject({
  mapping_id: mappingIdString.optional(),
  remote_id_attribute: z.string().max(64).optional()
}).superRefine(propertyCount(1))
