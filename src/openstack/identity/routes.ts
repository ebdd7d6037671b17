/**
 * Keystone v3's routes, relative to the identity endpoint ({base}/identity). The proxy
 * classifies identity calls from this table and the emulator serves it. Every identity route
 * is 'global': a cloudlet's Keystone is a federation service provider whose users, groups and
 * credentials the agent translates, never a resource placed in one cloudlet. HEAD is served
 * by the GET route unless the table names one (Keystone answers some HEADs with 204).
 */
import type { RouteSpec } from '../route-table.ts'

const g = (method: RouteSpec['method'], path: string, name: string, authenticated = true): RouteSpec =>
  ({ method, path, name, kind: 'global', authenticated })

export const IDENTITY_ROUTES: readonly RouteSpec[] = [
  g('GET', '/', 'versions', false),
  g('GET', '/v3', 'version', false),

  g('POST', '/v3/auth/tokens', 'auth:issue', false),
  g('GET', '/v3/auth/tokens', 'auth:validate'),
  g('HEAD', '/v3/auth/tokens', 'auth:check'),
  g('DELETE', '/v3/auth/tokens', 'auth:revoke'),
  g('GET', '/v3/auth/projects', 'auth:projects'),
  g('GET', '/v3/auth/domains', 'auth:domains'),
  g('GET', '/v3/auth/system', 'auth:system'),
  g('GET', '/v3/auth/catalog', 'auth:catalog'),
  g('GET', '/v3/OS-FEDERATION/projects', 'federation:projects'),
  g('GET', '/v3/OS-FEDERATION/domains', 'federation:domains'),

  g('GET', '/v3/domains', 'domains:list'),
  g('POST', '/v3/domains', 'domains:create'),
  g('GET', '/v3/domains/{domain_id}', 'domains:show'),
  g('PATCH', '/v3/domains/{domain_id}', 'domains:update'),
  g('DELETE', '/v3/domains/{domain_id}', 'domains:delete'),

  g('GET', '/v3/projects', 'projects:list'),
  g('POST', '/v3/projects', 'projects:create'),
  g('GET', '/v3/projects/{project_id}', 'projects:show'),
  g('PATCH', '/v3/projects/{project_id}', 'projects:update'),
  g('DELETE', '/v3/projects/{project_id}', 'projects:delete'),

  g('GET', '/v3/users', 'users:list'),
  g('POST', '/v3/users', 'users:create'),
  g('GET', '/v3/users/{user_id}', 'users:show'),
  g('PATCH', '/v3/users/{user_id}', 'users:update'),
  g('DELETE', '/v3/users/{user_id}', 'users:delete'),
  g('GET', '/v3/users/{user_id}/projects', 'users:projects'),
  g('GET', '/v3/users/{user_id}/groups', 'users:groups'),
  g('POST', '/v3/users/{user_id}/password', 'users:change-password'),

  g('GET', '/v3/users/{user_id}/application_credentials', 'application-credentials:list'),
  g('POST', '/v3/users/{user_id}/application_credentials', 'application-credentials:create'),
  g('GET', '/v3/users/{user_id}/application_credentials/{application_credential_id}', 'application-credentials:show'),
  g('DELETE', '/v3/users/{user_id}/application_credentials/{application_credential_id}', 'application-credentials:delete'),
  g('GET', '/v3/users/{user_id}/access_rules', 'access-rules:list'),
  g('GET', '/v3/users/{user_id}/access_rules/{access_rule_id}', 'access-rules:show'),
  g('DELETE', '/v3/users/{user_id}/access_rules/{access_rule_id}', 'access-rules:delete'),

  g('GET', '/v3/groups', 'groups:list'),
  g('POST', '/v3/groups', 'groups:create'),
  g('GET', '/v3/groups/{group_id}', 'groups:show'),
  g('PATCH', '/v3/groups/{group_id}', 'groups:update'),
  g('DELETE', '/v3/groups/{group_id}', 'groups:delete'),
  g('GET', '/v3/groups/{group_id}/users', 'groups:users'),
  g('PUT', '/v3/groups/{group_id}/users/{user_id}', 'groups:add-user'),
  g('HEAD', '/v3/groups/{group_id}/users/{user_id}', 'groups:check-user'),
  g('GET', '/v3/groups/{group_id}/users/{user_id}', 'groups:check-user'),
  g('DELETE', '/v3/groups/{group_id}/users/{user_id}', 'groups:remove-user'),

  g('GET', '/v3/roles', 'roles:list'),
  g('POST', '/v3/roles', 'roles:create'),
  g('GET', '/v3/roles/{role_id}', 'roles:show'),
  g('PATCH', '/v3/roles/{role_id}', 'roles:update'),
  g('DELETE', '/v3/roles/{role_id}', 'roles:delete'),
  g('GET', '/v3/role_inferences', 'roles:inferences'),
  g('GET', '/v3/roles/{role_id}/implies', 'implied-roles:list'),
  g('PUT', '/v3/roles/{role_id}/implies/{implied_role_id}', 'implied-roles:create'),
  g('GET', '/v3/roles/{role_id}/implies/{implied_role_id}', 'implied-roles:show'),
  g('HEAD', '/v3/roles/{role_id}/implies/{implied_role_id}', 'implied-roles:check'),
  g('DELETE', '/v3/roles/{role_id}/implies/{implied_role_id}', 'implied-roles:delete'),

  g('GET', '/v3/role_assignments', 'role-assignments:list'),
  g('GET', '/v3/projects/{project_id}/users/{user_id}/roles', 'grants:project-user:list'),
  g('PUT', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:create'),
  g('HEAD', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:check'),
  g('GET', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:check'),
  g('DELETE', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:delete'),
  g('GET', '/v3/projects/{project_id}/groups/{group_id}/roles', 'grants:project-group:list'),
  g('PUT', '/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}', 'grants:project-group:create'),
  g('HEAD', '/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}', 'grants:project-group:check'),
  g('GET', '/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}', 'grants:project-group:check'),
  g('DELETE', '/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}', 'grants:project-group:delete'),
  g('GET', '/v3/domains/{domain_id}/users/{user_id}/roles', 'grants:domain-user:list'),
  g('PUT', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:create'),
  g('HEAD', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:check'),
  g('GET', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:check'),
  g('DELETE', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:delete'),
  g('GET', '/v3/domains/{domain_id}/groups/{group_id}/roles', 'grants:domain-group:list'),
  g('PUT', '/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}', 'grants:domain-group:create'),
  g('HEAD', '/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}', 'grants:domain-group:check'),
  g('GET', '/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}', 'grants:domain-group:check'),
  g('DELETE', '/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}', 'grants:domain-group:delete'),

  g('GET', '/v3/services', 'services:list'),
  g('GET', '/v3/services/{service_id}', 'services:show'),
  g('GET', '/v3/endpoints', 'endpoints:list'),
  g('GET', '/v3/endpoints/{endpoint_id}', 'endpoints:show'),
  g('GET', '/v3/regions', 'regions:list'),
  g('GET', '/v3/regions/{region_id}', 'regions:show'),

  g('GET', '/v3/OS-FEDERATION/identity_providers', 'identity-providers:list'),
  g('GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}', 'identity-providers:show'),
  g('PUT', '/v3/OS-FEDERATION/identity_providers/{idp_id}', 'identity-providers:create'),
  g('PATCH', '/v3/OS-FEDERATION/identity_providers/{idp_id}', 'identity-providers:update'),
  g('DELETE', '/v3/OS-FEDERATION/identity_providers/{idp_id}', 'identity-providers:delete'),
  g('GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols', 'protocols:list'),
  g('GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', 'protocols:show'),
  g('PUT', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', 'protocols:create'),
  g('PATCH', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', 'protocols:update'),
  g('DELETE', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', 'protocols:delete'),
  // The bearer token of the OIDC provider authenticates these two; they take no X-Auth-Token.
  g('GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/auth', 'federation:auth', false),
  g('POST', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/auth', 'federation:auth', false),
  g('GET', '/v3/OS-FEDERATION/mappings', 'mappings:list'),
  g('GET', '/v3/OS-FEDERATION/mappings/{mapping_id}', 'mappings:show'),
  g('PUT', '/v3/OS-FEDERATION/mappings/{mapping_id}', 'mappings:create'),
  g('PATCH', '/v3/OS-FEDERATION/mappings/{mapping_id}', 'mappings:update'),
  g('DELETE', '/v3/OS-FEDERATION/mappings/{mapping_id}', 'mappings:delete')
]
