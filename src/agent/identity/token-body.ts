/**
 * The Keystone token body of a verified p2pstack token, as GET /v3/auth/tokens answers it on an
 * agent: made locally from the claims (no call to the provider), in Keystone v3's shape
 * (methods, user, audit_ids, expires_at, issued_at, the scope, roles, and the agent's catalog
 * unless asked not to).
 */
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import type { P2pstackTokenClaims } from '../../openstack/identity/p2pstack-token-claims.ts'
import { isoMicrosZ } from '../../openstack/timestamps.ts'

export function isScoped (auth: AuthContext): boolean {
  return auth.project !== null || auth.domain !== null || auth.system
}

export function tokenBody (auth: AuthContext, claims: P2pstackTokenClaims, catalog: unknown[] | null): { token: Record<string, unknown> } {
  const token: Record<string, unknown> = {
    methods: [...auth.methods],
    user: {
      domain: { id: auth.userDomainId, name: auth.userDomainName },
      id: auth.userId,
      name: auth.userName,
      password_expires_at: null
    },
    audit_ids: [...claims.audit_ids],
    expires_at: isoMicrosZ(auth.expiresAtMs),
    issued_at: isoMicrosZ(auth.issuedAtMs)
  }
  if (auth.project !== null) {
    token.project = { domain: { id: auth.project.domainId, name: auth.project.domainName }, id: auth.project.id, name: auth.project.name }
    token.is_domain = false
  } else if (auth.domain !== null) {
    token.domain = { id: auth.domain.id, name: auth.domain.name }
  } else if (auth.system) {
    token.system = { all: true }
  }
  if (isScoped(auth)) {
    token.roles = auth.roles.map((name, i) => ({ id: auth.roleIds[i] ?? name, name }))
    if (catalog !== null) token.catalog = catalog
  }
  if (auth.applicationCredentialId !== null) token.application_credential = { id: auth.applicationCredentialId }
  return { token }
}
