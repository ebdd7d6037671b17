/**
 * Neutron's request-body checking, as data: each resource declares an attribute map (which
 * attributes a POST or PUT may carry, their defaults, converters and validators), and
 * prepareRequestBody() applies it in the order and with the messages of neutron's
 * Controller.prepare_request_body and neutron-lib's AttributeInfo. Neutron does not use JSON
 * Schema, so jsonschema's wording (validation.ts) would be wrong here; the validators below
 * return neutron-lib's reasons instead.
 */
import { httpBadRequest, invalidInput } from './faults.ts'
import { canonicalIp, normalizeMac, parseCidr, parseIp } from './ip.ts'
import { pyRepr, pyStr } from '../python-text.ts'

/** neutron-lib's ATTR_NOT_SPECIFIED: an optional attribute the client left out. */
export const NOT_SPECIFIED: unique symbol = Symbol('ATTR_NOT_SPECIFIED')

/** Returns a reason when the value is not acceptable (neutron-lib validator), null when it is. */
export type Validator = (value: unknown) => string | null
/** Converts a value, throwing InvalidInput when it cannot (neutron-lib converter). */
export type Converter = (value: unknown) => unknown

export interface AttributeSpec {
  readonly allowPost: boolean
  readonly allowPut: boolean
  /** When present the attribute is optional on POST and takes this value (NOT_SPECIFIED: stays unset). */
  readonly default?: unknown
  readonly convert?: Converter
  readonly validate?: Validator
  readonly isFilter?: boolean
  readonly isSortKey?: boolean
  /** Converts the list of query values of a filter (convert_list_to); by default each goes through `convert`. */
  readonly convertFilterList?: (values: string[]) => unknown
  /** Shown only to admins (policy "rule:admin_only" on get). */
  readonly adminOnly?: boolean
  /** Only admins may set it to a non-default value (create/update policy on the attribute). */
  readonly adminToSet?: boolean
  /** Setting it explicitly is checked by policy (neutron's enforce_policy), which names it in a refusal. */
  readonly enforcePolicy?: boolean
}

export type AttributeMap = Readonly<Record<string, AttributeSpec>>

export interface PrepareOptions {
  /** 'network', 'security_group' … */
  readonly resource: string
  /** The body key of a bulk request: 'networks', 'security_groups' … */
  readonly collection: string
  readonly attributes: AttributeMap
  readonly isCreate: boolean
  /** The caller's project (null without project scope). */
  readonly projectId: string | null
  readonly isAdmin: boolean
}

export interface PreparedBody {
  /** One item for a single request; several for a bulk create. */
  readonly items: ReadonlyArray<Record<string, unknown>>
  readonly bulk: boolean
}

/**
 * Checks a parsed JSON body (undefined when empty) the way Neutron does, converting values
 * and filling defaults; throws Neutron's 400 for the first problem found.
 */
export function prepareRequestBody (body: unknown, options: PrepareOptions): PreparedBody {
  const { resource, collection } = options
  if (body === undefined) throw httpBadRequest(`Unable to find '${resource}' in request body`)
  if (!isPlainObject(body)) throw httpBadRequest('Body contains invalid data')
  if (!(resource in body) && !(collection in body)) throw httpBadRequest(`Unable to find '${resource}' in request body`)
  if (collection in body) {
    if (!options.isCreate) throw httpBadRequest('Bulk operation not supported')
    const list = body[collection]
    if (isFalsy(list)) throw httpBadRequest('Resources required')
    // Python iterates a string or a dict too: each element then is not an object.
    if (typeof list === 'string' || isPlainObject(list)) throw httpBadRequest(`Object '${resource}' contains invalid data`)
    if (!Array.isArray(list)) throw httpBadRequest('Body contains invalid data')
    const items = list.map(item => {
      if (isPlainObject(item)) return prepareItem(resource in item ? item[resource] : item, options)
      if (typeof item === 'string' && !item.includes(resource)) return prepareItem(item, options)
      throw httpBadRequest('Body contains invalid data')
    })
    return { items, bulk: true }
  }
  return { items: [prepareItem(body[resource], options)], bulk: false }
}

