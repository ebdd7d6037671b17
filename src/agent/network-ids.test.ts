import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { silentLogger } from '../core/ports.ts'
import { IdTranslator } from './identity/id-translator.ts'
import { LocationStore } from './location-store.ts'
import { defaultGroupId, derivedUuid, NetworkIds } from './network-ids.ts'

const SHADOW = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const GLOBAL = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
const LOCAL_ADMIN = 'cccccccccccccccccccccccccccccccc'
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

function setUp (): { ids: NetworkIds, translator: IdTranslator, store: LocationStore } {
  const translator = new IdTranslator()
  translator.learn({ localProjectId: SHADOW, globalProjectId: GLOBAL })
  const store = new LocationStore(':memory:')
  return { ids: new NetworkIds(translator, store.network, silentLogger), translator, store }
}

const defaultGroup = (id: string, project: string, rules: unknown[]): Record<string, unknown> => ({ id, name: 'default', project_id: project, tenant_id: project, security_group_rules: rules })
const egress = (id: string, group: string, ethertype = 'IPv4'): Record<string, unknown> => ({ id, security_group_id: group, direction: 'egress', ethertype, protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_group_id: null, project_id: SHADOW })

describe('NetworkIds', () => {
  it('derives the same UUID from the same name, in UUID form', () => {
    assert.equal(derivedUuid('x'), derivedUuid('x'))
    assert.notEqual(derivedUuid('x'), derivedUuid('y'))
    assert.match(derivedUuid('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('maps a shadow project\'s default group and its rules to ids every cloudlet derives alike', () => {
    const one = setUp()
    const two = setUp()
    one.ids.learn(JSON.stringify({ security_groups: [defaultGroup(uuid(1), SHADOW, [egress(uuid(2), uuid(1)), egress(uuid(3), uuid(1), 'IPv6')])] }))
    two.ids.learn(JSON.stringify({ security_groups: [defaultGroup(uuid(7), SHADOW, [egress(uuid(9), uuid(7), 'IPv6'), egress(uuid(8), uuid(7))])] }))
    assert.equal(one.translator.globalId(uuid(1)), defaultGroupId(GLOBAL))
    assert.equal(two.translator.globalId(uuid(7)), defaultGroupId(GLOBAL))
    assert.equal(one.translator.globalId(uuid(2)), two.translator.globalId(uuid(8)), 'the IPv4 egress rule')
    assert.equal(one.translator.globalId(uuid(3)), two.translator.globalId(uuid(9)), 'the IPv6 egress rule')
    assert.notEqual(one.translator.globalId(uuid(2)), one.translator.globalId(uuid(3)))
  })

  it('keeps what it learnt across a restart (the records)', () => {
    const { ids, store } = setUp()
    ids.record({ globalId: uuid(10), kind: 'network', localId: uuid(11), projectId: GLOBAL, home: { id: 'agent-2', address: 'http://127.0.0.1:2' } })
    const translator = new IdTranslator()
    const again = new NetworkIds(translator, store.network, silentLogger)
    assert.equal(translator.globalId(uuid(11)), uuid(10))
    assert.ok(again.isCopy(uuid(10)))
    assert.deepEqual(again.homeOf(uuid(10)), { id: 'agent-2', address: 'http://127.0.0.1:2' })
    again.forget(uuid(10))
    assert.equal(translator.globalId(uuid(11)), uuid(11))
    assert.equal(again.isCopy(uuid(10)), false)
  })

  it('leaves copies and the cloudlet\'s own projects\' default groups out of lists, and shows a sliced subnet\'s pools', () => {
    const { ids } = setUp()
    ids.record({ globalId: uuid(20), kind: 'network', localId: uuid(21), projectId: GLOBAL, home: { id: 'agent-2', address: 'http://127.0.0.1:2' } })
    ids.learn(JSON.stringify({ security_groups: [defaultGroup(uuid(30), LOCAL_ADMIN, [egress(uuid(31), uuid(30))])] }))
    const networks = JSON.parse(ids.adjust(JSON.stringify({ networks: [{ id: uuid(20) }, { id: uuid(22) }] }), true))
    assert.deepEqual(networks.networks, [{ id: uuid(22) }])
    const groups = JSON.parse(ids.adjust(JSON.stringify({ security_groups: [{ id: uuid(30) }, { id: uuid(32) }] }), true))
    assert.deepEqual(groups.security_groups, [{ id: uuid(32) }])
    const rules = JSON.parse(ids.adjust(JSON.stringify({ security_group_rules: [{ id: uuid(31), security_group_id: uuid(30) }] }), true))
    assert.deepEqual(rules.security_group_rules, [])
    assert.equal(ids.adjust(JSON.stringify({ network: { id: uuid(20) } }), false), JSON.stringify({ network: { id: uuid(20) } }), 'a copy is shown by id')
    ids.setPools(uuid(40), [{ start: '10.0.0.2', end: '10.0.0.254' }])
    const subnet = JSON.parse(ids.adjust(JSON.stringify({ subnet: { id: uuid(40), allocation_pools: [{ start: '10.0.0.2', end: '10.0.0.190' }] } }), false))
    assert.deepEqual(subnet.subnet.allocation_pools, [{ start: '10.0.0.2', end: '10.0.0.254' }])
  })
})
