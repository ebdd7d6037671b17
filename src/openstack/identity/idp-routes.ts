/**
 * The routes the identity provider (src/idp) serves beside Keystone v3's, relative to its
 * identity endpoint (which is also its OIDC issuer): the OpenID Connect discovery document and
 * key set, Keystone's OS-REVOKE event list, and the admin API of its signing keys
 * (OS-P2PSTACK). Here rather than in src/idp so that the agent's proxy can classify them too.
 */
import type { RouteSpec } from '../route-table.ts'

const g = (method: RouteSpec['method'], path: string, name: string, authenticated = true): RouteSpec =>
  ({ method, path, name, kind: 'global', authenticated })

/** Where the key set is published, relative to the issuer. */
export const JWKS_PATH = '/.well-known/jwks.json'

export const IDP_ROUTES: readonly RouteSpec[] = [
  g('GET', '/.well-known/openid-configuration', 'idp:discovery', false),
  g('GET', JWKS_PATH, 'idp:jwks', false),
  g('GET', '/v3/OS-REVOKE/events', 'revoke:events'),
  g('GET', '/v3/OS-P2PSTACK/signing-keys', 'idp:signing-keys:list'),
  g('POST', '/v3/OS-P2PSTACK/signing-keys', 'idp:signing-keys:rotate')
]