function prepareItem (value: unknown, options: PrepareOptions): Record<string, unknown> {
  const { resource, attributes } = options
  if (value === null || value === undefined) throw httpBadRequest(`Unable to find '${resource}' in request body`)
  if (!isPlainObject(value)) throw httpBadRequest(`Object '${resource}' contains invalid data`)
  const item: Record<string, unknown> = { ...value }
  populateProjectInfo(item)
  if ('project_id' in item && item.project_id !== options.projectId && !options.isAdmin) {
    throw httpBadRequest("Specifying 'project_id' other than the authenticated project in request is not allowed for the current user.")
  }
  if (options.isCreate && !('project_id' in item) && ('tenant_id' in attributes || 'project_id' in attributes)) {
    if (options.projectId === null) throw httpBadRequest('Running without keystone AuthN requires that project_id is specified')
    item.project_id = options.projectId
    item.tenant_id = options.projectId
  }
  const unknown = Object.keys(item).filter(key => !(key in attributes))
  if (unknown.length > 0) throw httpBadRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  if (options.isCreate) {
    for (const [name, spec] of Object.entries(attributes)) {
      if (spec.allowPost) {
        if (!('default' in spec) && !(name in item)) throw httpBadRequest(`Failed to parse request. Required attribute '${name}' not specified`)
        if (!(name in item)) item[name] = spec.default
      } else if (name in item) {
        throw httpBadRequest(`Attribute '${name}' not allowed in POST`)
      }
    }
  } else {
    for (const [name, spec] of Object.entries(attributes)) {
      if (name in item && !spec.allowPut) throw httpBadRequest(`Cannot update read-only attribute ${name}`)
    }
  }
  for (const [name, spec] of Object.entries(attributes)) {
    if (!(name in item) || item[name] === NOT_SPECIFIED) continue
    if (spec.convert !== undefined) item[name] = spec.convert(item[name])
    if (spec.validate !== undefined) {
      const reason = spec.validate(item[name])
      if (reason !== null) throw httpBadRequest(`Invalid input for ${name}. Reason: ${reason}.`)
    }
  }
  return item
}

/** Makes project_id and tenant_id agree (neutron-lib populate_project_info). */
function populateProjectInfo (item: Record<string, unknown>): void {
  if ('tenant_id' in item && !('project_id' in item)) item.project_id = item.tenant_id
  else if ('project_id' in item && !('tenant_id' in item)) item.tenant_id = item.project_id
  if (item.project_id !== item.tenant_id) throw httpBadRequest("'project_id' and 'tenant_id' do not match")
}

export function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Python truthiness of a JSON value. */
function isFalsy (value: unknown): boolean {
  return value === null || value === undefined || value === false || value === 0 || value === '' ||
    (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0)
}

// ---- converters (neutron_lib.api.converters) -------------------------------------------

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes']
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no']

/** strutils.bool_from_string(strict=True), as convert_to_boolean uses it. */
export function toBoolean (value: unknown): boolean {
  if (typeof value === 'boolean') return value
  const text = pyStr(value).trim().toLowerCase()
  if (TRUE_STRINGS.includes(text)) return true
  if (FALSE_STRINGS.includes(text)) return false
  throw invalidInput(`'${pyStr(value)}' cannot be converted to boolean`)
}

/** Python int(): integers, integral strings and booleans; InvalidInput otherwise. */
export function toInt (value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value)
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim())
  throw invalidInput(`'${pyStr(value)}' is not an integer`)
}

export const noneToEmptyList: Converter = value => value === null ? [] : value

/** convert_ip_to_canonical_format: IPv6 compact; anything else (IPv4 too) unchanged. */
export const canonicalIpConverter: Converter = value => typeof value === 'string' && parseIp(value)?.version === 6 ? canonicalIp(value) : value

