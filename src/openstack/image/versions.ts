/**
 * Glance's version documents. The emulated Glance is a Zed (25.x) Glance with multiple stores
 * enabled (one store, 'file') and no image cache, so it reports what such a Glance reports:
 * v2.15 CURRENT, then v2.13 … v2.8 (multistore), then v2.7 … v2.0 — v2.14 and v2.16 belong to
 * the cache API, which is not served. The minor versions are informational (Glance has no
 * microversion headers); every href is the same `{image}/v2/`.
 */

const VERSIONS: ReadonlyArray<readonly [id: string, status: 'CURRENT' | 'SUPPORTED']> = [
  ['v2.15', 'CURRENT'],
  ['v2.13', 'SUPPORTED'],
  ['v2.12', 'SUPPORTED'],
  ['v2.11', 'SUPPORTED'],
  ['v2.10', 'SUPPORTED'],
  ['v2.9', 'SUPPORTED'],
  ['v2.8', 'SUPPORTED'],
  ['v2.7', 'SUPPORTED'],
  ['v2.6', 'SUPPORTED'],
  ['v2.5', 'SUPPORTED'],
  ['v2.4', 'SUPPORTED'],
  ['v2.3', 'SUPPORTED'],
  ['v2.2', 'SUPPORTED'],
  ['v2.1', 'SUPPORTED'],
  ['v2.0', 'SUPPORTED']
]

/** The version segments Glance's version negotiation accepts at the start of a path ('/v2.9/images' is '/v2/images'). */
export const IMAGE_PATH_VERSIONS: ReadonlySet<string> = new Set(['v2', ...VERSIONS.map(([id]) => id)])

/** `{"versions": [...]}`, as GET / (300) and GET /versions (200) answer; `imageUrl` is the service root. */
export function imageVersionsDocument (imageUrl: string): unknown {
  const href = `${imageUrl.replace(/\/+$/, '')}/v2/`
  return { versions: VERSIONS.map(([id, status]) => ({ id, status, links: [{ rel: 'self', href }] })) }
}
