/**
 * Clients follow the absolute URLs in what the services answer (Nova's links and
 * servers_links, Neutron's *_links, Location headers, Keystone's WWW-Authenticate), so every
 * URL under a cloudlet's endpoint must become the same URL under the agent's. A rewriter is
 * built once per set of (upstream base → agent base) pairs and rewrites a JSON text in one
 * regex pass — the longest base wins, and a base matches only where the URL does not go on in
 * the same segment ('…:5001/compute' is not a prefix of '…:50012/compute' or '…/computer').
 * Relative links (Glance's '/v2/images?marker=…') are left as they are.
 */

export interface BaseUrlMapping {
  /** The upstream base, e.g. 'http://127.0.0.1:5001/compute'. */
  readonly from: string
  /** The agent's base it stands for, e.g. 'http://127.0.0.1:8000/compute'. */
  readonly to: string
}

export interface UrlRewriter {
  /** A JSON (or any) text with every upstream URL rewritten. */
  rewriteText(text: string): string
  /** Response headers with Location, Content-Location and WWW-Authenticate rewritten (a new object). */
  rewriteHeaders(headers: Readonly<Record<string, string>>): Record<string, string>
}

const REWRITTEN_HEADERS = new Set(['location', 'content-location', 'www-authenticate'])

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

export function urlRewriter (mappings: readonly BaseUrlMapping[]): UrlRewriter {
  const table = new Map<string, string>()
  for (const { from, to } of mappings) table.set(from.replace(/\/+$/, ''), to.replace(/\/+$/, ''))
  const froms = [...table.keys()].filter(f => f !== '').sort((a, b) => b.length - a.length)
  if (froms.length === 0) return { rewriteText: text => text, rewriteHeaders: headers => ({ ...headers }) }
  // Schemes and hosts are case-insensitive, but services echo them as configured: match exactly.
  const pattern = new RegExp(`(?:${froms.map(escapeRegExp).join('|')})(?![A-Za-z0-9._~%+-])`, 'g')
  const rewriteText = (text: string): string => text.replace(pattern, match => table.get(match) ?? match)
  return {
    rewriteText,
    rewriteHeaders (headers) {
      const out: Record<string, string> = {}
      for (const [name, value] of Object.entries(headers)) out[name] = REWRITTEN_HEADERS.has(name.toLowerCase()) ? rewriteText(value) : value
      return out
    }
  }
}
