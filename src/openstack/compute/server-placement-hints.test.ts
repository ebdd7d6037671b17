/**
 * Reading a POST /servers body as placement requirements. The bodies marked "captured" are what
 * python-openstackclient 6.0.0 (novaclient 18.1.0) sent to an emulated cloudlet, copied from
 * `openstack --debug server create … --hint …` at 2.1 and 2.79; the rest are built by hand.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OpenStackFault } from '../faults.ts'
import { mv } from '../microversion.ts'
import { idFromHref, parseAvailabilityZone, serverPlacementHints } from './server-placement-hints.ts'

const IMAGE = 'e48f362c-1352-4a11-9c0d-3a79dfc4158e'
const NET = 'a44efbea-6364-40c7-af6b-86c72a7be47d'
const S1 = '6e1b4f8e-0000-4000-8000-000000000001'
const S2 = '6e1b4f8e-0000-4000-8000-000000000002'
const S3 = '6e1b4f8e-0000-4000-8000-000000000003'
const GROUP = '7a3c2b1d-0000-4000-8000-0000000000aa'

/** Captured: `--hint p2pstack:labels=country=se --hint p2pstack:labels=site=a` (2.79). */
const CAPTURED_REPEATED_LABELS = { server: { name: 'vm0-2.79', imageRef: IMAGE, flavorRef: '1', min_count: 1, max_count: 1, networks: [{ uuid: NET }] }, 'os:scheduler_hints': { 'p2pstack:labels': ['country=se', 'site=a'] } }
/** Captured: `--hint p2pstack:labels=country=se,site=a --hint p2pstack:max_rtt_ms=20` (2.1). */
const CAPTURED_COMMA_LABELS = { server: { name: 'vm1-2.1', imageRef: IMAGE, flavorRef: '1', min_count: 1, max_count: 1, networks: [{ uuid: NET }] }, 'os:scheduler_hints': { 'p2pstack:labels': 'country=se,site=a', 'p2pstack:max_rtt_ms': '20' } }
/** Captured: `--hint same_host=S1 --hint different_host=S2 --hint different_host=S3 --availability-zone nova` (2.1). */
const CAPTURED_AFFINITY = { server: { name: 'vm2-2.1', imageRef: IMAGE, flavorRef: '1', min_count: 1, max_count: 1, availability_zone: 'nova', networks: [{ uuid: NET }] }, 'os:scheduler_hints': { same_host: S1, different_host: [S2, S3] } }

const body = (server: Record<string, unknown> = {}, hints?: Record<string, unknown>, key = 'os:scheduler_hints') =>
  ({ server: { name: 'vm', imageRef: IMAGE, flavorRef: '1', networks: [{ uuid: NET }], ...server }, ...(hints !== undefined ? { [key]: hints } : {}) })

/** Asserts a 400 whose message matches. */
function refuses (fn: () => unknown, message: RegExp | string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof OpenStackFault, String(error))
    assert.equal(error.status, 400)
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    return true
  })
}

