/**
 * Keystone's mapping engine semantics, rule by rule, on plain assertions (the expectations are
 * what keystone.federation.utils.RuleProcessor gives for the same input).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { applyMapping, MappingError } from './mapping-engine.ts'

const map = (rules: unknown[], assertion: Record<string, string>): ReturnType<typeof applyMapping> => applyMapping('m', rules, assertion)

describe('applyMapping', () => {
  it('fills {0} and {1} from the remote matches and makes an ephemeral user by default', () => {
    const r = map([{ local: [{ user: { name: '{0} {1}', email: '{1}' } }], remote: [{ type: 'first' }, { type: 'mail' }] }], { first: 'Ann', mail: 'ann@x' })
    assert.deepEqual(r.user, { name: 'Ann ann@x', email: 'ann@x', type: 'ephemeral' })
    assert.deepEqual(r.groupIds, [])
    assert.deepEqual(r.projects, [])
  })

  it('skips a rule whose remote attribute is missing, and fails when no rule applies', () => {
    assert.throws(() => map([{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'absent' }] }], { present: 'x' }),
      (e: unknown) => e instanceof MappingError && e.kind === 'invalid')
  })

  it('requires any_one_of to match and not_any_of not to, exactly or by regex search', () => {
    const rules = (requirement: Record<string, unknown>): unknown[] => [{ local: [{ group: { id: 'g' } }], remote: [{ type: 'groups', ...requirement }] }]
    assert.deepEqual(map(rules({ any_one_of: ['b'] }), { groups: 'a;b' }).groupIds, ['g'])
    assert.throws(() => map(rules({ any_one_of: ['c'] }), { groups: 'a;b' }), MappingError)
    assert.throws(() => map(rules({ not_any_of: ['a'] }), { groups: 'a;b' }), MappingError)
    assert.deepEqual(map(rules({ not_any_of: ['z'] }), { groups: 'a;b' }).groupIds, ['g'])
    assert.deepEqual(map(rules({ any_one_of: ['^adm'], regex: true }), { groups: 'users;admins' }).groupIds, ['g'])
    assert.throws(() => map(rules({ any_one_of: ['^dm'], regex: true }), { groups: 'users;admins' }), MappingError)
  })

  it('formats the local part even when no remote entry maps a value, as Keystone does', () => {
    assert.equal(map([{ local: [{ user: { name: 'fixed' } }], remote: [{ type: 'x', any_one_of: ['1'] }] }], { x: '1' }).user.name, 'fixed')
    assert.throws(() => map([{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'x', any_one_of: ['1'] }] }], { x: '1' }),
      (e: unknown) => e instanceof MappingError && e.kind === 'internal')
  })

  it('maps several values as a Python list, which groups parses back', () => {
    const r = map([{ local: [{ groups: '{0}', domain: { name: 'fed' } }], remote: [{ type: 'groups' }] }], { groups: "dev;it's" })
    assert.deepEqual(r.groupNames, [{ name: 'dev', domain: { name: 'fed' } }, { name: "it's", domain: { name: 'fed' } }])
    const one = map([{ local: [{ groups: '{0}', domain: { id: 'd' } }], remote: [{ type: 'groups' }] }], { groups: 'solo' })
    assert.deepEqual(one.groupNames, [{ name: 'solo', domain: { id: 'd' } }])
  })

  it('filters values with whitelist and blacklist before mapping them', () => {
    const rule = (filter: Record<string, unknown>): unknown[] => [{ local: [{ group_ids: '{0}' }], remote: [{ type: 'ids', ...filter }] }]
    assert.deepEqual(map(rule({ whitelist: ['a', 'c'] }), { ids: 'a;b;c' }).groupIds.slice().sort(), ['a', 'c'])
    assert.deepEqual(map(rule({ blacklist: ['a'] }), { ids: 'a;b;c' }).groupIds.slice().sort(), ['b', 'c'])
    assert.deepEqual(map(rule({ whitelist: ['^x'], regex: true }), { ids: 'xa;yb' }).groupIds, ['xa'])
  })

  it('takes the first user of all matching rules and the groups of all of them', () => {
    const r = map([
      { local: [{ user: { name: '{0}' } }, { group: { id: 'g1' } }], remote: [{ type: 'sub' }] },
      { local: [{ user: { name: 'other' } }, { group: { name: 'ops', domain: { id: 'd' } } }], remote: [{ type: 'sub', any_one_of: ['ann'] }] },
      { local: [{ group: { id: 'never' } }], remote: [{ type: 'sub', any_one_of: ['bob'] }] }
    ], { sub: 'ann' })
    assert.equal(r.user.name, 'ann')
    assert.deepEqual(r.groupIds, ['g1'])
    assert.deepEqual(r.groupNames, [{ name: 'ops', domain: { id: 'd' } }])
  })

  it('reads JSON group objects from groups', () => {
    const r = map([{ local: [{ groups: '{0}' }], remote: [{ type: 'g' }] }], { g: 'JSON:{"name":"ops","domain":{"name":"fed"}}' })
    assert.deepEqual(r.groupNames, [{ name: 'ops', domain: { name: 'fed' } }])
  })

  it('refuses groups without a domain, and a {N} beyond the remote matches', () => {
    assert.throws(() => map([{ local: [{ groups: '{0}' }], remote: [{ type: 'g' }] }], { g: 'ops' }),
      (e: unknown) => e instanceof MappingError && e.kind === 'invalid' && e.message.includes("Both 'groups' and 'domain' keywords must be specified"))
    assert.throws(() => map([{ local: [{ user: { name: '{1}' } }], remote: [{ type: 'g' }] }], { g: 'x' }),
      (e: unknown) => e instanceof MappingError && e.kind === 'internal')
  })

  it('passes projects and a local user type through', () => {
    const r = map([{
      local: [{ user: { name: '{0}', type: 'local', domain: { name: 'Default' } }, projects: [{ name: 'p-{0}', roles: [{ name: 'member' }] }] }],
      remote: [{ type: 'sub' }]
    }], { sub: 'ann' })
    assert.equal(r.user.type, 'local')
    assert.deepEqual(r.user.domain, { name: 'Default' })
    assert.deepEqual(r.projects, [{ name: 'p-ann', roles: [{ name: 'member' }] }])
  })
})
