import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { httpRequest } from '../core/http.ts'
import type { HttpResponse } from '../core/http.ts'
import { NotFound } from '../openstack/faults.ts'
import { cloudletUnavailable, cloudletUnavailableMessage, renderProxyFault } from './proxy-faults.ts'

const context = (accept = 'application/json') => ({
  request: httpRequest('GET', 'http://127.0.0.1:8000/image/v2/images/i1', { headers: { accept } }),
  identityUrl: 'http://127.0.0.1:8000/identity',
  requestId: 'req-1'
})
const json = (r: HttpResponse): unknown => JSON.parse(typeof r.body === 'string' ? r.body : new TextDecoder().decode(r.body as Uint8Array))
const target = { resource: 'server', id: 's1', agentId: 'agent-3' }
const MESSAGE = 'The cloudlet holding server s1 (agent agent-3) is not reachable; try again later.'

describe('cloudletUnavailable', () => {
  it('says which object and which agent', () => {
    assert.equal(cloudletUnavailableMessage(target), MESSAGE)
    assert.equal(cloudletUnavailableMessage({ resource: 'server', agentId: 'agent-4' }),
      'The cloudlet chosen for the new server (agent agent-4) is not reachable; try again later.')
  })

  it("is a 503 in Nova's, Neutron's, Keystone's and Placement's envelopes", () => {
    const nova = cloudletUnavailable('compute', target, context())
    assert.equal(nova.status, 503)
    assert.deepEqual(json(nova), { serviceUnavailable: { code: 503, message: MESSAGE } })
    assert.deepEqual(json(cloudletUnavailable('network', target, context())), { NeutronError: { type: 'HTTPServiceUnavailable', message: MESSAGE, detail: '' } })
    assert.deepEqual(json(cloudletUnavailable('identity', target, context())), { error: { code: 503, title: 'Service Unavailable', message: MESSAGE } })
    const placement = json(cloudletUnavailable('placement', target, context())) as { errors: Array<Record<string, unknown>> }
    assert.equal(placement.errors[0]?.status, 503)
    assert.match(String(placement.errors[0]?.detail), /is not reachable/)
  })

  it("is Glance's WebOb page after the Accept header", () => {
    const glance = cloudletUnavailable('image', target, context('text/plain'))
    assert.equal(glance.status, 503)
    const text = typeof glance.body === 'string' ? glance.body : new TextDecoder().decode(glance.body as Uint8Array)
    assert.match(text, /^503 Service Unavailable/)
    assert.match(text, /is not reachable/)
  })
})

describe('renderProxyFault', () => {
  it("uses Nova's fault names", () => {
    assert.deepEqual(json(renderProxyFault('compute', new NotFound('Instance s9 could not be found.'), context())),
      { itemNotFound: { code: 404, message: 'Instance s9 could not be found.' } })
  })
})
