/**
 * Security groups and rules through the API: the default group every project gets on first
 * use and its four rules, new groups with their two egress rules, rule checks (protocols,
 * port ranges, prefixes, remotes), duplicates, bulk rules, and deletion rules.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import { NeutronClient } from '../../../test/fixtures/neutron-client.ts'

interface Rule { id: string, direction: string, ethertype: string, remote_group_id: string | null, protocol: string | null, port_range_min: number | null, port_range_max: number | null, belongs_to_default_sg: boolean }

async function memberClient (c: TestCloudlet, name: string): Promise<NeutronClient> {
  return new NeutronClient(c.call, (await c.member(name)).token)
}

describe('/v2.0/security-groups', () => {
  it('gives a project its default group with Neutron\'s four rules on first use', async () => {
    const c = await makeTestCloudlet()
    const alice = await memberClient(c, 'alice')
    const list = (await alice.get('/security-groups')).json().security_groups
    assert.equal(list.length, 1)
    const group = list[0]
    assert.equal(group.name, 'default')
    assert.equal(group.description, 'Default security group')
    const rules = group.security_group_rules as Rule[]
    const summary = rules.map(r => `${r.direction}/${r.ethertype}/${r.remote_group_id === group.id ? 'self' : 'any'}`).sort()
    assert.deepEqual(summary, ['egress/IPv4/any', 'egress/IPv6/any', 'ingress/IPv4/self', 'ingress/IPv6/self'])
    assert.ok(rules.every(r => r.belongs_to_default_sg))
    assert.equal((await alice.get('/security-groups')).json().security_groups.length, 1)
  })

  it('creates a group with the two egress rules, updates and deletes it', async () => {
    const c = await makeTestCloudlet()
    const alice = await memberClient(c, 'alice')
    const web = await alice.create('security-groups', 'security_group', { name: 'web', description: 'web servers' })
    assert.deepEqual((web.security_group_rules as Rule[]).map(r => `${r.direction}/${r.ethertype}`).sort(), ['egress/IPv4', 'egress/IPv6'])
    assert.equal(web.stateful, true)
    const renamed = await alice.put(`/security-groups/${web.id as string}`, { security_group: { name: 'www' } })
    assert.equal(renamed.json().security_group.name, 'www')
    assert.equal((await alice.delete(`/security-groups/${web.id as string}`)).status, 204)
    assert.equal((await alice.ids('/security-group-rules')).length, 4)
  })

  it('refuses a second group named default, deleting the default group, and deleting a group in use', async () => {
    const c = await makeTestCloudlet()
    const alice = await memberClient(c, 'alice')
    const named = await alice.post('/security-groups', { security_group: { name: 'default' } })
    assert.equal(named.status, 409)
    assert.deepEqual(named.json().NeutronError, { type: 'SecurityGroupDefaultAlreadyExists', message: 'Default security group already exists.', detail: '' })
    const def = (await alice.get('/security-groups?name=default')).json().security_groups[0]
    const removal = await alice.delete(`/security-groups/${def.id as string}`)
    assert.equal(removal.status, 409)
    assert.equal(removal.json().NeutronError.type, 'SecurityGroupCannotRemoveDefault')
    const web = await alice.create('security-groups', 'security_group', { name: 'web' })
    const net = await alice.network()
    await alice.subnet(net.id, '10.0.0.0/24')
    await alice.port(net.id, { security_groups: [web.id] })
    const inUse = await alice.delete(`/security-groups/${web.id as string}`)
    assert.equal(inUse.status, 409)
    assert.deepEqual(inUse.json().NeutronError, { type: 'SecurityGroupInUse', message: `Security Group ${web.id as string} in use.`, detail: '' })
  })

  it('hides other projects\' groups', async () => {
    const c = await makeTestCloudlet()
    const alice = await memberClient(c, 'alice')
    const bob = await memberClient(c, 'bob')
    const web = await alice.create('security-groups', 'security_group', { name: 'web' })
    const r = await bob.get(`/security-groups/${web.id as string}`)
    assert.equal(r.status, 404)
    assert.deepEqual(r.json().NeutronError, { type: 'SecurityGroupNotFound', message: `Security group ${web.id as string} does not exist`, detail: '' })
    const rule = await bob.post('/security-group-rules', { security_group_rule: { security_group_id: web.id, direction: 'ingress' } })
    assert.equal(rule.status, 404)
  })
})

describe('/v2.0/security-group-rules', () => {
  async function withGroup (): Promise<{ alice: NeutronClient, groupId: string }> {
    const c = await makeTestCloudlet()
    const alice = await memberClient(c, 'alice')
    const group = await alice.create('security-groups', 'security_group', { name: 'web' })
    return { alice, groupId: group.id }
  }

  it('creates the rule the CLI sends for --protocol tcp --dst-port 22 and refuses its duplicate', async () => {
    const { alice, groupId } = await withGroup()
    const body = { security_group_id: groupId, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' }
    const rule = await alice.create('security-group-rules', 'security_group_rule', body)
    assert.equal(rule.protocol, 'tcp')
    assert.equal(rule.normalized_cidr, '0.0.0.0/0')
    const again = await alice.post('/security-group-rules', { security_group_rule: { ...body, protocol: '6', remote_ip_prefix: null } })
    assert.equal(again.status, 409)
    assert.deepEqual(again.json().NeutronError, { type: 'SecurityGroupRuleExists', message: `Security group rule already exists. Rule id is ${rule.id as string}.`, detail: '' })
    const group = (await alice.get(`/security-groups/${groupId}`)).json().security_group
    assert.equal(group.security_group_rules.length, 3)
  })

  it('checks port ranges, protocols, prefixes and remotes with Neutron\'s faults', async () => {
    const { alice, groupId } = await withGroup()
    const base = { security_group_id: groupId, direction: 'ingress' }
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ port_range_min: 22, port_range_max: 22 }, 400, 'SecurityGroupProtocolRequiredWithPorts'],
      [{ protocol: 'tcp', port_range_min: 30, port_range_max: 20 }, 400, 'SecurityGroupInvalidPortRange'],
      [{ protocol: 'tcp', port_range_min: 0, port_range_max: 20 }, 400, 'SecurityGroupInvalidPortValue'],
      [{ protocol: 'icmp', port_range_min: 300 }, 400, 'SecurityGroupInvalidIcmpValue'],
      [{ protocol: 'icmp', port_range_max: 3 }, 400, 'SecurityGroupMissingIcmpType'],
      [{ protocol: 'gre', port_range_min: 1, port_range_max: 2 }, 400, 'SecurityGroupInvalidProtocolForPort'],
      [{ protocol: 'bogus' }, 400, 'SecurityGroupRuleInvalidProtocol'],
      [{ protocol: 'ipv6-icmp', ethertype: 'IPv4' }, 400, 'SecurityGroupEthertypeConflictWithProtocol'],
      [{ remote_ip_prefix: '2001:db8::/64' }, 400, 'SecurityGroupRuleParameterConflict'],
      [{ remote_ip_prefix: '10.0.0.0/8', remote_group_id: groupId }, 400, 'SecurityGroupMultipleRemoteEntites'],
      [{ remote_group_id: 'a0304c3a-4f08-4c43-88af-d796509c97d2' }, 404, 'SecurityGroupNotFound'],
      [{ direction: 'upwards' }, 400, 'HTTPBadRequest']
    ]
    for (const [extra, status, type] of cases) {
      const r = await alice.post('/security-group-rules', { security_group_rule: { ...base, ...extra } })
      assert.equal(r.status, status, type)
      assert.equal(r.json().NeutronError.type, type)
    }
    const ports = await alice.post('/security-group-rules', { security_group_rule: { ...base, protocol: 'gre', port_range_min: 1, port_range_max: 2 } })
    assert.equal(ports.json().NeutronError.message, 'Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, TCP, UDP.')
    assert.equal((await alice.get(`/security-groups/${groupId}`)).json().security_group.security_group_rules.length, 2)
  })

  it('makes the whole port range "any", legacy IPv6 ICMP names canonical, and a bare address a /32', async () => {
    const { alice, groupId } = await withGroup()
    const all = await alice.create('security-group-rules', 'security_group_rule', { security_group_id: groupId, direction: 'ingress', protocol: 'udp', port_range_min: 1, port_range_max: 65535 })
    assert.deepEqual([all.port_range_min, all.port_range_max], [null, null])
    const icmp = await alice.create('security-group-rules', 'security_group_rule', { security_group_id: groupId, direction: 'ingress', protocol: 'icmp', ethertype: 'IPv6' })
    assert.equal(icmp.protocol, 'ipv6-icmp')
    const host = await alice.create('security-group-rules', 'security_group_rule', { security_group_id: groupId, direction: 'ingress', remote_ip_prefix: '10.1.2.3' })
    assert.equal(host.remote_ip_prefix, '10.1.2.3/32')
  })

  it('creates rules in bulk, refusing duplicates within the request', async () => {
    const { alice, groupId } = await withGroup()
    const rule = { security_group_id: groupId, direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80 }
    const dup = await alice.post('/security-group-rules', { security_group_rules: [rule, rule] })
    assert.equal(dup.status, 409)
    assert.equal(dup.json().NeutronError.type, 'DuplicateSecurityGroupRuleInPost')
    const ok = await alice.post('/security-group-rules', { security_group_rules: [rule, { ...rule, port_range_min: 443, port_range_max: 443 }] })
    assert.equal(ok.status, 201)
    assert.equal(ok.json().security_group_rules.length, 2)
    assert.equal((await alice.ids(`/security-group-rules?security_group_id=${groupId}`)).length, 4)
  })

  it('updates a rule\'s description only, deletes it, and the group\'s revision goes up', async () => {
    const { alice, groupId } = await withGroup()
    const before = (await alice.get(`/security-groups/${groupId}`)).json().security_group.revision_number
    const rule = await alice.create('security-group-rules', 'security_group_rule', { security_group_id: groupId, direction: 'ingress', protocol: 'tcp' })
    const described = await alice.put(`/security-group-rules/${rule.id as string}`, { security_group_rule: { description: 'web' } })
    assert.equal(described.json().security_group_rule.description, 'web')
    const readOnly = await alice.put(`/security-group-rules/${rule.id as string}`, { security_group_rule: { protocol: 'udp' } })
    assert.equal(readOnly.json().NeutronError.message, 'Cannot update read-only attribute protocol')
    assert.equal((await alice.delete(`/security-group-rules/${rule.id as string}`)).status, 204)
    assert.equal((await alice.get(`/security-group-rules/${rule.id as string}`)).status, 404)
    assert.equal((await alice.get(`/security-groups/${groupId}`)).json().security_group.revision_number, before + 2)
  })
})
