import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ServerRow } from '../openstack/compute/model.ts'
import { serverDetailView } from '../openstack/compute/servers/views.ts'
import { mv } from '../openstack/microversion.ts'
import { OpenStackFault } from '../openstack/faults.ts'
import { mergeServerLists, novaNextLink, serverFanOutQuery, serverSortOrder } from './server-list-merge.ts'
import type { WireServer } from './server-list-merge.ts'
import { downCloudletServers } from './down-cloudlet.ts'

const AGENT = 'http://127.0.0.1:8000/compute'
const T0 = Date.UTC(2026, 10, 25, 11, 0, 0)

function row (id: string, name: string, createdS: number, extra: Partial<ServerRow> = {}): ServerRow {
  return {
    id, internalId: 1, name, projectId: 'p1', userId: 'u1', reservationId: 'r-1', launchIndex: 0, vmState: 'active', taskState: null,
    powerState: 1, flavor: { id: '1', name: 'm1.tiny', vcpus: 1, ramMb: 512, diskGb: 1, ephemeralGb: 0, swapMb: 0, extraSpecs: {} },
    imageId: 'img-1', keyName: null, keyData: null, metadata: {}, userData: null, description: null, tags: [], availabilityZone: 'nova',
    host: 'h1', hostId: 'x', hostname: name, nics: [], securityGroups: ['default'], accessIPv4: '', accessIPv6: '', configDrive: '',
    diskConfig: 'MANUAL', locked: false, lockedReason: null, createdAtMs: T0 + createdS * 1000, updatedAtMs: T0 + createdS * 1000,
    launchedAtMs: null, terminatedAtMs: null, deletedAtMs: null, fault: null, pending: null, revision: 1, schedulerHints: {},
    ...extra
  }
}

const view = (r: ServerRow): WireServer => serverDetailView(r, { computeUrl: AGENT, version: mv('2.1'), isAdmin: false, single: false })

// Three cloudlets; ids chosen so that id order differs from creation order.
const cloudletA = [row('a1', 'web-1', 10), row('c3', 'db-1', 30)].map(view)
const cloudletB = [row('b2', 'web-2', 20), row('a9', 'cache', 30)].map(view)
const cloudletC = [row('z0', 'old', 5)].map(view)
const lists = [cloudletA, cloudletB, cloudletC]

const ids = (servers: readonly WireServer[]): unknown[] => servers.map(s => s.id)
const q = (text: string): URLSearchParams => new URLSearchParams(text)

