/**
 * Error responses as WebOb 1.8 (Debian bookworm's python3-webob 1.8.6) renders its
 * webob.exc.HTTPException: the body is HTML, JSON or plain text after the request's Accept
 * header (offers text/html then application/json; nothing acceptable means text/plain). Glance
 * answers every fault this way, and Nova does for an unknown URL and for 413. Reproduced from
 * WebOb's templates and its strip_tags(), checked byte for byte against the real library.
 */
import type { HttpHeaders, HttpResponse } from '../core/http.ts'
import { reasonPhrase } from './faults.ts'

export interface WebobErrorOptions {
  /** Replaces the standard explanation (e.g. 'No image found with ID …'). */
  readonly explanation?: string
  readonly detail?: string
  /** The request method, for the 405 template. */
  readonly method?: string
  readonly headers?: Record<string, string>
}

const DEFAULT_EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested.  Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
  413: 'The body of your request was too large for this server.',
  415: 'The request media type ${CONTENT_TYPE} is not supported by this server.',
  416: 'The Range requested is not available.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  501: 'The request method ${REQUEST_METHOD} is not implemented for this server.',
  503: 'The server is currently unavailable. Please try again at a later time.'
}

export function webobErrorResponse (status: number, requestHeaders: HttpHeaders, options: WebobErrorOptions = {}): HttpResponse {
  const statusLine = `${status} ${reasonPhrase(status)}`
  const explanation = options.explanation ?? DEFAULT_EXPLANATIONS[status] ?? ''
  const detail = options.detail ?? ''
  const template = (escape: (s: string) => string): string => status === 405 && options.explanation === undefined
    ? `The method ${escape(options.method ?? 'GET')} is not allowed for this resource. <br /><br />\n${escape(detail)}`
    : `${escape(explanation)}<br /><br />\n${escape(detail)}\n\n`
  const match = bestMatch(requestHeaders.accept ?? '')
  let contentType: string
  let body: string
  if (match === 'text/html') {
    contentType = 'text/html; charset=UTF-8'
    body = `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${template(htmlEscape)}\n </body>\n</html>`
  } else if (match === 'application/json') {
    contentType = 'application/json'
    body = pythonJsonDumps({ message: template(s => s), code: statusLine, title: reasonPhrase(status) })
  } else {
    contentType = 'text/plain; charset=UTF-8'
    body = `${statusLine}\n\n${stripTags(template(s => s))}`
  }
  return { status, headers: { ...options.headers, 'content-type': contentType }, body }
}

/** WebOb's strip_tags: newlines become spaces, <br> becomes a newline, other tags and comments go. */
function stripTags (value: string): string {
  return value.replaceAll('\n', ' ').replaceAll('\r', '').replace(/<br.*?>/g, '\n').replace(/<!--|-->/g, '').replace(/<.*?>/g, '')
}

function htmlEscape (value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#x27;')
}

/** json.dumps() spacing (", " and ": "), which clients never parse by spacing but which keeps bodies identical. */
function pythonJsonDumps (value: Record<string, string>): string {
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`
}

const MEDIA_RANGE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+=("[^"]*"|[!#$%&'*+.^_`|~0-9A-Za-z-.]+))*$/
const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/

/**
 * WebOb's Accept negotiation over the offers ['text/html', 'application/json']: the highest
 * quality wins, ties go to the earlier offer. No header matches nothing (plain text); a header
 * WebOb cannot parse accepts everything (so HTML, the first offer).
 */
function bestMatch (accept: string): 'text/html' | 'application/json' | null {
  if (accept.trim() === '') return null
  const parts = accept.split(',').map(p => p.trim()).filter(p => p !== '')
  const valid = parts.length > 0 && parts.every(p => MEDIA_RANGE.test(p) && [...p.matchAll(/;\s*q=([^;]*)/gi)].every(m => QVALUE.test((m[1] ?? '').trim())))
  if (!valid) return 'text/html'
  const ranges = parts.map(part => {
    const [range = '', ...params] = part.trim().split(';').map(s => s.trim())
    let q = 1
    for (const p of params) {
      const [k, v] = p.split('=')
      if (k?.trim().toLowerCase() === 'q' && v !== undefined) q = Number(v)
    }
    return { range: range.toLowerCase(), q: Number.isFinite(q) ? q : 0 }
  })
  let best: { offer: 'text/html' | 'application/json', q: number } | null = null
  for (const offer of ['text/html', 'application/json'] as const) {
    const [type, subtype] = offer.split('/')
    let q = -1
    let specificity = -1
    for (const r of ranges) {
      const [rt, rs] = r.range.split('/')
      const s = rt === type && rs === subtype ? 2 : rt === type && rs === '*' ? 1 : rt === '*' && rs === '*' ? 0 : -1
      if (s > specificity) {
        specificity = s
        q = r.q
      }
    }
    if (q > 0 && (best === null || q > best.q)) best = { offer, q }
  }
  return best?.offer ?? null
}
