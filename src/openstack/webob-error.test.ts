/**
 * WebOb's error bodies, compared with what python3-webob 1.8.6 itself printed for the same
 * status, explanation and Accept header (captured on Debian bookworm).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { webobErrorResponse } from './webob-error.ts'

describe('webobErrorResponse', () => {
  it('renders plain text when no Accept header is sent', () => {
    const r = webobErrorResponse(404, {})
    assert.equal(r.headers['content-type'], 'text/plain; charset=UTF-8')
    assert.equal(r.body, '404 Not Found\n\nThe resource could not be found.\n\n   ')
  })

  it('renders JSON for Accept: application/json', () => {
    const r = webobErrorResponse(413, { accept: 'application/json' }, { explanation: 'Request is too large.' })
    assert.equal(r.body, '{"message": "Request is too large.<br /><br />\\n\\n\\n", "code": "413 Request Entity Too Large", "title": "Request Entity Too Large"}')
  })

  it('prefers HTML on a tie, as WebOb does for "application/json, */*"', () => {
    const r = webobErrorResponse(404, { accept: 'application/json, */*' }, { explanation: 'No image found with ID abc' })
    assert.equal(r.body, '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID abc<br /><br />\n\n\n\n </body>\n</html>')
  })

  it('follows quality values', () => {
    assert.equal(webobErrorResponse(404, { accept: '*/*;q=0.8, application/json' }).headers['content-type'], 'application/json')
    assert.equal(webobErrorResponse(404, { accept: 'application/json;q=0.5, text/html;q=0.9' }).headers['content-type'], 'text/html; charset=UTF-8')
    assert.equal(webobErrorResponse(404, { accept: 'application/xml' }).headers['content-type'], 'text/plain; charset=UTF-8')
    assert.equal(webobErrorResponse(404, { accept: 'application/*' }).headers['content-type'], 'application/json')
    assert.equal(webobErrorResponse(404, { accept: '*/*;q=0' }).headers['content-type'], 'text/plain; charset=UTF-8')
  })

  it('answers HTML when the Accept header cannot be parsed, as WebOb does', () => {
    for (const accept of ['foo', 'text', ';;', 'application/json;q=abc']) {
      assert.equal(webobErrorResponse(404, { accept }).headers['content-type'], 'text/html; charset=UTF-8', accept)
    }
  })

  it('negotiates over text/html and application/json as WebOb does', () => {
    const format = (accept: string | undefined): string | undefined => webobErrorResponse(404, accept === undefined ? {} : { accept }).headers['content-type']
    assert.equal(format(undefined), 'text/plain; charset=UTF-8')
    assert.equal(format('text/plain'), 'text/plain; charset=UTF-8')
    assert.equal(format('application/json;q=0.5, text/html;q=0.4'), 'application/json')
    assert.equal(format('text/*'), 'text/html; charset=UTF-8')
    assert.equal(format('garbage'), 'text/html; charset=UTF-8')
  })

  it('escapes non-ASCII as Python does: character references in HTML, \\u escapes in JSON', () => {
    assert.match(webobErrorResponse(404, { accept: 'text/html' }, { explanation: 'No image named é' }).body as string, /No image named &#233;/)
    assert.match(webobErrorResponse(404, { accept: 'application/json' }, { explanation: 'No image named é' }).body as string, /No image named \\u00e9/)
  })

  it('uses WebOb’s default 413 explanation', () => {
    assert.equal(webobErrorResponse(413, {}).body, '413 Request Entity Too Large\n\nThe body of your request was too large for this server.\n\n   ')
  })

  it('uses the 405 template with the method', () => {
    assert.equal(webobErrorResponse(405, {}, { method: 'GET' }).body, '405 Method Not Allowed\n\nThe method GET is not allowed for this resource. \n\n ')
  })
})
