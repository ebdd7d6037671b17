/**
 * IP addresses, CIDRs, address ranges and MAC addresses as Neutron (through netaddr) reads and
 * writes them. Addresses are bigints so IPv4 and IPv6 share one arithmetic: a /64 has 2^64
 * addresses and IPAM must still step through it exactly. Formatting follows netaddr's output
 * (dotted quads; RFC 5952 compact IPv6), because clients compare the strings Neutron returns.
 */

export type IpVersion = 4 | 6

export interface IpAddress {
  readonly version: IpVersion
  readonly value: bigint
}

/** A CIDR as written: the address given (host bits kept) and the prefix length. */
export interface Cidr {
  readonly version: IpVersion
  readonly address: bigint
  readonly prefixLength: number
}

/** An inclusive range of addresses of one version. */
export interface IpRange {
  readonly version: IpVersion
  readonly first: bigint
  readonly last: bigint
}

const BITS: Record<IpVersion, number> = { 4: 32, 6: 128 }

function bitsOf (version: IpVersion): number {
  return BITS[version]
}

/** Parses a dotted-quad IPv4 address; leading zeros are read as decimal (netaddr ZEROFILL). */
function parseIpv4 (text: string): bigint | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  let value = 0n
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null
    const octet = Number(part)
    if (octet > 255) return null
    value = (value << 8n) | BigInt(octet)
  }
  return value
}

function parseIpv6 (text: string): bigint | null {
  if (text.length === 0 || /[^0-9a-fA-F:.]/.test(text)) return null
  let head = text
  let tailV4: bigint | null = null
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1))
    if (tailV4 === null) return null
    head = text.slice(0, lastColon + 1)
    if (!head.endsWith('::')) head = head.slice(0, -1)
  }
  const groupsWanted = tailV4 === null ? 8 : 6
  const doubleColon = head.indexOf('::')
  if (doubleColon !== head.lastIndexOf('::')) return null
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return []
    const groups = part.split(':')
    const out: number[] = []
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null
      out.push(parseInt(g, 16))
    }
    return out
  }
  let groups: number[]
  if (doubleColon === -1) {
    const parsed = parseGroups(head)
    if (parsed === null || parsed.length !== groupsWanted) return null
    groups = parsed
  } else {
    const left = parseGroups(head.slice(0, doubleColon))
    const right = parseGroups(head.slice(doubleColon + 2))
    if (left === null || right === null) return null
    const missing = groupsWanted - left.length - right.length
    if (missing < 1) return null
    groups = [...left, ...Array<number>(missing).fill(0), ...right]
  }
  let value = 0n
  for (const g of groups) value = (value << 16n) | BigInt(g)
  if (tailV4 !== null) value = (value << 32n) | tailV4
  return value
}

/** Parses an IPv4 or IPv6 address; null when it is neither. */
export function parseIp (text: unknown): IpAddress | null {
  if (typeof text !== 'string' || text.length === 0 || /\s/.test(text)) return null
  if (text.includes(':')) {
    const value = parseIpv6(text)
    return value === null ? null : { version: 6, value }
  }
  const value = parseIpv4(text)
  return value === null ? null : { version: 4, value }
}

