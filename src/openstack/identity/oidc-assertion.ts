/**
 * The assertion a Keystone behind Apache mod_auth_openidc sees for a verified OIDC access
 * token: with `OIDCClaimPrefix "OIDC-"` and the default `OIDCPassClaimsAs both`, every claim
 * arrives as an environment variable `OIDC-<claim>` and as a request header, which WSGI
 * spells `HTTP_OIDC_<CLAIM>`; REMOTE_USER is the `sub` claim. Mapping rules may use either
 * spelling (Keystone's docs use HTTP_OIDC_ISS). Several values of one claim are joined with
 * ';', the separator Keystone splits on (deployments set `OIDCClaimDelimiter ";"`).
 */
import type { Assertion } from './mapping-engine.ts'

export const OIDC_CLAIM_PREFIX = 'OIDC-'

/** The environment key and the WSGI header key of a claim. */
export function claimKeys (claim: string): [env: string, header: string] {
  return [`${OIDC_CLAIM_PREFIX}${claim}`, `HTTP_${`${OIDC_CLAIM_PREFIX}${claim}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`]
}

/** The assertion for a set of verified claims. */
export function oidcAssertion (claims: Readonly<Record<string, unknown>>): Assertion {
  const assertion: Record<string, string> = {}
  for (const [claim, value] of Object.entries(claims)) {
    if (value === undefined) continue
    const text = claimText(value)
    const [env, header] = claimKeys(claim)
    assertion[env] = text
    assertion[header] = text
  }
  if (typeof claims.sub === 'string') assertion.REMOTE_USER = claims.sub
  return assertion
}

/** mod_auth_openidc's text of a claim value: strings as they are, booleans 1/0, arrays joined by ';', objects as JSON. */
export function claimText (value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'number') return String(value)
  if (value === null) return ''
  if (Array.isArray(value)) return value.map(v => typeof v === 'string' ? v : claimText(v)).join(';')
  return JSON.stringify(value)
}
