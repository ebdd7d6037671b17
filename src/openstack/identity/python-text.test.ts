/**
 * The Python text behaviour the mapping engine reproduces, checked against what CPython prints.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { claimKeys, oidcAssertion } from './oidc-assertion.ts'
import { pyRepr } from '../python-text.ts'
import { PyFormatError, pyFormat, pyLiteralList, pyLstrip, pyQuote } from './python-text.ts'

describe('pyRepr', () => {
  it('quotes like CPython', () => {
    assert.equal(pyRepr('abc'), "'abc'")
    assert.equal(pyRepr("it's"), '"it\'s"')
    assert.equal(pyRepr('both \' and "'), "'both \\' and \"'")
    assert.equal(pyRepr('a\nb\\'), "'a\\nb\\\\'")
    assert.equal(pyRepr(['a', 1, true, null]), "['a', 1, True, None]")
    assert.equal(pyRepr({ type: 'x', any_one_of: [] }), "{'type': 'x', 'any_one_of': []}")
  })
})

describe('pyFormat', () => {
  it('replaces positional fields, escapes braces and stringifies lists as repr', () => {
    assert.equal(pyFormat('{0}-{1}', ['a', 'b']), 'a-b')
    assert.equal(pyFormat('{}+{}', ['a', 'b']), 'a+b')
    assert.equal(pyFormat('{{0}} {0!r}', ['a']), "{0} 'a'")
    assert.equal(pyFormat('{0}', [['a', 'b']]), "['a', 'b']")
  })

  it('fails as Python does', () => {
    assert.throws(() => pyFormat('{1}', ['a']), (e: unknown) => e instanceof PyFormatError && e.kind === 'index')
    assert.throws(() => pyFormat('{name}', ['a']), (e: unknown) => e instanceof PyFormatError && e.kind === 'other')
    assert.throws(() => pyFormat('a}', ['a']), (e: unknown) => e instanceof PyFormatError && e.kind === 'other')
    assert.throws(() => pyFormat('{0}{}', ['a', 'b']), (e: unknown) => e instanceof PyFormatError && e.kind === 'other')
  })
})

describe('pyLiteralList', () => {
  it('parses list literals and refuses anything else', () => {
    assert.deepEqual(pyLiteralList("['a', \"b\", 3, None]"), ['a', 'b', 3, null])
    assert.deepEqual(pyLiteralList('[]'), [])
    assert.deepEqual(pyLiteralList("['it\\'s']"), ["it's"])
    assert.equal(pyLiteralList('abc'), null)
    assert.equal(pyLiteralList("'abc'"), null)
    assert.equal(pyLiteralList('5'), null)
    assert.equal(pyLiteralList("['a'"), null)
  })
})

describe('pyQuote and pyLstrip', () => {
  it('percent-encodes as urllib.parse.quote with safe="/"', () => {
    assert.equal(pyQuote('alice@example.com'), 'alice%40example.com')
    assert.equal(pyQuote('a b/c~d'), 'a%20b/c~d')
    assert.equal(pyQuote('é'), '%C3%A9')
  })

  it('strips a set of leading characters', () => {
    assert.equal(pyLstrip('JSON:{"a":1}', 'JSON:'), '{"a":1}')
    assert.equal(pyLstrip('NOSJx', 'JSON:'), 'x')
  })
})

describe('oidcAssertion', () => {
  it('exposes every claim as OIDC-<claim> and HTTP_OIDC_<CLAIM>, lists joined with ";", and REMOTE_USER as sub', () => {
    const a = oidcAssertion({ sub: 's1', preferred_username: 'ann', groups: ['a', 'b'], email_verified: true, exp: 17 })
    assert.equal(a['OIDC-preferred_username'], 'ann')
    assert.equal(a.HTTP_OIDC_PREFERRED_USERNAME, 'ann')
    assert.equal(a['OIDC-groups'], 'a;b')
    assert.equal(a['OIDC-email_verified'], '1')
    assert.equal(a['OIDC-exp'], '17')
    assert.equal(a.REMOTE_USER, 's1')
    assert.deepEqual(claimKeys('iss'), ['OIDC-iss', 'HTTP_OIDC_ISS'])
  })
})
