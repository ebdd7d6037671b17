/**
 * The emulated Nova's answers when a server cannot be placed, compared with the texts recorded
 * from Nova's source in openstack/compute/servers/scheduling-faults.ts (which the agent uses
 * too): an unknown zone, the availability_zone forms with a forced host or node, 2.74's host,
 * and the two wordings of "No valid host was found". In memory, in virtual time.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { computeFaultBody } from '../../openstack/compute/fault-body.ts'
import {
  AVAILABILITY_ZONE_UNPARSABLE, availabilityZoneNotAvailable, HOST_MECHANISMS_EXCLUSIVE,
  NO_VALID_HOST_NO_CANDIDATES, NO_VALID_HOST_NOT_ENOUGH_HOSTS
} from '../../openstack/compute/servers/scheduling-faults.ts'

interface World {
  readonly c: TestCloudlet
  readonly admin: string
  readonly image: string
}

async function world (): Promise<World> {
  const c = await makeTestCloudlet({ config: { transitionDelayMs: 1000, hosts: { count: 2, vcpus: 2, ramMb: 4096, diskGb: 40 } } })
  const admin = await c.token()
  const created = await c.call('POST', '/image/v2/images', { token: admin, json: { name: 'img', disk_format: 'raw', container_format: 'bare', visibility: 'public' } })
  const image = created.json().id as string
  await c.call('PUT', `/image/v2/images/${image}/file`, { token: admin, body: new Uint8Array(64), headers: { 'content-type': 'application/octet-stream' } })
  return { c, admin, image }
}

const v274 = { 'openstack-api-version': 'compute 2.74' }

async function create (w: World, server: Record<string, unknown>, options: { token?: string, headers?: Record<string, string>, hints?: Record<string, unknown> } = {}) {
  return await w.c.call('POST', '/compute/v2.1/servers', {
    token: options.token ?? w.admin,
    headers: { 'openstack-api-version': 'compute 2.37', ...options.headers },
    json: { server: { name: 'vm', imageRef: w.image, flavorRef: '1', networks: 'none', ...server }, ...(options.hints !== undefined ? { 'os:scheduler_hints': options.hints } : {}) }
  })
}

/** Creates, lets the build reach its end, and returns the server as an admin sees it. */
async function built (w: World, server: Record<string, unknown>, options: Parameters<typeof create>[2] = {}): Promise<Record<string, any>> {
  const r = await create(w, server, options)
  assert.equal(r.status, 202, r.text)
  w.c.clock.advanceBy(1000)
  return (await w.c.call('GET', `/compute/v2.1/servers/${r.json().server.id as string}`, { token: w.admin })).json().server
}

describe('emulated Nova: placement faults', () => {
  it('answers an unknown availability zone with exactly Nova’s 400 body', async () => {
    const w = await world()
    const r = await create(w, { availability_zone: 'elsewhere' })
    assert.equal(r.status, 400)
    assert.deepEqual(r.json(), computeFaultBody(availabilityZoneNotAvailable()))
    assert.deepEqual(r.json(), { badRequest: { code: 400, message: 'The requested availability zone is not available' } })
  })

  it('refuses an availability_zone with more than two colons', async () => {
    const w = await world()
    const r = await create(w, { availability_zone: 'nova:a:b:c' })
    assert.deepEqual(r.json(), { badRequest: { code: 400, message: AVAILABILITY_ZONE_UNPARSABLE } })
  })

  it('puts a server no host has room for in ERROR with Placement’s wording (an empty reason)', async () => {
    const w = await world()
    const server = await built(w, { flavorRef: '5' })
    assert.equal(server.status, 'ERROR')
    assert.equal(server.fault.code, 500)
    assert.equal(server.fault.message, NO_VALID_HOST_NO_CANDIDATES)
    assert.equal(server.fault.message, 'No valid host was found. ')
  })

  it('says "There are not enough hosts available." when the filters rule every host out', async () => {
    const w = await world()
    const unknownServer = await built(w, {}, { hints: { same_host: '00000000-0000-4000-8000-00000000000a' } })
    assert.equal(unknownServer.status, 'ERROR')
    assert.equal(unknownServer.fault.message, NO_VALID_HOST_NOT_ENOUGH_HOSTS)
    const unknownHost = await built(w, { availability_zone: 'nova:no-such-host' })
    assert.equal(unknownHost.status, 'ERROR', 'a host forced through the zone is not checked by the API')
    assert.equal(unknownHost.fault.message, NO_VALID_HOST_NOT_ENOUGH_HOSTS)
    const emptyHost = await built(w, { availability_zone: 'elsewhere:' })
    assert.equal(emptyHost.status, 'ERROR', '"zone:" skips the zone check; the zone then filters every host out')
    assert.equal(emptyHost.fault.message, NO_VALID_HOST_NOT_ENOUGH_HOSTS)
  })

  it('does not check the zone when a host or node is forced, and places on that host', async () => {
    const w = await world()
    const onHost = await built(w, { availability_zone: 'elsewhere:cloudlet-host-2' })
    assert.equal(onHost.status, 'ACTIVE')
    assert.equal(onHost['OS-EXT-SRV-ATTR:host'], 'cloudlet-host-2')
    const onNode = await built(w, { availability_zone: 'elsewhere::cloudlet-host-1' })
    assert.equal(onNode['OS-EXT-SRV-ATTR:host'], 'cloudlet-host-1')
  })

  it('keeps a forced host for admins (403 otherwise)', async () => {
    const w = await world()
    const member = await w.c.member('m1')
    const r = await create(w, { availability_zone: 'nova:cloudlet-host-1' }, { token: member.token })
    assert.equal(r.status, 403)
  })

  it('answers 2.74’s host with 400 when it does not exist, and refuses it beside zone:host', async () => {
    const w = await world()
    const unknown = await create(w, { host: 'no-such-host' }, { headers: v274 })
    assert.deepEqual(unknown.json(), { badRequest: { code: 400, message: 'Compute host no-such-host could not be found.' } })
    const both = await create(w, { host: 'cloudlet-host-1', availability_zone: 'nova:cloudlet-host-1' }, { headers: v274 })
    assert.deepEqual(both.json(), { badRequest: { code: 400, message: HOST_MECHANISMS_EXCLUSIVE } })
    const placed = await built(w, { host: 'cloudlet-host-2' }, { headers: v274 })
    assert.equal(placed['OS-EXT-SRV-ATTR:host'], 'cloudlet-host-2')
  })
})
