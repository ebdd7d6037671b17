/**
 * The `trusted-headers` federation of a cloudlet (agent config `cloudlet.federation`): instead of
 * handing the cloudlet's Keystone the user's JWT as an OIDC bearer token (which something in
 * front of Keystone — Apache's mod_auth_openidc — must verify), the agent, which has verified
 * the JWT already, passes its claims as the request headers such a front end would set:
 * `OIDC-Iss: <issuer>` and one `OIDC-<claim>` header per claim, arrays joined with ';'. A
 * Keystone without a front end (uwsgi) sees them as WSGI environ keys HTTP_OIDC_<CLAIM>, which is
 * what the mapping (cloudlet-federation-setup.ts) and `[openid] remote_id_attribute =
 * HTTP_OIDC_ISS` read. Only safe while nothing but the agent can reach that Keystone
 * (docs/IDENTITY.md).
 */
import { claimKeys, claimText } from '../../openstack/identity/oidc-assertion.ts'

export const CLOUDLET_FEDERATION_MODES = ['bearer', 'trusted-headers'] as const

/** How the agent logs a user in to its cloudlet's Keystone. */
export type CloudletFederationMode = typeof CLOUDLET_FEDERATION_MODES[number]

/** The header that carries a claim: `OIDC-<claim>`, spelt so that WSGI names it as claimKeys() does (HTTP_OIDC_<CLAIM>). */
export function claimHeaderName (claim: string): string {
  return `OIDC-${claim.replace(/[^A-Za-z0-9]/g, '-')}`
}

/**
 * The headers for a verified token's claims. A claim whose text is not printable ASCII, or whose
 * name would spell the same header as another's, is left out (HTTP headers cannot carry it
 * reliably; the mapping reads only `sub`, `project_id` and `roles`, which are ids and role names).
 */
export function trustedClaimHeaders (issuer: string, claims: Readonly<Record<string, unknown>>): Record<string, string> {
  const headers: Record<string, string> = {}
  const seen = new Set<string>()
  for (const [claim, value] of Object.entries(claims)) {
    if (value === undefined || claim === 'iss') continue
    const key = claimKeys(claim)[1]
    if (seen.has(key)) continue
    seen.add(key)
    const text = claimText(value)
    if (!/^[\x20-\x7e]*$/.test(text)) continue
    headers[claimHeaderName(claim).toLowerCase()] = text
  }
  headers['oidc-iss'] = issuer
  return headers
}

/** The claims of a JWT whose signature was already checked (UserTokenVerifier); null when it is not a JWT. */
export function verifiedJwtClaims (jwt: string): Record<string, unknown> | null {
  const payload = jwt.split('.')[1]
  if (payload === undefined) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims as Record<string, unknown> : null
  } catch {
    return null
  }
}
