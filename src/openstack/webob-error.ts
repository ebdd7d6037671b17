/**
 * Error responses as WebOb 1.8 (Debian bookworm's python3-webob 1.8.6) renders its
 * webob.exc.HTTPException: the body is HTML, JSON or plain text after the request's Accept
 * header (offers text/html then application/json; no header means text/plain; a header WebOb
 * cannot parse accepts everything, so HTML). Glance answers every fault this way, and Nova does
 * for an unknown URL and every service for the sizelimit 413. Reproduced from WebOb's templates
 * and strip_tags(), checked byte for byte against the real library.
 */
import type { HttpHeaders, HttpResponse } from '../core/http.ts'
import { reasonPhrase } from './faults.ts'

/** webob.exc titles, which differ from the usual reason phrases in places (416). */
export const WEBOB_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Request Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable'
}

/** webob.exc default explanations. */
export const WEBOB_EXPLANATIONS: Readonly<Record<number, string>> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
  410: 'This resource is no longer available. No forwarding address is given.',
  412: 'Request precondition failed.',
  413: 'The body of your request was too large for this server.',
  416: 'The Range requested is not available.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  501: 'The request method ${REQUEST_METHOD} is not implemented for this server.',
  503: 'The server is currently unavailable. Please try again at a later time.'
}

export interface WebobErrorOptions {
  /** Replaces the standard explanation (e.g. 'No image found with ID …'). */
  readonly explanation?: string
  /** WebOb's `detail`, shown under the explanation (what a positional message becomes). */
  readonly detail?: string
  /** The request method, for the 405 template. */
  readonly method?: string
  readonly headers?: Record<string, string>
}

type Escape = (text: string) => string

export function webobErrorResponse (status: number, requestHeaders: HttpHeaders, options: WebobErrorOptions = {}): HttpResponse {
  const title = WEBOB_TITLES[status] ?? reasonPhrase(status)
  const statusLine = `${status} ${title}`
  const explanation = options.explanation ?? WEBOB_EXPLANATIONS[status] ?? ''
  const detail = options.detail ?? ''
  const template = (escape: Escape): string => {
    if (status === 405 && options.explanation === undefined) {
      return `The method ${escape(options.method ?? 'GET')} is not allowed for this resource. <br /><br />\n${escape(detail)}`
    }
    if (status === 415 && options.explanation === undefined) {
      return `The request media type ${escape(requestHeaders['content-type'] ?? '${CONTENT_TYPE}')} is not supported by this server.\n<br /><br />\n${escape(detail)}`
    }
    return `${escape(explanation)}<br /><br />\n${escape(detail)}\n\n`
  }
  const headers: Record<string, string> = { ...options.headers }
  switch (bestMatch(requestHeaders.accept ?? '')) {
    case 'text/html':
      headers['content-type'] = 'text/html; charset=UTF-8'
      return { status, headers, body: `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${template(htmlEscape)}\n </body>\n</html>` }
    case 'application/json':
      headers['content-type'] = 'application/json'
      return { status, headers, body: `{"message": ${pyJsonString(template(s => s))}, "code": ${pyJsonString(statusLine)}, "title": ${pyJsonString(title)}}` }
    default:
      headers['content-type'] = 'text/plain; charset=UTF-8'
      return { status, headers, body: `${statusLine}\n\n${stripTags(template(s => s))}` }
  }
}

/** WebOb's strip_tags: newlines become spaces, <br> becomes a newline, other tags and comments go. */
function stripTags (value: string): string {
  return value.replaceAll('\n', ' ').replaceAll('\r', '').replace(/<br.*?>/gis, '\n').replace(/<!--|-->/g, '').replace(/<.*?>/gs, '')
}

/** html.escape(quote=True), plus non-ASCII as character references, as WebOb's html_escape does. */
function htmlEscape (value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#x27;')
    .replace(/[\u0080-\u{10ffff}]/gu, ch => `&#${ch.codePointAt(0) ?? 0};`)
}

/** A JSON string as Python's json.dumps writes it (non-ASCII escaped). */
function pyJsonString (text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const MEDIA_RANGE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+=("[^"]*"|[!#$%&'*+.^_`|~0-9A-Za-z-.]+))*$/
const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/

/**
 * WebOb's Accept negotiation over the offers ['text/html', 'application/json']: the most
 * specific matching range gives an offer its quality; the highest quality wins, ties go to the
 * earlier offer. No header matches nothing (plain text); a header WebOb cannot parse accepts
 * everything (so HTML, the first offer).
 */
function bestMatch (accept: string): 'text/html' | 'application/json' | null {
  if (accept.trim() === '') return null
  const parts = accept.split(',').map(p => p.trim()).filter(p => p !== '')
  const valid = parts.length > 0 && parts.every(p => MEDIA_RANGE.test(p) && [...p.matchAll(/;\s*q=([^;]*)/gi)].every(m => QVALUE.test((m[1] ?? '').trim())))
  if (!valid) return 'text/html'
  const ranges = parts.map(part => {
    const [range = '', ...params] = part.split(';').map(s => s.trim())
    let q = 1
    for (const p of params) {
      const [k, v] = p.split('=')
      if (k?.trim().toLowerCase() === 'q' && v !== undefined) q = Number(v)
    }
    return { range: range.toLowerCase(), q }
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
