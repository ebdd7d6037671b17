/**
 * The claims of a p2pstack token: the JWT (JWS, ES256) the identity provider signs and every
 * agent checks locally with the provider's public keys. It carries everything an agent needs
 * to serve a call without asking anyone — who, in which project, with which roles, until when —
 * so a user who has a token keeps working while the provider is unreachable.
 *
 * The same JWT is the OIDC access token a cloudlet's Keystone (a service provider through
 * OS-FEDERATION) receives: mod_auth_openidc, or the emulator's verifier, exposes each top-level
 * claim as `OIDC-<claim>` (arrays joined with commas), which the mapping rules read. That is
 * why the claims are flat strings and string arrays.
 */
import { z } from 'zod'
import type { AuthContext } from './auth-context.ts'

/** The audience every p2pstack token carries: the agents (and the cloudlets behind them). */
export const P2PSTACK_TOKEN_AUDIENCE = 'p2pstack'

export const p2pstackTokenClaimsSchema = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1).max(64),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number().int(),
  exp: z.number().int(),
  /** The token's audit id (Keystone's audit_ids[0]); revocation names it. */
  jti: z.string().min(1).max(64),
  preferred_username: z.string().max(255),
  user_domain_id: z.string().max(64),
  user_domain_name: z.string().max(255),
  /** Project scope; absent for an unscoped or domain-scoped token. */
  project_id: z.string().max(64).optional(),
  project_name: z.string().max(64).optional(),
  project_domain_id: z.string().max(64).optional(),
  project_domain_name: z.string().max(255).optional(),
  /** Domain scope; absent otherwise. */
  domain_id: z.string().max(64).optional(),
  domain_name: z.string().max(255).optional(),
  system: z.boolean().optional(),
  /** Role names, implied roles included, lowercase; and their ids in the provider. */
  roles: z.array(z.string().max(255)).max(64),
  role_ids: z.array(z.string().max(64)).max(64),
  methods: z.array(z.string().max(64)).max(8),
  /** Keystone's audit_ids: this token's, then its parent's when it was made by rescoping. */
  audit_ids: z.array(z.string().max(64)).min(1).max(2),
  application_credential_id: z.string().max(64).optional()
})

export type P2pstackTokenClaims = z.infer<typeof p2pstackTokenClaimsSchema>

/** The claims for a token the provider has just issued. */
export function claimsFromAuthContext (auth: AuthContext, issuer: string): P2pstackTokenClaims {
  return {
    iss: issuer,
    sub: auth.userId,
    aud: P2PSTACK_TOKEN_AUDIENCE,
    iat: Math.floor(auth.issuedAtMs / 1000),
    exp: Math.floor(auth.expiresAtMs / 1000),
    jti: auth.auditId,
    preferred_username: auth.userName,
    user_domain_id: auth.userDomainId,
    user_domain_name: auth.userDomainName,
    ...(auth.project === null
      ? {}
      : { project_id: auth.project.id, project_name: auth.project.name, project_domain_id: auth.project.domainId, project_domain_name: auth.project.domainName }),
    ...(auth.domain === null ? {} : { domain_id: auth.domain.id, domain_name: auth.domain.name }),
    ...(auth.system ? { system: true } : {}),
    roles: [...auth.roles],
    role_ids: [...auth.roleIds],
    methods: [...auth.methods],
    audit_ids: [auth.auditId],
    ...(auth.applicationCredentialId === null ? {} : { application_credential_id: auth.applicationCredentialId })
  }
}

/** What an agent knows of the caller from a verified token. */
export function authContextFromClaims (claims: P2pstackTokenClaims, token: string): AuthContext {
  return {
    token,
    auditId: claims.jti,
    userId: claims.sub,
    userName: claims.preferred_username,
    userDomainId: claims.user_domain_id,
    userDomainName: claims.user_domain_name,
    project: claims.project_id === undefined
      ? null
      : { id: claims.project_id, name: claims.project_name ?? '', domainId: claims.project_domain_id ?? '', domainName: claims.project_domain_name ?? '' },
    domain: claims.domain_id === undefined ? null : { id: claims.domain_id, name: claims.domain_name ?? '' },
    system: claims.system ?? false,
    roles: claims.roles,
    roleIds: claims.role_ids,
    expiresAtMs: claims.exp * 1000,
    issuedAtMs: claims.iat * 1000,
    methods: claims.methods,
    applicationCredentialId: claims.application_credential_id ?? null
  }
}
