/**
 * Request-body checking against the attribute maps, in the order and with the words of
 * neutron's prepare_request_body: each case names the fault a real Neutron gives.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OpenStackFault } from '../faults.ts'
import { NOT_SPECIFIED, prepareRequestBody } from './attributes.ts'
import type { PrepareOptions } from './attributes.ts'
import { PORT_ATTRIBUTES, SECURITY_GROUP_RULE_ATTRIBUTES } from './port-schemas.ts'
import { NETWORK_ATTRIBUTES, SUBNET_ATTRIBUTES } from './schemas.ts'

const network: PrepareOptions = { resource: 'network', collection: 'networks', attributes: NETWORK_ATTRIBUTES, isCreate: true, projectId: 'p1', isAdmin: false }

function fault (fn: () => unknown): { status: number, type: string | undefined, message: string } {
  try {
    fn()
  } catch (error) {
    if (error instanceof OpenStackFault) return { status: error.status, type: error.type, message: error.message }
    throw error
  }
  assert.fail('expected a fault')
}

describe('prepareRequestBody', () => {
  it('fills defaults and the project for a minimal create', () => {
    const { items, bulk } = prepareRequestBody({ network: { name: 'net1' } }, network)
    assert.equal(bulk, false)
    const item = items[0] as Record<string, unknown>
    assert.equal(item.admin_state_up, true)
    assert.equal(item.shared, false)
    assert.equal(item.project_id, 'p1')
    assert.equal(item.tenant_id, 'p1')
    assert.equal(item['router:external'], NOT_SPECIFIED)
  })

  it('converts booleans the way strutils does and names a value it cannot', () => {
    const item = prepareRequestBody({ network: { admin_state_up: 'off' } }, network).items[0] as Record<string, unknown>
    assert.equal(item.admin_state_up, false)
    assert.deepEqual(fault(() => prepareRequestBody({ network: { admin_state_up: 'maybe' } }, network)),
      { status: 400, type: 'InvalidInput', message: "Invalid input for operation: 'maybe' cannot be converted to boolean." })
  })

  it('answers the body-level problems as Neutron words them', () => {
    assert.equal(fault(() => prepareRequestBody(undefined, network)).message, "Unable to find 'network' in request body")
    assert.equal(fault(() => prepareRequestBody([1], network)).message, 'Body contains invalid data')
    assert.equal(fault(() => prepareRequestBody({ net: {} }, network)).message, "Unable to find 'network' in request body")
    assert.equal(fault(() => prepareRequestBody({ network: 'x' }, network)).message, "Object 'network' contains invalid data")
    assert.equal(fault(() => prepareRequestBody({ networks: [] }, network)).message, 'Resources required')
    assert.equal(fault(() => prepareRequestBody({ networks: [{}] }, { ...network, isCreate: false })).message, 'Bulk operation not supported')
  })

  it('refuses unknown, read-only and missing attributes', () => {
    assert.deepEqual(fault(() => prepareRequestBody({ network: { name: 'a', colour: 'red', size: 1 } }, network)),
      { status: 400, type: 'HTTPBadRequest', message: "Unrecognized attribute(s) 'colour, size'" })
    assert.equal(fault(() => prepareRequestBody({ network: { status: 'DOWN' } }, network)).message, "Attribute 'status' not allowed in POST")
    assert.equal(fault(() => prepareRequestBody({ network: { status: 'DOWN' } }, { ...network, isCreate: false })).message, 'Cannot update read-only attribute status')
    const subnet = { ...network, resource: 'subnet', collection: 'subnets', attributes: SUBNET_ATTRIBUTES }
    assert.equal(fault(() => prepareRequestBody({ subnet: { cidr: '10.0.0.0/24' } }, subnet)).message, "Failed to parse request. Required attribute 'ip_version' not specified")
  })

  it('checks types with the validators\' reasons', () => {
    assert.equal(fault(() => prepareRequestBody({ network: { name: 5 } }, network)).message, "Invalid input for name. Reason: '5' is not a valid string.")
    const subnet = { ...network, resource: 'subnet', collection: 'subnets', attributes: SUBNET_ATTRIBUTES }
    const base = { network_id: 'a0304c3a-4f08-4c43-88af-d796509c97d2', ip_version: 4 }
    assert.equal(fault(() => prepareRequestBody({ subnet: { ...base, ip_version: 5, cidr: '10.0.0.0/24' } }, subnet)).message,
      'Invalid input for ip_version. Reason: 5 is not in valid_values.')
    assert.equal(fault(() => prepareRequestBody({ subnet: { ...base, cidr: 'nonsense' } }, subnet)).message,
      'Invalid input for operation: nonsense is not in a CIDR format.')
    assert.equal(fault(() => prepareRequestBody({ subnet: { ...base, cidr: '10.0.0.0/24', gateway_ip: '10.0.0.01' } }, subnet)).message,
      "Invalid input for gateway_ip. Reason: '10.0.0.01' is not an accepted IP address, '10.0.0.1' is recommended.")
    assert.equal(fault(() => prepareRequestBody({ subnet: { ...base, network_id: 'nope', cidr: '10.0.0.0/24' } }, subnet)).message,
      "Invalid input for network_id. Reason: 'nope' is not a valid UUID.")
  })

  it('keeps project_id and tenant_id in step and refuses another project to non-admins', () => {
    assert.equal(fault(() => prepareRequestBody({ network: { project_id: 'a', tenant_id: 'b' } }, network)).message, "'project_id' and 'tenant_id' do not match")
    assert.equal(fault(() => prepareRequestBody({ network: { project_id: 'other' } }, network)).message,
      "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user.")
    const item = prepareRequestBody({ network: { tenant_id: 'other' } }, { ...network, isAdmin: true }).items[0] as Record<string, unknown>
    assert.equal(item.project_id, 'other')
  })

  it('reads a bulk body with or without the resource key around each item', () => {
    const { items, bulk } = prepareRequestBody({ networks: [{ name: 'a' }, { network: { name: 'b' } }] }, network)
    assert.equal(bulk, true)
    assert.deepEqual(items.map(i => i.name), ['a', 'b'])
  })

  it('converts rule protocols, ports and prefixes, raising the security group faults', () => {
    const rule = { ...network, resource: 'security_group_rule', collection: 'security_group_rules', attributes: SECURITY_GROUP_RULE_ATTRIBUTES }
    const base = { security_group_id: 'a0304c3a-4f08-4c43-88af-d796509c97d2', direction: 'ingress' }
    const item = prepareRequestBody({ security_group_rule: { ...base, protocol: 'TCP', port_range_min: '22', ethertype: 'ipv4', remote_ip_prefix: '10.0.0.1' } }, rule).items[0] as Record<string, unknown>
    assert.deepEqual([item.protocol, item.port_range_min, item.ethertype, item.remote_ip_prefix], ['tcp', 22, 'IPv4', '10.0.0.1/32'])
    assert.equal(fault(() => prepareRequestBody({ security_group_rule: { ...base, protocol: 'bogus' } }, rule)).type, 'SecurityGroupRuleInvalidProtocol')
    assert.equal(fault(() => prepareRequestBody({ security_group_rule: { ...base, port_range_min: 70000 } }, rule)).message, 'Invalid value for port 70000')
    assert.equal(fault(() => prepareRequestBody({ security_group_rule: { ...base, remote_ip_prefix: 'x' } }, rule)).message, 'Invalid CIDR x given as IP prefix.')
    assert.equal(fault(() => prepareRequestBody({ security_group_rule: { ...base, direction: 'sideways' } }, rule)).message,
      'Invalid input for direction. Reason: sideways is not in valid_values.')
  })

  it('validates fixed IPs and MAC addresses of ports', () => {
    const port = { ...network, resource: 'port', collection: 'ports', attributes: PORT_ATTRIBUTES }
    const base = { network_id: 'a0304c3a-4f08-4c43-88af-d796509c97d2' }
    assert.equal(fault(() => prepareRequestBody({ port: { ...base, fixed_ips: [{ ip_address: '10.0.0.5' }, { ip_address: '10.0.0.5' }] } }, port)).message,
      "Invalid input for fixed_ips. Reason: Duplicate IP address '10.0.0.5'.")
    assert.equal(fault(() => prepareRequestBody({ port: { ...base, mac_address: 'zz' } }, port)).message, "Invalid input for mac_address. Reason: 'zz' is not a valid MAC address.")
    const item = prepareRequestBody({ port: { ...base, mac_address: 'FA-16-3E-00-00-01' } }, port).items[0] as Record<string, unknown>
    assert.equal(item.mac_address, 'fa:16:3e:00:00:01')
  })
})
