/**
 * Glance's fault bodies, as webob renders its HTTP exceptions: the format follows the request's
 * Accept header — text/html (also when any type is accepted), application/json
 * ({"message", "code": "404 Not Found", "title"}), or text/plain ("404 Not Found\n\n<text>")
 * when neither is acceptable or there is no Accept at all. The text comes from webob's body
 * template "<explanation><br /><br />\n<detail>\n\n", tags stripped for plain text and kept
 * in JSON. 405 and 415 use webob's own templates naming the method or the media type.
 */
import type { HttpRequest, HttpResponse } from '../../core/http.ts'
import type { OpenStackFault } from '../faults.ts'
import { reasonPhrase } from '../faults.ts'
import { WEBOB_EXPLANATIONS, WEBOB_TITLES, WebobDetailFault } from './webob-fault.ts'

type Escape = (text: string) => string

export function renderImageFault (fault: OpenStackFault, request: HttpRequest): HttpResponse {
  const status = fault.status
  const title = WEBOB_TITLES[status] ?? reasonPhrase(status)
  const statusLine = `${status} ${title}`
  const explanation = status === 500 || status === 401 ? WEBOB_EXPLANATIONS[status] ?? fault.message : fault.message
  const detail = fault instanceof WebobDetailFault ? fault.detail : ''
  const body = (escape: Escape): string => {
    if (status === 405) return `The method ${escape(request.method)} is not allowed for this resource. <br /><br />\n${escape(detail)}`
    if (status === 415) return `The request media type ${escape(request.headers['content-type'] ?? '$' + '{CONTENT_TYPE}')} is not supported by this server.\n<br /><br />\n${escape(detail)}`
    return `${escape(explanation)}<br /><br />\n${escape(detail)}\n\n`
  }
  const headers: Record<string, string> = {}
  if (status === 401) headers['www-authenticate'] = `Keystone uri="${request.url.origin}/identity"`
  switch (preferredFormat(request.headers.accept)) {
    case 'html':
      headers['content-type'] = 'text/html; charset=UTF-8'
      return { status, headers, body: `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${body(htmlEscape)}\n </body>\n</html>` }
    case 'json':
      headers['content-type'] = 'application/json'
      return { status, headers, body: `{"message": ${pyJsonString(body(noEscape))}, "code": ${pyJsonString(statusLine)}, "title": ${pyJsonString(title)}}` }
    default:
      headers['content-type'] = 'text/plain; charset=UTF-8'
      return { status, headers, body: `${statusLine}\n\n${stripTags(body(noEscape))}` }
  }
}

const noEscape: Escape = text => text

function htmlEscape (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;')
    .replace(/[\u0080-\u{10ffff}]/gu, ch => `&#${ch.codePointAt(0) ?? 0};`)
}

/** webob's strip_tags: newlines become spaces, <br> becomes a newline, other tags go. */
function stripTags (text: string): string {
  return text.replace(/\n/g, ' ').replace(/\r/g, '').replace(/<br.*?>/gis, '\n').replace(/<!--|-->/g, '').replace(/<.*?>/gs, '')
}

/** A JSON string as Python's json.dumps writes it (non-ASCII escaped). */
function pyJsonString (text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Which of text/html and application/json the Accept header prefers, as webob's
 * acceptable_offers() decides it: the most specific matching range gives an offer its quality,
 * ties keep the order html, json; no header (or one accepting neither) means plain text.
 */
export function preferredFormat (accept: string | undefined): 'html' | 'json' | 'plain' {
  if (accept === undefined || accept.trim() === '') return 'plain'
  const ranges: Array<{ type: string, subtype: string, q: number }> = []
  for (const part of accept.split(',')) {
    if (part.trim() === '') continue
    const [mediaRange, ...params] = part.trim().split(';')
    const [type, subtype, extra] = (mediaRange ?? '').trim().toLowerCase().split('/')
    // An unreadable header makes every offer acceptable, so HTML wins (webob's AcceptInvalidHeader).
    if (type === undefined || subtype === undefined || extra !== undefined || type === '' || subtype === '') return 'html'
    let q = 1
    for (const param of params) {
      const [name, value] = param.trim().split('=')
      if (name?.trim().toLowerCase() === 'q') {
        q = Number(value)
        if (value === undefined || !Number.isFinite(q) || q < 0 || q > 1) return 'html'
      }
    }
    ranges.push({ type, subtype, q })
  }
  const quality = (type: string, subtype: string): number => {
    let best: { specificity: number, q: number } | null = null
    for (const range of ranges) {
      const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1
      if (specificity >= 0 && (best === null || specificity > best.specificity)) best = { specificity, q: range.q }
    }
    return best?.q ?? 0
  }
  const html = quality('text', 'html')
  const json = quality('application', 'json')
  if (html <= 0 && json <= 0) return 'plain'
  return json > html ? 'json' : 'html'
}
