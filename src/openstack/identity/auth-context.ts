/**
 * AuthContext: what a validated token says about the caller — who, in which scope, with which
 * roles. Keystone makes it; every other service receives it, as keystonemiddleware hands
 * services the X-User-Id/X-Project-Id/X-Roles headers. Role names include implied roles
 * (admin implies member implies reader).
 */

export interface AuthContext {
  /** The token itself, as the client sent it. */
  readonly token: string
  readonly auditId: string
  readonly userId: string
  readonly userName: string
  readonly userDomainId: string
  readonly userDomainName: string
  /** Project scope, or null for a domain-, system-scoped or unscoped token. */
  readonly project: { readonly id: string, readonly name: string, readonly domainId: string, readonly domainName: string } | null
  /** Domain scope, or null. */
  readonly domain: { readonly id: string, readonly name: string } | null
  readonly system: boolean
  /** Role names, implied roles included, lowercase. Empty for an unscoped token. */
  readonly roles: readonly string[]
  readonly roleIds: readonly string[]
  readonly expiresAtMs: number
  readonly issuedAtMs: number
  readonly methods: readonly string[]
  /** Set when the token was issued for an application credential. */
  readonly applicationCredentialId: string | null
}

export function hasRole (auth: AuthContext, role: string): boolean {
  return auth.roles.includes(role)
}

/** The admin role in any scope: OpenStack's default policy "role:admin". */
export function isAdmin (auth: AuthContext): boolean {
  return auth.roles.includes('admin')
}
