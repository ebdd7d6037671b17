/**
 * IP arithmetic against what netaddr and neutron.ipam.utils give for the same inputs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  canonicalIp, defaultPools, eui64Address, formatIp, formatNetwork, formatRange, isGatewayInvalid, isValidSubnetIp, normalizeMac,
  parseCidr, parseIp, removeAddress
} from './ip.ts'
import type { Cidr } from './ip.ts'

const cidr = (text: string): Cidr => parseCidr(text) as Cidr

describe('parseIp and formatIp', () => {
  it('reads dotted quads and refuses anything else', () => {
    assert.deepEqual(parseIp('10.0.0.1'), { version: 4, value: 0x0a000001n })
    for (const bad of ['10.0.0', '10.0.0.256', '1.2.3.4.5', 'a.b.c.d', '', ' 10.0.0.1', '10.0.0.1/24', 5]) assert.equal(parseIp(bad), null, String(bad))
  })

  it('reads every IPv6 spelling and prints the compact lowercase form', () => {
    assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1')
    assert.equal(canonicalIp('::'), '::')
    assert.equal(canonicalIp('fe80::'), 'fe80::')
    assert.equal(canonicalIp('1:0:1:1:1:1:1:1'), '1:0:1:1:1:1:1:1')
    assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1')
    assert.equal(canonicalIp('::ffff:1.2.3.4'), '::ffff:1.2.3.4')
    assert.equal(parseIp('1::2::3'), null)
    assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), null)
    assert.equal(parseIp('12345::'), null)
  })

  it('keeps leading-zero octets readable so validators can recommend the plain form', () => {
    assert.equal(canonicalIp('010.000.000.001'), '10.0.0.1')
  })
})

describe('CIDRs and pools', () => {
  it('clears host bits for the stored network and reads a bare address as a host route', () => {
    assert.equal(formatNetwork(cidr('10.1.0.5/24')), '10.1.0.0/24')
    assert.equal(formatNetwork(cidr('2001:db8::5/64')), '2001:db8::/64')
    assert.equal(cidr('10.0.0.1').prefixLength, 32)
    assert.equal(parseCidr('10.0.0.0/33'), null)
  })

  it('gives IPv4 the whole range but network, broadcast and gateway', () => {
    const c = cidr('192.168.199.0/24')
    const pools = defaultPools(c, parseIp('192.168.199.1'))
    assert.deepEqual(pools.map(formatRange), ['192.168.199.2-192.168.199.254'])
    const middle = defaultPools(c, parseIp('192.168.199.100'))
    assert.deepEqual(middle.map(formatRange), ['192.168.199.1-192.168.199.99', '192.168.199.101-192.168.199.254'])
    assert.deepEqual(defaultPools(c, null).map(formatRange), ['192.168.199.1-192.168.199.254'])
  })

  it('keeps /31 and /32 whole and leaves IPv6 only the subnet-router anycast address out', () => {
    assert.deepEqual(defaultPools(cidr('10.0.0.0/31'), null).map(formatRange), ['10.0.0.0-10.0.0.1'])
    assert.deepEqual(defaultPools(cidr('10.0.0.7/32'), null).map(formatRange), ['10.0.0.7-10.0.0.7'])
    assert.deepEqual(defaultPools(cidr('2001:db8::/64'), parseIp('2001:db8::1')).map(formatRange), ['2001:db8::2-2001:db8::ffff:ffff:ffff:ffff'])
  })

  it('splits a range around a removed address', () => {
    const ranges = removeAddress([{ version: 4, first: 1n, last: 5n }], 3n)
    assert.deepEqual(ranges.map(r => [r.first, r.last]), [[1n, 2n], [4n, 5n]])
  })

  it('refuses the network and broadcast addresses for ports and gateways in IPv4 only', () => {
    const v4 = cidr('10.0.0.0/24')
    assert.equal(isValidSubnetIp(v4, parseIp('10.0.0.0') as never), false)
    assert.equal(isValidSubnetIp(v4, parseIp('10.0.0.255') as never), false)
    assert.equal(isValidSubnetIp(v4, parseIp('10.0.0.7') as never), true)
    assert.equal(isValidSubnetIp(v4, parseIp('10.0.1.7') as never), false)
    assert.equal(isGatewayInvalid(v4, parseIp('10.0.0.255') as never), true)
    assert.equal(isGatewayInvalid(v4, parseIp('10.9.9.9') as never), false)
    const v6 = cidr('2001:db8::/64')
    assert.equal(isValidSubnetIp(v6, parseIp('2001:db8::') as never), false)
    assert.equal(isValidSubnetIp(v6, parseIp('2001:db8::') as never, true), true)
  })
})

describe('MAC addresses', () => {
  it('normalises the spellings netaddr accepts', () => {
    assert.equal(normalizeMac('FA-16-3E-01-02-03'), 'fa:16:3e:01:02:03')
    assert.equal(normalizeMac('fa16.3e01.0203'), 'fa:16:3e:01:02:03')
    assert.equal(normalizeMac('fa163e010203'), 'fa:16:3e:01:02:03')
    assert.equal(normalizeMac('fa:16:3e:01:02'), null)
  })

  it('derives the modified EUI-64 address of a MAC', () => {
    const address = eui64Address(cidr('2001:db8::/64'), 'fa:16:3e:01:02:03')
    assert.equal(formatIp(address), '2001:db8::f816:3eff:fe01:203')
  })
})
