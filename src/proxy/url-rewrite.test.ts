import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { urlRewriter } from './url-rewrite.ts'

const rewriter = urlRewriter([
  { from: 'http://127.0.0.1:5001/compute', to: 'http://127.0.0.1:8000/compute' },
  { from: 'http://127.0.0.1:5001/compute/v2.1/', to: 'https://cloud.example/compute/v2.1' },
  { from: 'http://127.0.0.1:5001/networking', to: 'http://127.0.0.1:8000/networking' }
])

describe('urlRewriter', () => {
  it('rewrites every upstream URL in a JSON body, the longest base first', () => {
    const body = JSON.stringify({
      server: { id: 's1', links: [{ rel: 'self', href: 'http://127.0.0.1:5001/compute/v2.1/servers/s1' }, { rel: 'bookmark', href: 'http://127.0.0.1:5001/compute/servers/s1' }] },
      networks_links: [{ rel: 'next', href: 'http://127.0.0.1:5001/networking/v2.0/networks?limit=2&marker=n1' }]
    })
    assert.deepEqual(JSON.parse(rewriter.rewriteText(body)), {
      server: { id: 's1', links: [{ rel: 'self', href: 'https://cloud.example/compute/v2.1/servers/s1' }, { rel: 'bookmark', href: 'http://127.0.0.1:8000/compute/servers/s1' }] },
      networks_links: [{ rel: 'next', href: 'http://127.0.0.1:8000/networking/v2.0/networks?limit=2&marker=n1' }]
    })
  })

  it('leaves URLs that only share a prefix, and relative links, alone', () => {
    const text = '{"a":"http://127.0.0.1:50012/compute/x","b":"http://127.0.0.1:5001/computer","c":"/v2/images?marker=i1","d":"http://127.0.0.1:5001/compute"}'
    assert.equal(rewriter.rewriteText(text), '{"a":"http://127.0.0.1:50012/compute/x","b":"http://127.0.0.1:5001/computer","c":"/v2/images?marker=i1","d":"http://127.0.0.1:8000/compute"}')
  })

  it('rewrites Location, Content-Location and WWW-Authenticate only', () => {
    assert.deepEqual(rewriter.rewriteHeaders({
      location: 'http://127.0.0.1:5001/compute/v2.1/servers/s1',
      'www-authenticate': 'Keystone uri="http://127.0.0.1:5001/networking"',
      'x-other': 'http://127.0.0.1:5001/compute'
    }), {
      location: 'https://cloud.example/compute/v2.1/servers/s1',
      'www-authenticate': 'Keystone uri="http://127.0.0.1:8000/networking"',
      'x-other': 'http://127.0.0.1:5001/compute'
    })
  })

  it('handles a big body in one pass', () => {
    const servers = Array.from({ length: 2000 }, (_, i) => ({ id: `s${i}`, links: [{ rel: 'self', href: `http://127.0.0.1:5001/compute/v2.1/servers/s${i}` }] }))
    const out = rewriter.rewriteText(JSON.stringify({ servers }))
    assert.equal(out.split('https://cloud.example/compute/v2.1/servers/').length - 1, 2000)
    assert.ok(!out.includes('5001'))
  })

  it('with no mappings returns the text as it is', () => {
    assert.equal(urlRewriter([]).rewriteText('http://a/b'), 'http://a/b')
  })
})
