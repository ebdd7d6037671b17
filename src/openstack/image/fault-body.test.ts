/**
 * Glance's webob fault bodies, compared with what Debian's python3-webob 1.8.6 printed for the
 * same exception and Accept header (captured on this machine), including the `detail` form.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { httpRequest } from '../../core/http.ts'
import { MethodNotAllowed, NotFound, UnsupportedMediaType } from '../faults.ts'
import { renderImageFault } from './fault-body.ts'
import { WebobDetailFault } from './webob-fault.ts'

const request = (headers: Record<string, string> = {}, method = 'GET') => httpRequest(method, 'http://h/image/v2/images/x', { headers })

describe('renderImageFault', () => {
  it('renders an explanation as plain text, JSON and HTML', () => {
    const fault = new NotFound('No image found with ID x')
    const plain = renderImageFault(fault, request())
    assert.equal(plain.headers['content-type'], 'text/plain; charset=UTF-8')
    assert.equal(plain.body, '404 Not Found\n\nNo image found with ID x\n\n   ')
    const json = renderImageFault(fault, request({ accept: 'application/json' }))
    assert.equal(json.headers['content-type'], 'application/json')
    assert.equal(json.body, '{"message": "No image found with ID x<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}')
    const html = renderImageFault(fault, request({ accept: '*/*' }))
    assert.equal(html.body, '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID x<br /><br />\n\n\n\n </body>\n</html>')
  })

  it('renders a detail under the default explanation', () => {
    const fault = new WebobDetailFault(416, 'Invalid Range header.')
    assert.equal(renderImageFault(fault, request()).body, '416 Request Range Not Satisfiable\n\nThe Range requested is not available.\n\n Invalid Range header.  ')
    assert.equal(renderImageFault(fault, request({ accept: 'application/json' })).body,
      '{"message": "The Range requested is not available.<br /><br />\\nInvalid Range header.\\n\\n", "code": "416 Request Range Not Satisfiable", "title": "Request Range Not Satisfiable"}')
  })

  it('escapes for HTML and writes non-ASCII JSON as Python does', () => {
    const fault = new NotFound('Café <x> & "y" \'z\'')
    assert.equal(renderImageFault(fault, request({ accept: 'text/html' })).body,
      '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  Caf&#233; &lt;x&gt; &amp; &quot;y&quot; &#x27;z&#x27;<br /><br />\n\n\n\n </body>\n</html>')
    assert.equal(renderImageFault(new NotFound('Café'), request({ accept: 'application/json' })).body,
      '{"message": "Caf\\u00e9<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}')
  })

  it('uses webob\'s own templates for 405 and 415', () => {
    assert.equal(renderImageFault(new MethodNotAllowed(['GET']), request({}, 'PUT')).body, '405 Method Not Allowed\n\nThe method PUT is not allowed for this resource. \n\n ')
    const media = new UnsupportedMediaType('x')
    assert.equal(renderImageFault(media, request({ 'content-type': 'application/json' }, 'PATCH')).body,
      '415 Unsupported Media Type\n\nThe request media type application/json is not supported by this server. \n\n ')
    assert.equal(renderImageFault(media, request({}, 'PATCH')).body,
      '415 Unsupported Media Type\n\nThe request media type ${CONTENT_TYPE} is not supported by this server. \n\n ')
  })
})