/** The address as netaddr prints it: IPv4 dotted, IPv6 compact and lowercase (RFC 5952). */
export function formatIp (address: IpAddress): string {
  if (address.version === 4) {
    const v = address.value
    return [24n, 16n, 8n, 0n].map(shift => String((v >> shift) & 255n)).join('.')
  }
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((address.value >> BigInt(i * 16)) & 0xffffn))
  if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIp({ version: 4, value: address.value & 0xffffffffn })}`
  }
  let bestStart = -1
  let bestLength = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) { bestStart = i; bestLength = j - i }
    i = j
  }
  const hex = groups.map(g => g.toString(16))
  if (bestLength < 2) return hex.join(':')
  const left = hex.slice(0, bestStart).join(':')
  const right = hex.slice(bestStart + bestLength).join(':')
  return `${left}::${right}`
}

/** Reformats an address string canonically; the input itself when it is not an address. */
export function canonicalIp (text: string): string {
  const ip = parseIp(text)
  return ip === null ? text : formatIp(ip)
}

/**
 * Parses a CIDR ("10.0.0.0/24", "2001:db8::/64"); an address without a prefix is a host
 * route (/32 or /128), as netaddr.IPNetwork reads it. Null when it is not one.
 */
export function parseCidr (text: unknown): Cidr | null {
  if (typeof text !== 'string' || /\s/.test(text)) return null
  const slash = text.indexOf('/')
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash))
  if (ip === null) return null
  let prefixLength = bitsOf(ip.version)
  if (slash !== -1) {
    const prefix = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(prefix)) return null
    prefixLength = Number(prefix)
    if (prefixLength > bitsOf(ip.version)) return null
  }
  return { version: ip.version, address: ip.value, prefixLength }
}

function hostMask (version: IpVersion, prefixLength: number): bigint {
  return (1n << BigInt(bitsOf(version) - prefixLength)) - 1n
}

/** The first (network) address of a CIDR. */
export function networkAddress (cidr: Cidr): bigint {
  return cidr.address & ~hostMask(cidr.version, cidr.prefixLength)
}

/** The last address of a CIDR (the broadcast address in IPv4). */
function lastAddress (cidr: Cidr): bigint {
  return networkAddress(cidr) | hostMask(cidr.version, cidr.prefixLength)
}

/** "network/prefix" with the host bits cleared, as Neutron stores a subnet's cidr. */
export function formatNetwork (cidr: Cidr): string {
  return `${formatIp({ version: cidr.version, value: networkAddress(cidr) })}/${cidr.prefixLength}`
}

/** "address/prefix" as given, with the address canonical (netaddr's str(IPNetwork)). */
export function formatCidr (cidr: Cidr): string {
  return `${formatIp({ version: cidr.version, value: cidr.address })}/${cidr.prefixLength}`
}

function cidrContains (cidr: Cidr, ip: IpAddress): boolean {
  return ip.version === cidr.version && ip.value >= networkAddress(cidr) && ip.value <= lastAddress(cidr)
}

export function cidrsOverlap (a: Cidr, b: Cidr): boolean {
  return a.version === b.version && networkAddress(a) <= lastAddress(b) && networkAddress(b) <= lastAddress(a)
}

export function formatRange (range: IpRange): string {
  return `${formatIp({ version: range.version, value: range.first })}-${formatIp({ version: range.version, value: range.last })}`
}

export function rangesOverlap (a: IpRange, b: IpRange): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last
}

/**
 * Removes one address from a set of sorted, disjoint ranges (netaddr IPSet.remove followed by
 * iter_ipranges), splitting the range that holds it.
 */
export function removeAddress (ranges: readonly IpRange[], value: bigint): IpRange[] {
  const out: IpRange[] = []
  for (const r of ranges) {
    if (value < r.first || value > r.last) { out.push(r); continue }
    if (r.first < value) out.push({ version: r.version, first: r.first, last: value - 1n })
    if (value < r.last) out.push({ version: r.version, first: value + 1n, last: r.last })
  }
  return out
}

/**
 * The default allocation pools of a subnet, as neutron.ipam.utils.generate_pools computes
 * them: IPv4 leaves out the network and broadcast addresses (for prefixes up to /30), IPv6
 * the subnet-router anycast address; the gateway is cut out wherever it falls.
 */
export function defaultPools (cidr: Cidr, gateway: IpAddress | null): IpRange[] {
  const first = networkAddress(cidr)
  const last = lastAddress(cidr)
  const version = cidr.version
  if (first === last) return [{ version, first, last }]
  let firstIp = first
  let lastIp = last
  if (version === 4) {
    if (cidr.prefixLength <= 30) {
      firstIp = first + 1n
      lastIp = last - 1n
    }
  } else {
    firstIp = first + 1n
  }
  if (firstIp > lastIp) return []
  let ranges: IpRange[] = [{ version, first: firstIp, last: lastIp }]
  if (gateway !== null && gateway.version === version) ranges = removeAddress(ranges, gateway.value)
  return ranges
}

/** The usable bounds of a subnet for allocation pools (ipam_backend_mixin.validate_allocation_pools). */
export function poolBounds (cidr: Cidr): { first: bigint, last: bigint } {
  const first = networkAddress(cidr)
  const last = lastAddress(cidr)
  if (cidr.version === 4) {
    return cidr.prefixLength <= 30 ? { first: first + 1n, last: last - 1n } : { first, last }
  }
  return { first: first + 1n, last }
}

/**
 * True when `ip` may be given to a port on the subnet (neutron.ipam.utils.check_subnet_ip):
 * inside it and, for IPv4, neither the network nor the broadcast address; for IPv6 not the
 * subnet-router anycast address unless the port is a router's.
 */
export function isValidSubnetIp (cidr: Cidr, ip: IpAddress, routerPort = false): boolean {
  if (!cidrContains(cidr, ip)) return false
  const network = networkAddress(cidr)
  if (cidr.version === 4) return ip.value !== network && ip.value !== lastAddress(cidr)
  return routerPort || ip.value !== network
}

/** True when a gateway cannot be used on the subnet: inside it and an IPv4 network or broadcast address. */
export function isGatewayInvalid (cidr: Cidr, gateway: IpAddress): boolean {
  return cidrContains(cidr, gateway) && cidr.version === 4 && (gateway.value === networkAddress(cidr) || gateway.value === lastAddress(cidr))
}

export function isMulticast (cidr: Cidr): boolean {
  const network = networkAddress(cidr)
  if (cidr.version === 4) return (network >> 28n) === 0xen
  return (network >> 120n) === 0xffn
}

export function isLoopback (cidr: Cidr): boolean {
  const network = networkAddress(cidr)
  if (cidr.version === 4) return (network >> 24n) === 127n
  return network === 1n && cidr.prefixLength === 128
}

const MAC_FORMATS = [
  /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i
]

/** A MAC address in Neutron's form ("fa:16:3e:01:02:03"), or null when it is not one. */
export function normalizeMac (text: unknown): string | null {
  if (typeof text !== 'string') return null
  for (const format of MAC_FORMATS) {
    const match = format.exec(text)
    if (match !== null) return match.slice(1, 7).map(b => b.toLowerCase().padStart(2, '0')).join(':')
  }
  return null
}

/** The IPv6 SLAAC address of a MAC on a /64 (modified EUI-64). */
export function eui64Address (cidr: Cidr, mac: string): IpAddress {
  const bytes = mac.split(':').map(b => parseInt(b, 16))
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = bytes
  const iid = [b0 ^ 0x02, b1, b2, 0xff, 0xfe, b3, b4, b5].reduce((acc, b) => (acc << 8n) | BigInt(b), 0n)
  return { version: 6, value: networkAddress(cidr) | (iid & ((1n << 64n) - 1n)) }
}
