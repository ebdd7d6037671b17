/**
 * Which URLs the emulated Glance may fetch (web-download imports, http locations): Glance's
 * import filtering — http or https, default ports 80/443 — narrowed by the cloudlet's
 * allow-list of host names ('images.example.org' or '*.example.org', optionally with ':port'
 * to allow another port). Loopback, link-local, private and unspecified addresses (and
 * 'localhost') pass only when listed exactly, never through a wildcard. Host names are not
 * resolved here, so a public name that resolves to a private address is not caught.
 */

export function isFetchAllowed (uri: string, allowedHosts: readonly string[]): boolean {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  const host = url.hostname.toLowerCase()
  if (host === '') return false
  const port = url.port === '' ? null : Number(url.port)
  for (const entry of allowedHosts) {
    const [entryHost, entryPort] = splitEntry(entry.toLowerCase())
    if (entryPort !== null ? port !== entryPort : port !== null && port !== 80 && port !== 443) continue
    if (entryHost === host) return true
    if (entryHost.startsWith('*.') && host.endsWith(entryHost.slice(1)) && !isInternalHost(host)) return true
  }
  return false
}

function splitEntry (entry: string): [host: string, port: number | null] {
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(entry)
  if (bracketed !== null) return [bracketed[1] as string, bracketed[2] === undefined ? null : Number(bracketed[2])]
  const colon = entry.lastIndexOf(':')
  if (colon !== -1 && entry.indexOf(':') === colon && /^\d+$/.test(entry.slice(colon + 1))) return [entry.slice(0, colon), Number(entry.slice(colon + 1))]
  return [entry, null]
}

/** Loopback, link-local, private, shared or unspecified addresses, and localhost names. */
export function isInternalHost (host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name)
  if (v4 !== null) return isInternalIpv4(v4.slice(1, 5).map(Number))
  if (!name.includes(':')) return false
  const mapped = /^::ffff:(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name)
  if (mapped !== null) return isInternalIpv4(mapped.slice(1, 5).map(Number))
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(name)
  if (mappedHex !== null) {
    const hi = parseInt(mappedHex[1] as string, 16)
    const lo = parseInt(mappedHex[2] as string, 16)
    return isInternalIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255])
  }
  if (name === '::' || name === '::1') return true
  const first = parseInt(name.split(':')[0] || '0', 16)
  return (first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00
}

function isInternalIpv4 ([a = 0, b = 0]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
}
