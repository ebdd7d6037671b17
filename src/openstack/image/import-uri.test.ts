/**
 * Which URLs the emulated Glance may fetch: the allow-list, default ports, and internal
 * addresses that only an exact entry lets through.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isFetchAllowed, isInternalHost } from './import-uri.ts'

describe('isFetchAllowed', () => {
  it('allows listed names and *.suffix wildcards on http(s) default ports', () => {
    const allowed = ['images.example.org', '*.cdn.example.net']
    assert.equal(isFetchAllowed('https://images.example.org/a.img', allowed), true)
    assert.equal(isFetchAllowed('http://images.example.org:80/a.img', allowed), true)
    assert.equal(isFetchAllowed('https://eu.cdn.example.net/a.img', allowed), true)
    assert.equal(isFetchAllowed('https://cdn.example.net/a.img', allowed), false)
    assert.equal(isFetchAllowed('https://other.example.org/a.img', allowed), false)
    assert.equal(isFetchAllowed('https://images.example.org:8443/a.img', allowed), false)
    assert.equal(isFetchAllowed('ftp://images.example.org/a.img', allowed), false)
    assert.equal(isFetchAllowed('not a url', allowed), false)
    assert.equal(isFetchAllowed('https://images.example.org/a.img', []), false)
  })

  it('lets internal addresses through only when listed exactly, with their port if any', () => {
    assert.equal(isFetchAllowed('http://127.0.0.1/x', ['*.0.0.1']), false)
    assert.equal(isFetchAllowed('http://127.0.0.1:8080/x', ['127.0.0.1:8080']), true)
    assert.equal(isFetchAllowed('http://127.0.0.1:8081/x', ['127.0.0.1:8080']), false)
    assert.equal(isFetchAllowed('http://[::1]:9000/x', ['[::1]:9000']), true)
    assert.equal(isFetchAllowed('http://localhost/x', ['localhost']), true)
    assert.equal(isFetchAllowed('http://a.localhost/x', ['*.localhost']), false)
  })

  it('recognises loopback, private, link-local and unspecified addresses in any spelling', () => {
    for (const host of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.0.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '[::1]', '[fe80::1]', '[fd00::1]', '[::ffff:7f00:1]', 'localhost']) {
      assert.equal(isInternalHost(host), true, host)
    }
    for (const host of ['8.8.8.8', '172.32.0.1', 'example.org', '[2001:db8::1]']) assert.equal(isInternalHost(host), false, host)
    assert.equal(isFetchAllowed('http://0x7f.1/x', ['*.1']), false, 'URL parsing turns 0x7f.1 into 127.0.0.1')
  })
})