describe('mergeServerLists', () => {
  it("orders by Nova's default, created_at desc then id desc, and renders the brief view", () => {
    const body = mergeServerLists({ lists, query: q(''), detail: false, computeUrl: AGENT })
    assert.deepEqual(ids(body.servers), ['c3', 'a9', 'b2', 'a1', 'z0'])
    assert.deepEqual(body.servers[0], { id: 'c3', name: 'db-1', links: [{ rel: 'self', href: `${AGENT}/v2.1/servers/c3` }, { rel: 'bookmark', href: `${AGENT}/servers/c3` }] })
    assert.equal(body.servers_links, undefined)
  })

  it('keeps the detail view whole for /servers/detail', () => {
    const body = mergeServerLists({ lists, query: q(''), detail: true, computeUrl: AGENT })
    assert.equal(body.servers[0]?.status, 'ACTIVE')
    assert.equal(body.servers[0]?.tenant_id, 'p1')
  })

  it('sorts by the requested keys; a missing direction is the first one given', () => {
    assert.deepEqual(ids(mergeServerLists({ lists, query: q('sort_key=display_name&sort_dir=asc'), detail: false, computeUrl: AGENT }).servers),
      ['a9', 'c3', 'z0', 'a1', 'b2'])
    // Two keys, one direction: both asc; ties on created_at broken by created_at then uuid asc.
    assert.deepEqual(ids(mergeServerLists({ lists, query: q('sort_key=created_at&sort_key=uuid&sort_dir=asc'), detail: false, computeUrl: AGENT }).servers),
      ['z0', 'a1', 'b2', 'a9', 'c3'])
    // Only a key: Nova's default direction desc applies to it.
    assert.deepEqual(ids(mergeServerLists({ lists, query: q('sort_key=display_name'), detail: false, computeUrl: AGENT }).servers),
      ['b2', 'a1', 'z0', 'c3', 'a9'])
  })

  it('drops the sort keys Nova ignores, with their direction', () => {
    const order = serverSortOrder(q('sort_key=id&sort_dir=asc&sort_key=display_name&sort_dir=desc'))
    assert.equal(order[0]?.descending, true)
    assert.equal(order.length, 3)
    // 'locked' is a sort key from 2.73 only.
    assert.equal(serverSortOrder(q('sort_key=locked&sort_dir=asc'), mv('2.72')).length, 2)
    assert.equal(serverSortOrder(q('sort_key=locked&sort_dir=asc'), mv('2.73')).length, 3)
  })

  it('pages with limit and marker; every server comes exactly once following the next links', () => {
    const seen: unknown[] = []
    let query = q('limit=2')
    for (let pages = 0; pages < 10; pages++) {
      const body = mergeServerLists({ lists, query, detail: false, computeUrl: AGENT })
      seen.push(...ids(body.servers))
      const next = body.servers_links?.[0]?.href
      if (next === undefined) break
      assert.ok(next.startsWith(`${AGENT}/v2.1/servers?`))
      query = new URL(next).searchParams
    }
    assert.deepEqual(seen, ['c3', 'a9', 'b2', 'a1', 'z0'])
  })

  it('gives a next link whenever the page is full, even with nothing after it (as Nova does)', () => {
    const body = mergeServerLists({ lists, query: q('limit=5'), detail: true, computeUrl: AGENT })
    assert.equal(body.servers.length, 5)
    assert.equal(body.servers_links?.[0]?.href, `${AGENT}/v2.1/servers/detail?limit=5&marker=z0`)
    assert.equal(mergeServerLists({ lists, query: q('limit=6'), detail: true, computeUrl: AGENT }).servers_links, undefined)
  })

  it('answers an unknown marker with Nova\'s 400', () => {
    assert.throws(() => mergeServerLists({ lists, query: q('marker=nope'), detail: false, computeUrl: AGENT }),
      (e: unknown) => e instanceof OpenStackFault && e.status === 400 && e.message === 'marker [nope] not found')
  })

  it('pages after a marker the filters exclude when the caller found it', () => {
    const marker = view(row('m5', 'gone', 25))
    const body = mergeServerLists({ lists, query: q('marker=m5'), detail: false, computeUrl: AGENT, markerServer: marker })
    assert.deepEqual(ids(body.servers), ['b2', 'a1', 'z0'])
  })

  it('lists a server held by two cloudlets once', () => {
    const body = mergeServerLists({ lists: [cloudletA, cloudletA, cloudletB], query: q(''), detail: false, computeUrl: AGENT })
    assert.deepEqual(ids(body.servers), ['c3', 'a9', 'b2', 'a1'])
  })

  it('caps the limit at max_limit and checks it', () => {
    assert.throws(() => mergeServerLists({ lists, query: q('limit=x'), detail: false, computeUrl: AGENT }), /limit param must be an integer/)
    assert.throws(() => mergeServerLists({ lists, query: q('limit=-1'), detail: false, computeUrl: AGENT }), /limit param must be positive/)
    assert.equal(mergeServerLists({ lists, query: q('limit=0'), detail: false, computeUrl: AGENT }).servers.length, 0)
  })

  it('puts the records of unreachable cloudlets first', () => {
    const unreachable = downCloudletServers(q(''), mv('2.69'), [{ id: 'd1', projectId: 'p1', createdAtMs: T0 }], AGENT)
    const body = mergeServerLists({ lists: [cloudletC], query: q(''), detail: false, computeUrl: AGENT, unreachable })
    assert.deepEqual(body.servers, [
      { id: 'd1', status: 'UNKNOWN', tenant_id: 'p1', created: '2026-11-25T11:00:00Z', links: [{ rel: 'self', href: `${AGENT}/v2.1/servers/d1` }, { rel: 'bookmark', href: `${AGENT}/servers/d1` }] },
      { id: 'z0', name: 'old', links: cloudletC[0]?.links }
    ])
  })
})

describe('novaNextLink', () => {
  it('sorts the parameters by name, keeps one value per name and urlencodes as Python does', () => {
    assert.equal(novaNextLink(`${AGENT}/v2.1/servers`, q('name=web 1&limit=2&status=ACTIVE&status=BUILD&marker=old'), 'abc'),
      `${AGENT}/v2.1/servers?limit=2&marker=abc&name=web+1&status=BUILD`)
  })
})

describe('serverFanOutQuery', () => {
  it('keeps filters and sorting, drops limit and marker', () => {
    assert.equal(serverFanOutQuery(q('limit=2&marker=x&name=web&sort_key=display_name')).toString(), 'name=web&sort_key=display_name')
  })
})