/** convert_cidr_to_canonical_format. */
export const canonicalCidrConverter: Converter = value => {
  const cidr = parseCidr(value)
  if (cidr === null) throw invalidInput(`${pyStr(value)} is not in a CIDR format`)
  const address = canonicalIpConverter(String(value).split('/')[0] ?? '') as string
  return `${address}/${cidr.prefixLength}`
}

export const allocationPoolsConverter: Converter = value => {
  if (value === null) return []
  if (!Array.isArray(value) || !value.every(isPlainObject)) throw invalidInput('Invalid data format for allocation pools')
  return value.map(pool => Object.fromEntries(Object.entries(pool).map(([k, v]) => [k, canonicalIpConverter(v)])))
}

/** convert_to_sanitized_mac_address. */
export const macConverter: Converter = value => normalizeMac(value) ?? value

/** convert_kvp_list_to_dict, for list filters such as fixed_ips=ip_address=10.0.0.5. */
export function kvpListToDict (values: string[]): Record<string, string[]> {
  const map: Record<string, string[]> = {}
  for (const text of values) {
    const eq = text.indexOf('=')
    if (eq <= 0) throw invalidInput(`'${text}' is not of the form <key>=[value]`)
    const key = text.slice(0, eq)
    const list = map[key] ?? (map[key] = [])
    const value = text.slice(eq + 1)
    if (!list.includes(value)) list.push(value)
  }
  return map
}

// ---- validators (neutron_lib.api.validators) -------------------------------------------

export function validateString (maxLength?: number): Validator {
  return value => {
    if (typeof value !== 'string') return `'${pyStr(value)}' is not a valid string`
    if (maxLength !== undefined && [...value].length > maxLength) return `'${value}' exceeds maximum length of ${maxLength}`
    return null
  }
}

const NAME_RE = /^(?![\p{C}\p{Z}])[^\p{C}\p{Zl}\p{Zp}]*(?<![\p{C}\p{Z}])$/u

export function validateNameString (maxLength?: number): Validator {
  const asString = validateString(maxLength)
  return value => asString(value) ?? (NAME_RE.test(value as string) ? null : `'${pyStr(value)}' is not a valid string`)
}

export function validateValues (values: readonly unknown[]): Validator {
  return value => values.includes(value) ? null : `${pyStr(value)} is not in valid_values`
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

function isUuid (value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value)
}

export const validateUuid: Validator = value => isUuid(value) ? null : `'${pyStr(value)}' is not a valid UUID`

function validateListOfItems (item: Validator, value: unknown): string | null {
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const v of value) {
    const key = JSON.stringify(v)
    if (seen.has(key) && !duplicates.includes(pyStr(v))) duplicates.push(pyStr(v))
    seen.add(key)
  }
  if (duplicates.length > 0) return `Duplicate items in the list: '${duplicates.join(', ')}'`
  for (const v of value) {
    const reason = item(v)
    if (reason !== null) return reason
  }
  return null
}

export const validateUuidList: Validator = value => validateListOfItems(validateUuid, value)
export function validateListOfUniqueStrings (maxLength?: number): Validator {
  return value => validateListOfItems(validateString(maxLength), value)
}

/** validate_ip_address: dotted quads without leading zeros, or IPv6. */
export const validateIpAddress: Validator = value => {
  if (typeof value !== 'string') return `'${pyStr(value)}' is not a valid IP address`
  const ip = parseIp(value)
  if (ip === null) return `'${value}' is not a valid IP address`
  if (ip.version === 4 && canonicalIp(value) !== value) return `'${value}' is not an accepted IP address, '${canonicalIp(value)}' is recommended`
  return null
}

export const validateIpAddressOrNone: Validator = value => value === null ? null : validateIpAddress(value)

