/**
 * OS-FEDERATION configuration through the emulated Keystone's HTTP surface: identity providers
 * (with the domain Keystone makes for them, unique remote ids, disabled by default), mappings
 * checked against Keystone's mapping schema, protocols, and the faults of each route. Logins
 * are in federation-auth.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

const IDPS = '/identity/v3/OS-FEDERATION/identity_providers'
const MAPPINGS = '/identity/v3/OS-FEDERATION/mappings'
const RULES = [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'OIDC-sub' }] }]

async function admin (): Promise<{ c: TestCloudlet, token: string }> {
  const c = await makeTestCloudlet()
  return { c, token: await c.token() }
}

describe('/v3/OS-FEDERATION/identity_providers', () => {
  it('creates a provider in a new domain of its own, disabled unless told otherwise', async () => {
    const { c, token } = await admin()
    const r = await c.call('PUT', `${IDPS}/acme`, { token, json: { identity_provider: { remote_ids: ['https://acme.test'], description: 'ACME' } } })
    assert.equal(r.status, 201, r.text)
    const idp = r.json().identity_provider
    assert.equal(idp.id, 'acme')
    assert.equal(idp.enabled, false)
    assert.deepEqual(idp.remote_ids, ['https://acme.test'])
    assert.equal(idp.authorization_ttl, null)
    assert.deepEqual(idp.links, { self: 'http://cloudlet.test/identity/v3/OS-FEDERATION/identity_providers/acme', protocols: 'http://cloudlet.test/identity/v3/OS-FEDERATION/identity_providers/acme/protocols' })
    const domain = (await c.call('GET', `/identity/v3/domains/${idp.domain_id}`, { token })).json().domain
    assert.equal(domain.name, idp.domain_id)
    assert.equal(domain.description, 'Auto generated federated domain for Identity Provider: acme')
    const list = await c.call('GET', `${IDPS}?enabled=false`, { token })
    assert.deepEqual(list.json().identity_providers.map((x: { id: string }) => x.id), ['acme'])
  })

  it('uses a given domain, and answers 404 for an unknown one', async () => {
    const { c, token } = await admin()
    const r = await c.call('PUT', `${IDPS}/inhouse`, { token, json: { identity_provider: { domain_id: 'default', enabled: true } } })
    assert.equal(r.json().identity_provider.domain_id, 'default')
    const missing = await c.call('PUT', `${IDPS}/other`, { token, json: { identity_provider: { domain_id: 'nope' } } })
    assert.equal(missing.status, 404)
    assert.equal(missing.json().error.message, 'Could not find domain: nope.')
  })

  it('answers 409 for a duplicate id or a remote id another provider has, and changes nothing', async () => {
    const { c, token } = await admin()
    await c.call('PUT', `${IDPS}/one`, { token, json: { identity_provider: { remote_ids: ['https://a.test'] } } })
    const dupId = await c.call('PUT', `${IDPS}/one`, { token, json: { identity_provider: {} } })
    assert.equal(dupId.status, 409)
    const dupRemote = await c.call('PUT', `${IDPS}/two`, { token, json: { identity_provider: { remote_ids: ['https://a.test'] } } })
    assert.equal(dupRemote.status, 409)
    assert.equal(dupRemote.json().error.message, 'Conflict occurred attempting to store identity_provider - Duplicate remote ID: https://a.test.')
    assert.equal((await c.call('GET', `${IDPS}/two`, { token })).status, 404)
    const domains = (await c.call('GET', '/identity/v3/domains', { token })).json().domains
    assert.equal(domains.length, 2, 'no domain was made for the refused provider')
    await c.call('PUT', `${IDPS}/two`, { token, json: { identity_provider: {} } })
    const patch = await c.call('PATCH', `${IDPS}/two`, { token, json: { identity_provider: { remote_ids: ['https://a.test'] } } })
    assert.equal(patch.status, 409)
  })

  it('updates enabled, description, remote ids and authorization_ttl, and refuses other fields', async () => {
    const { c, token } = await admin()
    await c.call('PUT', `${IDPS}/acme`, { token, json: { identity_provider: {} } })
    const r = await c.call('PATCH', `${IDPS}/acme`, { token, json: { identity_provider: { enabled: true, description: 'now on', remote_ids: ['x', 'y'], authorization_ttl: 30 } } })
    assert.equal(r.status, 200)
    assert.deepEqual(
      [r.json().identity_provider.enabled, r.json().identity_provider.description, r.json().identity_provider.remote_ids, r.json().identity_provider.authorization_ttl],
      [true, 'now on', ['x', 'y'], 30])
    const domain = await c.call('PATCH', `${IDPS}/acme`, { token, json: { identity_provider: { domain_id: 'default' } } })
    assert.equal(domain.status, 400)
    assert.equal(domain.json().error.message, "Additional properties are not allowed ('domain_id' was unexpected)")
    assert.equal((await c.call('PATCH', `${IDPS}/acme`, { token, json: { identity_provider: {} } })).status, 400)
    assert.equal((await c.call('PATCH', `${IDPS}/acme`, { token, json: { identity_provider: { remote_ids: ['x', 'x'] } } })).status, 400)
    assert.equal((await c.call('PATCH', `${IDPS}/acme`, { token, json: { identity_provider: { authorization_ttl: -1 } } })).status, 400)
    assert.equal((await c.call('PATCH', `${IDPS}/nope`, { token, json: { identity_provider: { enabled: true } } })).status, 404)
  })

  it('deletes a provider with its protocols', async () => {
    const { c, token } = await admin()
    await c.call('PUT', `${IDPS}/acme`, { token, json: { identity_provider: {} } })
    await c.call('PUT', `${MAPPINGS}/m`, { token, json: { mapping: { rules: RULES } } })
    await c.call('PUT', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: { mapping_id: 'm' } } })
    assert.equal((await c.call('DELETE', `${IDPS}/acme`, { token })).status, 204)
    assert.equal((await c.call('GET', `${IDPS}/acme/protocols/openid`, { token })).status, 404)
    const gone = await c.call('DELETE', `${IDPS}/acme`, { token })
    assert.equal(gone.status, 404)
    assert.equal(gone.json().error.message, 'Could not find Identity Provider: acme.')
  })

  it('is admin-only', async () => {
    const { c } = await admin()
    const m = await c.member('una')
    assert.equal((await c.call('GET', IDPS, { token: m.token })).status, 403)
    const put = await c.call('PUT', `${IDPS}/x`, { token: m.token, json: { identity_provider: {} } })
    assert.equal(put.status, 403)
    assert.equal(put.json().error.message, 'You are not authorized to perform the requested action: identity:create_identity_provider.')
  })
})

describe('/v3/OS-FEDERATION/mappings', () => {
  it('creates, shows, lists, replaces and deletes a mapping, keeping the rules verbatim', async () => {
    const { c, token } = await admin()
    const r = await c.call('PUT', `${MAPPINGS}/oidc`, { token, json: { mapping: { rules: RULES } } })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(r.json().mapping, { id: 'oidc', rules: RULES, links: { self: 'http://cloudlet.test/identity/v3/OS-FEDERATION/mappings/oidc' } })
    assert.deepEqual((await c.call('GET', MAPPINGS, { token })).json().mappings.map((m: { id: string }) => m.id), ['oidc'])
    const rules = [{ local: [{ group: { id: 'abc' } }], remote: [{ type: 'OIDC-groups', any_one_of: ['ops'], regex: true }] }]
    const patched = await c.call('PATCH', `${MAPPINGS}/oidc`, { token, json: { mapping: { rules } } })
    assert.deepEqual(patched.json().mapping.rules, rules)
    assert.equal((await c.call('PUT', `${MAPPINGS}/oidc`, { token, json: { mapping: { rules } } })).status, 409)
    assert.equal((await c.call('DELETE', `${MAPPINGS}/oidc`, { token })).status, 204)
    const gone = await c.call('GET', `${MAPPINGS}/oidc`, { token })
    assert.equal(gone.status, 404)
    assert.equal(gone.json().error.message, 'Could not find mapping: oidc.')
  })

  it('answers 400 with every schema problem, one per line, and stores nothing', async () => {
    const { c, token } = await admin()
    const r = await c.call('PUT', `${MAPPINGS}/bad`, {
      token,
      json: { mapping: { rules: [{ local: [{ user: { name: '{0}', type: 'robot' } }], remote: [{ type: 'a', any_one_of: ['x'], not_any_of: ['y'] }], extra: 1 }] } }
    })
    assert.equal(r.status, 400)
    assert.equal(r.json().error.message, [
      "'robot' is not one of ['ephemeral', 'local']",
      "Additional properties are not allowed ('extra' was unexpected)",
      "{'type': 'a', 'any_one_of': ['x'], 'not_any_of': ['y']} is not valid under any of the given schemas",
      ''
    ].join('\n'))
    assert.equal((await c.call('GET', `${MAPPINGS}/bad`, { token })).status, 404)
    const empty = await c.call('PUT', `${MAPPINGS}/bad`, { token, json: { mapping: {} } })
    assert.equal(empty.json().error.message, "'rules' is a required property\n")
    const noRules = await c.call('PUT', `${MAPPINGS}/bad`, { token, json: { mapping: { rules: [] } } })
    assert.equal(noRules.json().error.message, '[] is too short\n')
  })
})

describe('/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols', () => {
  it('creates, shows, lists, updates and deletes a protocol', async () => {
    const { c, token } = await admin()
    await c.call('PUT', `${IDPS}/acme`, { token, json: { identity_provider: {} } })
    await c.call('PUT', `${MAPPINGS}/m1`, { token, json: { mapping: { rules: RULES } } })
    await c.call('PUT', `${MAPPINGS}/m2`, { token, json: { mapping: { rules: RULES } } })
    const r = await c.call('PUT', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: { mapping_id: 'm1', remote_id_attribute: 'HTTP_OIDC_ISS' } } })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(r.json().protocol, {
      id: 'openid',
      mapping_id: 'm1',
      links: {
        identity_provider: 'http://cloudlet.test/identity/v3/OS-FEDERATION/identity_providers/acme',
        self: 'http://cloudlet.test/identity/v3/OS-FEDERATION/identity_providers/acme/protocols/openid'
      }
    })
    const list = (await c.call('GET', `${IDPS}/acme/protocols`, { token })).json().protocols
    assert.equal(list[0].idp_id, 'acme')
    assert.equal(list[0].remote_id_attribute, 'HTTP_OIDC_ISS')
    const patched = await c.call('PATCH', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: { mapping_id: 'm2' } } })
    assert.equal(patched.json().protocol.mapping_id, 'm2')
    assert.equal((await c.call('GET', `${IDPS}/acme/protocols/openid`, { token })).json().protocol.mapping_id, 'm2')
    assert.equal((await c.call('DELETE', `${IDPS}/acme/protocols/openid`, { token })).status, 204)
    assert.deepEqual((await c.call('GET', `${IDPS}/acme/protocols`, { token })).json().protocols, [])
  })

  it('answers 400 for an unknown mapping, 404 for an unknown provider or protocol, 409 for a duplicate', async () => {
    const { c, token } = await admin()
    await c.call('PUT', `${IDPS}/acme`, { token, json: { identity_provider: {} } })
    await c.call('PUT', `${MAPPINGS}/m`, { token, json: { mapping: { rules: RULES } } })
    const mapping = await c.call('PUT', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: { mapping_id: 'nope' } } })
    assert.equal(mapping.status, 400)
    assert.equal(mapping.json().error.message, 'Invalid mapping id: nope')
    assert.equal((await c.call('PUT', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: {} } })).status, 400)
    assert.equal((await c.call('PUT', `${IDPS}/nope/protocols/openid`, { token, json: { protocol: { mapping_id: 'm' } } })).status, 404)
    assert.equal((await c.call('PUT', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: { mapping_id: 'm' } } })).status, 201)
    const dup = await c.call('PUT', `${IDPS}/acme/protocols/openid`, { token, json: { protocol: { mapping_id: 'm' } } })
    assert.equal(dup.status, 409)
    assert.equal(dup.json().error.message, 'Conflict occurred attempting to store federation_protocol - Duplicate entry found with ID openid.')
    const missing = await c.call('GET', `${IDPS}/acme/protocols/saml2`, { token })
    assert.equal(missing.json().error.message, 'Could not find federated protocol saml2 for Identity Provider: acme.')
  })
})