describe('serverPlacementHints', () => {
  it('reads repeated --hint p2pstack:labels as a list of pairs (captured)', () => {
    const hints = serverPlacementHints(CAPTURED_REPEATED_LABELS, mv('2.79'))
    assert.deepEqual(hints.labels, { country: 'se', site: 'a' })
    assert.equal(hints.flavorId, '1')
    assert.equal(hints.maxRttMs, null)
    assert.equal(hints.instanceCount, 1)
  })

  it('reads comma-separated labels and max_rtt_ms given as a string (captured)', () => {
    const hints = serverPlacementHints(CAPTURED_COMMA_LABELS, mv('2.1'))
    assert.deepEqual(hints.labels, { country: 'se', site: 'a' })
    assert.equal(hints.maxRttMs, 20)
  })

  it('reads same_host as one id and different_host as a list (captured)', () => {
    const hints = serverPlacementHints(CAPTURED_AFFINITY, mv('2.1'))
    assert.deepEqual(hints.sameHost, [S1])
    assert.deepEqual(hints.differentHost, [S2, S3])
    assert.equal(hints.availabilityZone, 'nova')
    assert.equal(hints.zoneMustExist, true)
    assert.equal(hints.group, null)
  })

  it('takes OS-SCH-HNT:scheduler_hints when os:scheduler_hints is absent, and os: first', () => {
    assert.equal(serverPlacementHints(body({}, { group: GROUP }, 'OS-SCH-HNT:scheduler_hints'), mv('2.1')).group, GROUP)
    const both = { ...body({}, { group: GROUP }), 'OS-SCH-HNT:scheduler_hints': { same_host: S1 } }
    const hints = serverPlacementHints(both, mv('2.1'))
    assert.equal(hints.group, GROUP)
    assert.deepEqual(hints.sameHost, [])
  })

  it('has no requirement where the body gives none', () => {
    const hints = serverPlacementHints(body(), mv('2.1'))
    assert.deepEqual(hints, {
      flavorId: '1', availabilityZone: null, zoneMustExist: false, forcedHost: null, forcedNode: null,
      requestedHost: null, requestedNode: null, sameHost: [], differentHost: [], group: null,
      labels: {}, maxRttMs: null, instanceCount: 1, bootFromVolume: false
    })
  })

  it('reads a group given as a uuid or a list of one, and refuses several', () => {
    assert.equal(serverPlacementHints(body({}, { group: [GROUP] }), mv('2.1')).group, GROUP)
    assert.equal(serverPlacementHints(body({}, { group: [] }), mv('2.1')).group, null)
    refuses(() => serverPlacementHints(body({}, { group: [GROUP, S1] }), mv('2.1')), /^Invalid input for field\/attribute group\. .*one server group/)
  })

  it('refuses hint values Nova’s schema refuses, in Nova’s words', () => {
    refuses(() => serverPlacementHints(body({}, { group: 'abc' }), mv('2.1')), /^Invalid input for field\/attribute group\. Value: "abc"\./)
    refuses(() => serverPlacementHints(body({}, { different_host: 'not-a-uuid' }), mv('2.1')), /^Invalid input for field\/attribute different_host\./)
  })

  it('reduces a flavorRef URL to its id, as get_id_from_href does', () => {
    assert.equal(serverPlacementHints(body({ flavorRef: 'http://cloud/compute/v2.1/flavors/42?x=1' }), mv('2.1')).flavorId, '42')
    assert.equal(serverPlacementHints(body({ flavorRef: 7 }), mv('2.1')).flavorId, '7')
    assert.equal(idFromHref('/flavors/m1.tiny'), 'm1.tiny')
  })

  it('counts max_count servers and refuses min_count above max_count', () => {
    assert.equal(serverPlacementHints(body({ min_count: 2, max_count: '3' }), mv('2.1')).instanceCount, 3)
    assert.equal(serverPlacementHints(body({ min_count: '2' }), mv('2.1')).instanceCount, 2)
    refuses(() => serverPlacementHints(body({ min_count: 3, max_count: 2 }), mv('2.1')), 'min_count must be <= max_count')
  })

  it('validates the whole body for its microversion first', () => {
    refuses(() => serverPlacementHints(body({ colour: 'blue' }), mv('2.1')), /Additional properties are not allowed \('colour' was unexpected\)/)
    refuses(() => serverPlacementHints({ server: { name: 'x', imageRef: IMAGE, flavorRef: '1' } }, mv('2.37')), /'networks' is a required property/)
    refuses(() => serverPlacementHints('nope', mv('2.1')), /is not of type 'object'/)
  })

  it('parses labels given as an object, trims around = and , and skips empty items', () => {
    assert.deepEqual(serverPlacementHints(body({}, { 'p2pstack:labels': { country: 'se' } }), mv('2.1')).labels, { country: 'se' })
    assert.deepEqual(serverPlacementHints(body({}, { 'p2pstack:labels': ' country = se ,, site=a=b ' }), mv('2.1')).labels, { country: 'se', site: 'a=b' })
    assert.deepEqual(serverPlacementHints(body({}, { 'p2pstack:labels': ['country=se', 'country=se'] }), mv('2.1')).labels, { country: 'se' })
  })

  it('refuses labels that are not key=value, contradict each other, or are too many', () => {
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:labels': 'country' }), mv('2.1')), /^Invalid input for field\/attribute p2pstack:labels\. Value: "country"\. "country" is not of the form key=value$/)
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:labels': '=se' }), mv('2.1')), /label key has 1 to 64 characters/)
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:labels': ['country=se', 'country=no'] }), mv('2.1')), /country is required to be both se and no/)
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:labels': [1] }), mv('2.1')), /Expected key=value pairs/)
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:labels': { a: 1 } }), mv('2.1')), /Label values are strings/)
    const many = Array.from({ length: 17 }, (_, i) => `k${i}=v`).join(',')
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:labels': many }), mv('2.1')), /At most 16 labels/)
  })

  it('refuses a max_rtt_ms that is not a positive number of milliseconds', () => {
    assert.equal(serverPlacementHints(body({}, { 'p2pstack:max_rtt_ms': 2.5 }), mv('2.1')).maxRttMs, 2.5)
    assert.equal(serverPlacementHints(body({}, { 'p2pstack:max_rtt_ms': ['15'] }), mv('2.1')).maxRttMs, 15)
    for (const bad of ['0', '-1', 'fast', '20ms', ['1', '2'], 0, 60_001, true]) {
      refuses(() => serverPlacementHints(body({}, { 'p2pstack:max_rtt_ms': bad }), mv('2.1')), /^Invalid input for field\/attribute p2pstack:max_rtt_ms\./)
    }
  })

  it('refuses an unknown p2pstack: hint but lets other unknown hints through, as Nova does', () => {
    refuses(() => serverPlacementHints(body({}, { 'p2pstack:label': 'country=se' }), mv('2.1')), /^Unknown scheduler hint p2pstack:label;/)
    assert.deepEqual(serverPlacementHints(body({}, { build_near_host_ip: '10.0.0.1', foo: 'bar' }), mv('2.1')).labels, {})
  })

  it('reads the zone forms: a forced host or node is no zone requirement', () => {
    const at = (availability_zone: string) => serverPlacementHints(body({ availability_zone }), mv('2.1'))
    assert.deepEqual(pick(at('az1')), { availabilityZone: 'az1', zoneMustExist: true, forcedHost: null, forcedNode: null })
    assert.deepEqual(pick(at('az1:host-1')), { availabilityZone: null, zoneMustExist: false, forcedHost: 'host-1', forcedNode: null })
    assert.deepEqual(pick(at('az1::node-1')), { availabilityZone: null, zoneMustExist: false, forcedHost: null, forcedNode: 'node-1' })
    assert.deepEqual(pick(at('az1:host-1:node-1')), { availabilityZone: null, zoneMustExist: false, forcedHost: 'host-1', forcedNode: 'node-1' })
    assert.deepEqual(pick(at(':host-1')), { availabilityZone: null, zoneMustExist: false, forcedHost: 'host-1', forcedNode: null })
    // "zone:" forces nothing, and Nova then skips the 400 for an unknown zone but still filters by it.
    assert.deepEqual(pick(at('az1:')), { availabilityZone: 'az1', zoneMustExist: false, forcedHost: null, forcedNode: null })
    refuses(() => at('a:b:c:d'), 'Invalid input received: Unable to parse availability_zone')
    refuses(() => at('a:::b'), 'Invalid input received: Unable to parse availability_zone')
  })

  it('reads 2.74’s host and hypervisor_hostname, and refuses them beside zone:host', () => {
    const hints = serverPlacementHints(body({ networks: 'auto', host: 'h1', hypervisor_hostname: 'n1' }), mv('2.74'))
    assert.equal(hints.requestedHost, 'h1')
    assert.equal(hints.requestedNode, 'n1')
    refuses(() => serverPlacementHints(body({ networks: 'auto', host: 'h1', availability_zone: 'az:h1' }), mv('2.74')), /mutually exclusive/)
    refuses(() => serverPlacementHints(body({ host: 'h1' }), mv('2.73')), /'host' was unexpected/)
  })

  it('knows a server booted from a volume claims no root disk', () => {
    const bfv = body({ imageRef: '', block_device_mapping_v2: [{ boot_index: 0, uuid: S1, source_type: 'volume', destination_type: 'volume' }] })
    assert.equal(serverPlacementHints(bfv, mv('2.1')).bootFromVolume, true)
    const local = body({ block_device_mapping_v2: [{ boot_index: '0', uuid: IMAGE, source_type: 'image', destination_type: 'local' }] })
    assert.equal(serverPlacementHints(local, mv('2.1')).bootFromVolume, false)
  })
})

describe('parseAvailabilityZone', () => {
  it('splits as Nova’s parse_availability_zone does', () => {
    assert.deepEqual(parseAvailabilityZone(undefined), { zone: null, forcedHost: null, forcedNode: null })
    assert.deepEqual(parseAvailabilityZone(''), { zone: null, forcedHost: null, forcedNode: null })
    assert.deepEqual(parseAvailabilityZone('z:'), { zone: 'z', forcedHost: '', forcedNode: null })
    assert.deepEqual(parseAvailabilityZone('z::'), { zone: 'z', forcedHost: null, forcedNode: '' })
    assert.deepEqual(parseAvailabilityZone('::n'), { zone: null, forcedHost: null, forcedNode: 'n' })
  })
})

function pick (hints: ReturnType<typeof serverPlacementHints>) {
  return { availabilityZone: hints.availabilityZone, zoneMustExist: hints.zoneMustExist, forcedHost: hints.forcedHost, forcedNode: hints.forcedNode }
}
