/**
 * The attribute maps of the resources the emulated Neutron serves — networks, subnets and
 * quotas here, ports and security groups beside — as neutron-lib defines them with the
 * extensions this cloudlet advertises merged in (provider, external-net, port-security,
 * net-mtu-writable, availability zones, standard attributes). Order matters: Neutron reports
 * the first attribute at fault in map order.
 */
import type { AttributeMap, AttributeSpec } from './attributes.ts'
import {
  NOT_SPECIFIED, allocationPoolsConverter, canonicalCidrConverter, canonicalIpConverter, noneToEmptyList, toBoolean, toInt,
  validateHostRoutes, validateIpAddressOrNone, validateIpPools, validateListOfUniqueStrings, validateNameString,
  validateNameservers, validateRange, validateString, validateSubnetOrNone, validateUuid, validateValues
} from './attributes.ts'
import { QUOTA_RESOURCES } from './model.ts'

export const NAME_MAX = 255
const DESCRIPTION_MAX = 255
export const TAG_MAX = 255
export const MAX_TAGS = 50
const PROJECT_ID_MAX = 255

/** The id: never settable, filterable and sortable. */
export const idAttribute: AttributeSpec = { allowPost: false, allowPut: false, isFilter: true, isSortKey: true }

/** tenant_id and project_id, which neutron-lib keeps in step. */
export const projectAttributes: AttributeMap = {
  tenant_id: { allowPost: true, allowPut: false, validate: validateString(PROJECT_ID_MAX), isFilter: true, isSortKey: true },
  project_id: { allowPost: true, allowPut: false, validate: validateString(PROJECT_ID_MAX), isFilter: true, isSortKey: true }
}

/** standard-attr-description, -tag, -timestamp and -revisions. Ports may carry tags on create. */
export function standardAttributes (tagsOnCreate = false, taggable = true): AttributeMap {
  const tags: AttributeMap = taggable
    ? {
        tags: tagsOnCreate
          ? { allowPost: true, allowPut: false, default: [], validate: validateListOfUniqueStrings(TAG_MAX), isFilter: true }
          : { allowPost: false, allowPut: false, isFilter: true },
        'tags-any': { allowPost: false, allowPut: false, isFilter: true },
        'not-tags': { allowPost: false, allowPut: false, isFilter: true },
        'not-tags-any': { allowPost: false, allowPut: false, isFilter: true }
      }
    : {}
  return {
    description: { allowPost: true, allowPut: true, default: '', validate: validateString(DESCRIPTION_MAX), isFilter: true },
    ...tags,
    created_at: { allowPost: false, allowPut: false, isSortKey: true },
    updated_at: { allowPost: false, allowPut: false, isSortKey: true },
    revision_number: { allowPost: false, allowPut: false, isFilter: true, isSortKey: true }
  }
}

const nameAttribute: AttributeSpec = { allowPost: true, allowPut: true, default: '', validate: validateNameString(NAME_MAX), isFilter: true, isSortKey: true }
const boolean = (defaultValue: unknown, extra: Partial<AttributeSpec> = {}): AttributeSpec =>
  ({ allowPost: true, allowPut: true, default: defaultValue, convert: toBoolean, isFilter: true, isSortKey: true, ...extra })

const nonNegative = validateRange(0, Number.MAX_SAFE_INTEGER)

export const NETWORK_ATTRIBUTES: AttributeMap = {
  id: idAttribute,
  name: nameAttribute,
  subnets: { allowPost: false, allowPut: false, default: [] },
  admin_state_up: boolean(true),
  status: { allowPost: false, allowPut: false, isFilter: true, isSortKey: true },
  ...projectAttributes,
  shared: boolean(false, { isSortKey: false, adminToSet: true }),
  'router:external': boolean(NOT_SPECIFIED, { isSortKey: false, adminToSet: true }),
  'provider:network_type': { allowPost: true, allowPut: true, default: NOT_SPECIFIED, validate: validateString(32), isFilter: true, adminOnly: true, adminToSet: true },
  'provider:physical_network': { allowPost: true, allowPut: true, default: NOT_SPECIFIED, validate: validateString(64), isFilter: true, adminOnly: true, adminToSet: true },
  'provider:segmentation_id': { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: toInt, isFilter: true, adminOnly: true, adminToSet: true },
  port_security_enabled: boolean(true, { isSortKey: false, enforcePolicy: true }),
  mtu: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: toInt, validate: nonNegative, isFilter: true, isSortKey: true },
  availability_zone_hints: { allowPost: true, allowPut: false, default: [], validate: validateListOfUniqueStrings(NAME_MAX) },
  availability_zones: { allowPost: false, allowPut: false },
  ipv4_address_scope: { allowPost: false, allowPut: false },
  ipv6_address_scope: { allowPost: false, allowPut: false },
  is_default: boolean(false, { isSortKey: false, adminToSet: true }),
  ...standardAttributes()
}

const IPV6_MODES = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'] as const

export const SUBNET_ATTRIBUTES: AttributeMap = {
  id: idAttribute,
  name: nameAttribute,
  ip_version: { allowPost: true, allowPut: false, convert: toInt, validate: validateValues([4, 6]), isFilter: true, isSortKey: true },
  network_id: { allowPost: true, allowPut: false, validate: validateUuid, isFilter: true, isSortKey: true },
  subnetpool_id: { allowPost: true, allowPut: false, default: NOT_SPECIFIED, isFilter: true, isSortKey: true },
  prefixlen: { allowPost: true, allowPut: false, default: NOT_SPECIFIED, convert: toInt, validate: nonNegative },
  cidr: { allowPost: true, allowPut: false, default: NOT_SPECIFIED, convert: canonicalCidrConverter, validate: validateSubnetOrNone, isFilter: true, isSortKey: true },
  gateway_ip: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: canonicalIpConverter, validate: validateIpAddressOrNone, isFilter: true, isSortKey: true },
  allocation_pools: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: allocationPoolsConverter, validate: validateIpPools },
  dns_nameservers: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: noneToEmptyList, validate: validateNameservers },
  host_routes: { allowPost: true, allowPut: true, default: NOT_SPECIFIED, convert: noneToEmptyList, validate: validateHostRoutes },
  ...projectAttributes,
  enable_dhcp: boolean(true),
  ipv6_ra_mode: { allowPost: true, allowPut: false, default: NOT_SPECIFIED, validate: validateValues(IPV6_MODES), isFilter: true, isSortKey: true },
  ipv6_address_mode: { allowPost: true, allowPut: false, default: NOT_SPECIFIED, validate: validateValues(IPV6_MODES), isFilter: true, isSortKey: true },
  shared: { allowPost: false, allowPut: false, default: false, convert: toBoolean, isFilter: true },
  segment_id: { allowPost: false, allowPut: false, isFilter: true, isSortKey: true },
  service_types: { allowPost: false, allowPut: false, isFilter: true },
  ...standardAttributes()
}

/** quotasv2's PUT body: one integer limit per resource, -1 meaning unlimited. */
export const QUOTA_ATTRIBUTES: AttributeMap = Object.fromEntries(QUOTA_RESOURCES.map(resource => [
  resource,
  { allowPost: false, allowPut: true, convert: toInt, validate: validateRange(-1, 2_147_483_647) } satisfies AttributeSpec
]))
