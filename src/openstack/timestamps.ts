/**
 * The timestamp spellings OpenStack services use, which clients parse strictly:
 * Keystone `2026-11-25T12:50:50.000000Z`, Nova `2026-11-25T11:52:21Z` (and
 * `2026-11-25T11:52:32.000000` for launched_at), Neutron and Glance `2026-11-25T10:50:45Z`.
 */

/** ISO 8601 with microseconds and Z: Keystone's expires_at/issued_at. */
export function isoMicrosZ (ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

/** ISO 8601 to the second with Z: Nova's created/updated, Neutron, Glance. */
export function isoSecondsZ (ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** ISO 8601 with microseconds and no zone: Nova's launched_at/terminated_at. */
export function isoMicrosNaive (ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000')
}

/** Parses an ISO 8601 timestamp (zone optional, UTC assumed); null when it is not one. */
export function parseIsoTimestamp (text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) return null
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)
  const ms = Date.parse(hasZone ? trimmed.replace(' ', 'T') : `${trimmed.replace(' ', 'T')}Z`)
  return Number.isNaN(ms) ? null : ms
}
