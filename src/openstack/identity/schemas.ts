/**
 * Keystone request bodies. Keystone's own schemas allow extra attributes on projects, users,
 * domains and roles (it stores them), so those objects are loose; names are 1–255 characters
 * (projects: 1–64), as Keystone's validators have them.
 */
import { z } from 'zod'

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
      token: z.looseObject({ id: z.string() }).optional()
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
