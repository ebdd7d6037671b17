/**
 * Keystone's version documents: the root answers 300 with `versions.values` (a nesting only
 * Keystone uses), /v3 answers 200. Identity API v3.14 is what Keystone 22 (Zed) reports.
 */

export const IDENTITY_API_VERSION = 'v3.14'
const UPDATED = '2020-04-07T00:00:00Z'

function v3 (identityUrl: string): Record<string, unknown> {
  return {
    id: IDENTITY_API_VERSION,
    status: 'stable',
    updated: UPDATED,
    links: [{ rel: 'self', href: `${identityUrl}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }]
  }
}

export function identityVersionsDocument (identityUrl: string): unknown {
  return { versions: { values: [v3(identityUrl)] } }
}

export function identityVersionDocument (identityUrl: string): unknown {
  return { version: v3(identityUrl) }
}
