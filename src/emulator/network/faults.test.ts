/**
 * Bad requests get exactly Neutron's answer — status and NeutronError body — and change
 * nothing: every case below is sent to a cloudlet with some state, and the stored network
 * state is compared before and after.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

const KINDS = ['network.network', 'network.subnet', 'network.port', 'network.security_group', 'network.security_group_rule', 'network.quota', 'network.auto_allocated_topology']

function snapshot (c: TestCloudlet): string {
  return JSON.stringify(KINDS.map(kind => c.store.entries(kind).sort(([a], [b]) => a.localeCompare(b))))
}

interface Case {
  readonly title: string
  readonly method: string
  readonly path: string
  readonly body?: string
  readonly status: number
  readonly type: string
  readonly message?: string
}

describe('network faults', () => {
  it('answers every bad request as Neutron does and changes nothing', async () => {
    const c = await makeTestCloudlet()
    const admin = new NeutronClient(c.call, await c.token())
    const net = await admin.network({ name: 'net1' })
    await admin.subnet(net.id, '10.0.0.0/24')
    const id = net.id as string
    const missing = 'a0304c3a-4f08-4c43-88af-d796509c97d2'
    const cases: Case[] = [
      { title: 'malformed JSON', method: 'POST', path: '/v2.0/networks', body: '{"network": ', status: 400, type: 'HTTPBadRequest', message: 'Body contains invalid data' },
      { title: 'a JSON array', method: 'POST', path: '/v2.0/networks', body: '[]', status: 400, type: 'HTTPBadRequest', message: 'Body contains invalid data' },
      { title: 'no body', method: 'POST', path: '/v2.0/networks', status: 400, type: 'HTTPBadRequest', message: "Unable to find 'network' in request body" },
      { title: 'a wrong type', method: 'POST', path: '/v2.0/networks', body: '{"network": {"admin_state_up": "sometimes"}}', status: 400, type: 'InvalidInput' },
      { title: 'a wrong type on update', method: 'PUT', path: `/v2.0/networks/${id}`, body: '{"network": {"name": ["x"]}}', status: 400, type: 'HTTPBadRequest', message: "Invalid input for name. Reason: '['x']' is not a valid string." },
      { title: 'an unknown attribute', method: 'POST', path: '/v2.0/networks', body: '{"network": {"name": "x", "colour": "red"}}', status: 400, type: 'HTTPBadRequest', message: "Unrecognized attribute(s) 'colour'" },
      { title: 'a missing required attribute', method: 'POST', path: '/v2.0/subnets', body: `{"subnet": {"network_id": "${id}", "cidr": "10.9.0.0/24"}}`, status: 400, type: 'HTTPBadRequest', message: "Failed to parse request. Required attribute 'ip_version' not specified" },
      { title: 'a body on DELETE', method: 'DELETE', path: `/v2.0/networks/${id}`, body: '{}', status: 400, type: 'HTTPBadRequest', message: 'Request body is not supported in DELETE.' },
      { title: 'an unknown network', method: 'GET', path: `/v2.0/networks/${missing}`, status: 404, type: 'NetworkNotFound', message: `Network ${missing} could not be found.` },
      { title: 'an unknown subnet', method: 'DELETE', path: `/v2.0/subnets/${missing}`, status: 404, type: 'SubnetNotFound' },
      { title: 'an unknown port', method: 'PUT', path: `/v2.0/ports/${missing}`, body: '{"port": {"name": "x"}}', status: 404, type: 'PortNotFound', message: `Port ${missing} could not be found.` },
      { title: 'an unknown security group', method: 'GET', path: `/v2.0/security-groups/${missing}`, status: 404, type: 'SecurityGroupNotFound' },
      { title: 'a port on an unknown network', method: 'POST', path: '/v2.0/ports', body: `{"port": {"network_id": "${missing}"}}`, status: 404, type: 'NetworkNotFound' },
      { title: 'an unknown route', method: 'GET', path: '/v2.0/no-such-things', status: 404, type: 'HTTPNotFound', message: 'The resource could not be found.' },
      { title: 'a wrong method', method: 'PATCH', path: `/v2.0/networks/${id}`, body: '{}', status: 405, type: 'HTTPMethodNotAllowed' },
      { title: 'a PUT on a collection', method: 'PUT', path: '/v2.0/networks', body: '{}', status: 405, type: 'HTTPMethodNotAllowed' },
      // oslo.middleware's size limit answers before Neutron, in WebOb's own error body.
      { title: 'an oversized body', method: 'POST', path: '/v2.0/networks', body: `{"network": {"name": "${'x'.repeat(120_000)}"}}`, status: 413, type: 'webob' },
      { title: 'a bad If-Match', method: 'PUT', path: `/v2.0/networks/${id}`, body: '{"network": {"name": "y"}}', status: 400, type: 'BadRequest' }
    ]
    const before = snapshot(c)
    for (const k of cases) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (k.title === 'a bad If-Match') headers['if-match'] = 'revision_number=abc'
      const r = await admin.request(k.method, k.path, { ...(k.body !== undefined ? { body: k.body } : {}), headers })
      assert.equal(r.status, k.status, k.title)
      assert.equal(snapshot(c), before, `${k.title} changed the state`)
      if (k.type === 'webob') {
        assert.match(r.text, /Request is too large/)
        continue
      }
      const error = r.json().NeutronError
      assert.equal(error.type, k.type, k.title)
      assert.equal(error.detail, '', k.title)
      if (k.message !== undefined) assert.equal(error.message, k.message, k.title)
    }
  })

  it('answers 401 in keystonemiddleware\'s envelope without a valid token', async () => {
    const c = await makeTestCloudlet()
    const r = await c.call('GET', '/networking/v2.0/networks', { token: 'not-a-token' })
    assert.equal(r.status, 401)
    assert.equal(r.json().error.code, 401)
  })

  it('keeps networks, ports and security groups across a restart on the same store', async () => {
    const first = await makeTestCloudlet()
    const admin = new NeutronClient(first.call, await first.token())
    const net = await admin.network({ name: 'kept' })
    await admin.subnet(net.id, '10.0.0.0/24')
    const port = await admin.port(net.id)
    const second = await makeTestCloudlet({ store: first.store, clock: first.clock })
    const again = new NeutronClient(second.call, await second.token())
    assert.deepEqual(await again.ids('/ports'), [port.id])
    const next = await again.port(net.id)
    assert.deepEqual(next.fixed_ips.map((f: { ip_address: string }) => f.ip_address), ['10.0.0.3'])
  })
})
