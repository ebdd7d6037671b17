/**
 * Keystone v3's routes, relative to the identity endpoint ({base}/identity). The proxy
 * classifies identity calls from this table and the emulator serves it.
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
  g('POST', '/v3/users/{user_id}/password', 'users:change-password'),

  g('GET', '/v3/roles', 'roles:list'),
  g('POST', '/v3/roles', 'roles:create'),
  g('GET', '/v3/roles/{role_id}', 'roles:show'),
  g('PATCH', '/v3/roles/{role_id}', 'roles:update'),
  g('DELETE', '/v3/roles/{role_id}', 'roles:delete'),
  g('GET', '/v3/role_inferences', 'roles:inferences'),

  g('GET', '/v3/role_assignments', 'role-assignments:list'),
  g('GET', '/v3/projects/{project_id}/users/{user_id}/roles', 'grants:project-user:list'),
  g('PUT', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:create'),
  g('HEAD', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:check'),
  g('DELETE', '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'grants:project-user:delete'),
  g('GET', '/v3/domains/{domain_id}/users/{user_id}/roles', 'grants:domain-user:list'),
  g('PUT', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:create'),
  g('HEAD', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:check'),
  g('DELETE', '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'grants:domain-user:delete'),

  g('GET', '/v3/services', 'services:list'),
  g('GET', '/v3/services/{service_id}', 'services:show'),
  g('GET', '/v3/endpoints', 'endpoints:list'),
  g('GET', '/v3/endpoints/{endpoint_id}', 'endpoints:show'),
  g('GET', '/v3/regions', 'regions:list'),
  g('GET', '/v3/regions/{region_id}', 'regions:show')
]