/** validate_subnet: a CIDR with a slash; IPv4 written exactly as netaddr would. */
export const validateSubnet: Validator = value => {
  const cidr = parseCidr(value)
  if (cidr === null || typeof value !== 'string' || !value.includes('/')) return `'${pyStr(value)}' is not a valid IP subnet`
  if (cidr.version === 4 && canonicalIp(value.split('/')[0] ?? '') !== value.split('/')[0]) return `'${value}' is not a valid IP subnet`
  return null
}

export const validateSubnetOrNone: Validator = value => value === null ? null : validateSubnet(value)

export const validateMacAddress: Validator = value => {
  const mac = normalizeMac(value)
  if (mac === null || mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff') return `'${pyStr(value)}' is not a valid MAC address`
  return null
}

function verifyDictKeys (expected: readonly string[], value: unknown, strict = true): string | null {
  if (!isPlainObject(value)) return `Invalid input. '${pyStr(value)}' must be a dictionary with keys: ${pyRepr(expected)}`
  const provided = Object.keys(value)
  const missing = expected.filter(k => !provided.includes(k))
  const extra = provided.filter(k => !expected.includes(k))
  if (missing.length > 0 || (strict && extra.length > 0)) {
    return `Validation of dictionary's keys failed. Expected keys: ${pyRepr(expected)} Provided keys: ${pyRepr(provided)}`
  }
  return null
}

export const validateIpPools: Validator = value => {
  if (!Array.isArray(value)) return `Invalid data format for IP pool: '${pyStr(value)}'`
  for (const pool of value) {
    const reason = verifyDictKeys(['start', 'end'], pool)
    if (reason !== null) return reason
    for (const key of ['start', 'end']) {
      const r = validateIpAddress((pool as Record<string, unknown>)[key])
      if (r !== null) return r
    }
  }
  return null
}

export const validateFixedIps: Validator = value => {
  if (!Array.isArray(value)) return `Invalid data format for fixed IP: '${pyStr(value)}'`
  const ips: unknown[] = []
  for (const fixed of value) {
    if (!isPlainObject(fixed)) return `Invalid data format for fixed IP: '${pyStr(fixed)}'`
    if ('ip_address' in fixed) {
      const ip = fixed.ip_address
      const reason = ips.includes(ip) ? `Duplicate IP address '${pyStr(ip)}'` : validateIpAddress(ip)
      if (reason !== null) return reason
      ips.push(ip)
    }
    if ('subnet_id' in fixed) {
      const reason = validateUuid(fixed.subnet_id)
      if (reason !== null) return reason
    }
  }
  return null
}

export const validateNameservers: Validator = value => {
  if (!Array.isArray(value)) return `Invalid data format for nameserver: '${pyStr(value)}'`
  const seen: unknown[] = []
  for (const host of value) {
    const reason = validateIpAddress(host)
    if (reason !== null) return `'${pyStr(host)}' is not a valid nameserver. ${reason}`
    if (seen.includes(host)) return `Duplicate nameserver '${pyStr(host)}'`
    seen.push(host)
  }
  return null
}

export const validateHostRoutes: Validator = value => {
  if (!Array.isArray(value)) return `Invalid data format for hostroute: '${pyStr(value)}'`
  const seen: string[] = []
  for (const route of value) {
    const reason = verifyDictKeys(['destination', 'nexthop'], route)
    if (reason !== null) return reason
    const r = route as Record<string, unknown>
    const destination = validateSubnet(r.destination)
    if (destination !== null) return `'${pyStr(r.destination)}' is not a valid CIDR`
    const nexthop = validateIpAddress(r.nexthop)
    if (nexthop !== null) return nexthop
    const key = JSON.stringify(r)
    if (seen.includes(key)) return `Duplicate hostroute '${pyStr(route)}'`
    seen.push(key)
  }
  return null
}

export function validateRange (min: number, max: number): Validator {
  return value => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `'${pyStr(value)}' is not an integer`
    if (value < min) return `'${value}' is too small - must be at least '${min}'`
    if (value > max) return `'${value}' is too large - must be no larger than '${max}'`
    return null
  }
}
