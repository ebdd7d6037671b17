/**
 * The identity model: Keystone's entities as the emulator keeps them and the views render
 * them (camelCase here; snake_case only on the wire, in views.ts).
 */

export interface DomainRow {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly enabled: boolean
  readonly tags: readonly string[]
}

export interface ProjectRow {
  readonly id: string
  readonly name: string
  readonly domainId: string
  readonly parentId: string
  readonly description: string
  readonly enabled: boolean
  readonly tags: readonly string[]
  /** Attributes Keystone keeps as given ("extra"). */
  readonly extra: Readonly<Record<string, unknown>>
}

/** The link between a shadow user and the identity provider that vouched for it. */
export interface FederatedLink {
  readonly idpId: string
  readonly protocolId: string
  readonly uniqueId: string
}

export interface UserRow {
  readonly id: string
  readonly name: string
  readonly domainId: string
  readonly enabled: boolean
  readonly passwordHash: string | null
  readonly defaultProjectId: string | null
  readonly description: string | null
  readonly federated: readonly FederatedLink[]
  readonly extra: Readonly<Record<string, unknown>>
}

export interface GroupRow {
  readonly id: string
  readonly name: string
  readonly domainId: string
  /** Null when none was given, as Keystone stores it. */
  readonly description: string | null
  readonly extra: Readonly<Record<string, unknown>>
}

export interface MembershipRow {
  readonly id: string
  readonly groupId: string
  readonly userId: string
}

/**
 * A group membership that a federated login vouched for: it lasts the identity provider's
 * authorization_ttl (minutes) from the last login, as Keystone's expiring_user_group_membership.
 */
export interface ExpiringMembershipRow {
  /** `${userId}:${groupId}:${idpId}`. */
  readonly id: string
  readonly userId: string
  readonly groupId: string
  readonly idpId: string
  readonly lastVerifiedMs: number
}

export interface RoleRow {
  readonly id: string
  readonly name: string
  readonly domainId: string | null
  readonly description: string | null
}

export interface ImpliedRoleRow {
  readonly id: string
  readonly priorRoleId: string
  readonly impliedRoleId: string
}

export type AssignmentType = 'UserProject' | 'UserDomain' | 'UserSystem' | 'GroupProject' | 'GroupDomain' | 'GroupSystem'

export interface AssignmentRow {
  readonly id: string
  readonly type: AssignmentType
  readonly actorId: string
  /** Project or domain id; 'system' for system assignments. */
  readonly targetId: string
  readonly roleId: string
}

export interface RegionRow {
  readonly id: string
  readonly description: string
}

export interface CatalogServiceRow {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly description: string
  readonly enabled: boolean
}

export interface EndpointRow {
  readonly id: string
  readonly serviceId: string
  readonly interface: 'public' | 'internal' | 'admin'
  readonly regionId: string
  /** Path relative to the cloudlet's public base URL, e.g. '/compute/v2.1'. */
  readonly path: string
  readonly enabled: boolean
}

export type Scope =
  | { readonly kind: 'project', readonly id: string }
  | { readonly kind: 'domain', readonly id: string }
  | { readonly kind: 'system' }

/** An access rule of an application credential: which API calls a token made with it may make. */
export interface AccessRuleRow {
  readonly id: string
  readonly userId: string
  readonly service: string
  readonly path: string
  readonly method: string
}

export interface ApplicationCredentialRow {
  readonly id: string
  readonly name: string
  readonly userId: string
  /** The project the creator's token was scoped to; null when it was not project-scoped. */
  readonly projectId: string | null
  readonly description: string | null
  /** The Hashing port's hash of the secret; the secret itself is never stored. */
  readonly secretHash: string
  readonly expiresAtMs: number | null
  /** As given; null when the request did not say (Keystone then treats it as restricted). */
  readonly unrestricted: boolean | null
  /** Role ids, as granted at creation; implied roles are not added. */
  readonly roleIds: readonly string[]
  readonly accessRuleIds: readonly string[]
  readonly createdAtMs: number
}

/** An OS-FEDERATION identity provider: who may vouch for users, and in which domain they live. */
export interface IdentityProviderRow {
  readonly id: string
  readonly domainId: string
  readonly enabled: boolean
  readonly description: string | null
  /** The identifiers the provider asserts (for OIDC: issuers); unique across providers. */
  readonly remoteIds: readonly string[]
  /** Minutes that group memberships from a login last; null means the deployment default (0). */
  readonly authorizationTtl: number | null
}

/** A mapping: rules that turn an assertion into a local user, groups and projects. */
export interface MappingRow {
  readonly id: string
  /** As stored by Keystone: the validated JSON rules, kept verbatim. */
  readonly rules: readonly unknown[]
}

export interface FederationProtocolRow {
  /** `${idpId}/${protocolId}`. */
  readonly id: string
  readonly idpId: string
  readonly protocolId: string
  readonly mappingId: string
  readonly remoteIdAttribute: string | null
}

export interface TokenRow {
  /** SHA-256 of the token, hex. */
  readonly id: string
  readonly userId: string
  readonly methods: readonly string[]
  readonly scope: Scope | null
  readonly issuedAtMs: number
  readonly expiresAtMs: number
  readonly auditIds: readonly string[]
  readonly applicationCredential: {
    readonly id: string
    readonly name: string
    readonly restricted: boolean
    readonly roleIds: readonly string[]
    /** Shown in the token body when the credential has any. */
    readonly accessRules?: ReadonlyArray<{ readonly id: string, readonly service: string, readonly path: string, readonly method: string }>
  } | null
  /** Set for tokens issued through OS-FEDERATION: the groups come from the mapping, not from membership. */
  readonly federation: { readonly idpId: string, readonly protocolId: string, readonly groupIds: readonly string[] } | null
}

/** A token's meaning, with names resolved: what the token body and AuthContext are made from. */
export interface TokenInfo {
  readonly row: TokenRow
  readonly token: string
  readonly user: { readonly id: string, readonly name: string, readonly domain: { readonly id: string, readonly name: string } }
  readonly project: { readonly id: string, readonly name: string, readonly domain: { readonly id: string, readonly name: string } } | null
  readonly domain: { readonly id: string, readonly name: string } | null
  readonly system: boolean
  readonly roles: ReadonlyArray<{ readonly id: string, readonly name: string }>
}
