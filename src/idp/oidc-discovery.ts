/**
 * The identity provider's OpenID Connect discovery document (OpenID Connect Discovery 1.0,
 * §3): enough for a relying party that only checks bearer tokens — Apache mod_auth_openidc in
 * front of a real Keystone, the emulator's OidcVerifier, an agent — to find the keys and know
 * what the tokens carry. Tokens are not obtained through OAuth 2.0 flows but from Keystone's
 * POST /v3/auth/tokens, so no authorization or token endpoint is advertised.
 */
import { JWKS_PATH } from '../openstack/identity/idp-routes.ts'

export function oidcDiscoveryDocument (issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['none'],
    claims_supported: [
      'iss', 'sub', 'aud', 'iat', 'exp', 'jti', 'preferred_username', 'user_domain_id', 'user_domain_name',
      'project_id', 'project_name', 'project_domain_id', 'project_domain_name', 'domain_id', 'domain_name',
      'system', 'roles', 'role_ids', 'methods', 'audit_ids', 'application_credential_id'
    ],
    service_documentation: `${issuer}/v3`
  }
}
