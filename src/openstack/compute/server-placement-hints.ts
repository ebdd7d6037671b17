/**
 * Where a POST /servers body says the server may go, read as Nova reads it: the flavor, the
 * availability zone (with Nova's "zone:host[:node]" forms), the scheduler hints Nova knows
 * (same_host, different_host, group) and p2pstack's own (`p2pstack:labels`,
 * `p2pstack:max_rtt_ms`). The agent places a create with these before it forwards the body,
 * unchanged, to the cloudlet it chose; the emulated Nova parses its availability_zone here too.
 *
 * The whole body is first validated with the create schema of its microversion, so a bad body
 * gets the same 400 here as from the emulated Nova, in Nova's words; the checks Nova makes
 * later (min_count ≤ max_count, the availability_zone forms, 2.74's host against
 * zone:host) follow in Nova's order. What only a cloudlet can check (the flavor, image and
 * networks exist, the zone exists, quotas, policy) is left to placement and to the cloudlet.
 *
 * The forms of availability_zone (nova/compute/api.py, parse_availability_zone):
 *   "zone"        the server must be in that zone; 400 if no host is in it.
 *   "zone:host"   admin only: force the host; the zone is then not checked (Nova uses the
 *                 host's own zone), and an unknown host fails the build with No valid host.
 *   "zone::node"  admin only: force the node (hypervisor), likewise.
 *   "zone:host:node"  both. More than two colons: 400 "Unable to parse availability_zone".
 *   "" or ":host" no zone (Nova's default_schedule_zone, None by default).
 * With a host or node forced, Nova's API replaces the zone by the host's own
 * (_validate_host_availability_zone), so the zone is no requirement. Nova answers 400 for an
 * unknown zone only when `forced_host is None`: "zone:" (an empty host) forces nothing but
 * skips that check, and the zone then just filters hosts (No valid host if none is in it);
 * `zoneMustExist` says which.
 *
 * p2pstack's hints, as `openstack server create --hint` sends them (captured from
 * python-openstackclient 6.0.0 with --debug): one `--hint p2pstack:labels=country=se` gives the
 * string "country=se"; repeating the hint gives a list, ["country=se", "site=a"]; a value may
 * also hold several pairs, "country=se,site=a". A JSON object {"country": "se"} is taken as
 * well, for API users. `--hint p2pstack:max_rtt_ms=20` gives the string "20". Any other
 * `p2pstack:` hint is refused, so a misspelt hint is an error rather than silently ignored.
 */
import type { z } from 'zod'
import { BadRequest } from '../faults.ts'
import type { Microversion } from '../microversion.ts'
import { formatMicroversion, isAtLeast } from '../microversion.ts'
import { validate } from '../validation.ts'
import { invalidInputFault } from './fault-body.ts'
import { serverCreateSchema } from './servers/schemas.ts'
import type { ServerCreateBody } from './servers/schemas.ts'
import { availabilityZoneUnparsable, hostMechanismsExclusive } from './servers/scheduling-faults.ts'

export const LABELS_HINT = 'p2pstack:labels'
export const MAX_RTT_HINT = 'p2pstack:max_rtt_ms'
const P2PSTACK_HINTS = [LABELS_HINT, MAX_RTT_HINT]

/** Bounds of a label requirement: those of the labels an agent may advertise (agent/overlay-message-schema.ts). */
export const LABEL_LIMITS = { count: 16, keyLength: 64, valueLength: 256 } as const
/** A latency bound above a minute is a mistake, not a requirement. */
export const MAX_RTT_MS_LIMIT = 60_000

export interface AvailabilityZoneRequest {
  /** The zone, or null for none ("" and ":host" name none). */
  readonly zone: string | null
  /** The forced host of "zone:host[:node]", as Nova parses it ('' for "zone:"), or null. */
  readonly forcedHost: string | null
  /** The forced node of "zone::node" or "zone:host:node", or null. */
  readonly forcedNode: string | null
}

export interface ServerPlacementHints {
  /** The flavor id (a flavorRef URL is reduced to its last path segment, as Nova does). */
  readonly flavorId: string
  /** The availability zone the server must be in, or null. Null when a host or node is forced. */
  readonly availabilityZone: string | null
  /** Whether Nova would answer 400 if no host is in `availabilityZone` (no host forced). */
  readonly zoneMustExist: boolean
  /** The host forced with "zone:host[:node]" (admin only), or null. */
  readonly forcedHost: string | null
  /** The node forced with "zone::node" or "zone:host:node" (admin only), or null. */
  readonly forcedNode: string | null
  /** 2.74's `host` (admin only), or null; Nova answers 400 when no such host exists. */
  readonly requestedHost: string | null
  /** 2.74's `hypervisor_hostname` (admin only), or null. */
  readonly requestedNode: string | null
  /** same_host: on the host of any of these servers. Empty for none. */
  readonly sameHost: readonly string[]
  /** different_host: on no host of these servers. Empty for none. */
  readonly differentHost: readonly string[]
  /** group: the server group the server joins, or null. */
  readonly group: string | null
  /** p2pstack:labels: every one must be among the cloudlet's labels. */
  readonly labels: Readonly<Record<string, string>>
  /** p2pstack:max_rtt_ms, or null. */
  readonly maxRttMs: number | null
  /** How many servers the request creates at most (max_count): each needs the flavor's resources. */
  readonly instanceCount: number
  /** The root disk is a volume (block_device_mapping_v2 boot_index 0 to a volume), so the flavor's root disk is not claimed. */
  readonly bootFromVolume: boolean
}

const schemas = new Map<string, z.ZodType<ServerCreateBody>>()

function schemaFor (version: Microversion): z.ZodType<ServerCreateBody> {
  const key = formatMicroversion(version)
  let schema = schemas.get(key)
  if (schema === undefined) schemas.set(key, schema = serverCreateSchema(version))
  return schema
}

/**
 * Reads a POST /servers body (already parsed from JSON) at a compute microversion. Throws a
 * BadRequest (OpenStackFault, 400) in Nova's words for what Nova refuses before scheduling.
 */
export function serverPlacementHints (body: unknown, version: Microversion): ServerPlacementHints {
  const checked = validate(schemaFor(version), body)
  if (!checked.ok) throw invalidInputFault(checked.problem)
  const { server } = checked.value
  const hints = checked.value['os:scheduler_hints'] ?? checked.value['OS-SCH-HNT:scheduler_hints'] ?? {}

  const minCount = Number(server.min_count ?? 1)
  const maxCount = Number(server.max_count ?? minCount)
  if (minCount > maxCount) throw new BadRequest('min_count must be <= max_count')

  const az = parseAvailabilityZone(server.availability_zone)
  const forced = nonEmpty(az.forcedHost) !== null || nonEmpty(az.forcedNode) !== null
  const requestedHost = isAtLeast(version, '2.74') ? server.host ?? null : null
  const requestedNode = isAtLeast(version, '2.74') ? server.hypervisor_hostname ?? null : null
  if ((requestedHost !== null || requestedNode !== null) && forced) throw hostMechanismsExclusive()
  checkNoOtherP2pstackHints(hints)

  return {
    flavorId: idFromHref(String(server.flavorRef)),
    availabilityZone: forced ? null : az.zone,
    zoneMustExist: !forced && az.zone !== null && az.forcedHost === null,
    forcedHost: nonEmpty(az.forcedHost),
    forcedNode: nonEmpty(az.forcedNode),
    requestedHost,
    requestedNode,
    sameHost: idList(hints.same_host),
    differentHost: idList(hints.different_host),
    group: groupOf(hints.group),
    labels: labelsOf(hints[LABELS_HINT]),
    maxRttMs: maxRttOf(hints[MAX_RTT_HINT]),
    instanceCount: maxCount,
    bootFromVolume: bootsFromVolume(server)
  }
}

/**
 * Nova's parse_availability_zone: "zone", "zone:host", "zone::node", "zone:host:node". An
 * empty zone is none (Nova's default_schedule_zone, None by default). More than two colons
 * is a 400, in Nova's words.
 */
export function parseAvailabilityZone (value: string | null | undefined): AvailabilityZoneRequest {
  let zone: string = value ?? ''
  let forcedHost: string | null = null
  let forcedNode: string | null = null
  if (zone.includes(':')) {
    const parts = zone.split(':')
    if (parts.length === 2) {
      [zone, forcedHost] = parts as [string, string]
    } else if (parts.length === 3) {
      if (zone.includes('::')) {
        // Python's split('::') on "zone::node"; "a:::b" splits into three and fails there.
        const halves = zone.split('::')
        if (halves.length !== 2) throw availabilityZoneUnparsable()
        ;[zone, forcedNode] = halves as [string, string]
      } else {
        [zone, forcedHost, forcedNode] = parts as [string, string, string]
      }
    } else {
      throw availabilityZoneUnparsable()
    }
  }
  return { zone: zone === '' ? null : zone, forcedHost, forcedNode }
}

/** nova.api.openstack.common.get_id_from_href: the last segment of the URL's path. */
export function idFromHref (href: string): string {
  let path = href
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(path)
  if (scheme !== null) path = path.slice(scheme[0].length)
  path = path.replace(/[?#].*$/, '')
  return path.slice(path.lastIndexOf('/') + 1)
}

function nonEmpty (value: string | null): string | null {
  return value === null || value === '' ? null : value
}

/** same_host and different_host: one id or a list (Nova's filters take either). */
function idList (value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return [...new Set(value.filter((v): v is string => typeof v === 'string'))]
  return []
}

/**
 * group: a uuid or a list of uuids (Nova's schema allows both). Nova looks up the value as one
 * group id, so a list of one is that group, an empty list is none, and a longer list is refused
 * here with a clear message (Nova would fail it with a 500).
 */
function groupOf (value: unknown): string | null {
  if (typeof value === 'string') return value
  if (!Array.isArray(value) || value.length === 0) return null
  if (value.length === 1) return value[0] as string
  throw invalidHint('group', value, 'A server can be in one server group only')
}

function labelsOf (value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {}
  const labels: Record<string, string> = {}
  const add = (key: string, labelValue: string): void => {
    if (key === '' || key.length > LABEL_LIMITS.keyLength) {
      throw invalidHint(LABELS_HINT, value, `A label key has 1 to ${LABEL_LIMITS.keyLength} characters`)
    }
    if (labelValue.length > LABEL_LIMITS.valueLength) {
      throw invalidHint(LABELS_HINT, value, `A label value has at most ${LABEL_LIMITS.valueLength} characters`)
    }
    if (labels[key] !== undefined && labels[key] !== labelValue) {
      throw invalidHint(LABELS_HINT, value, `The label ${key} is required to be both ${labels[key]} and ${labelValue}`)
    }
    labels[key] = labelValue
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, labelValue] of Object.entries(value)) {
      if (typeof labelValue !== 'string') throw invalidHint(LABELS_HINT, value, 'Label values are strings')
      add(key.trim(), labelValue.trim())
    }
  } else {
    const items = Array.isArray(value) ? value : [value]
    for (const item of items) {
      if (typeof item !== 'string') throw invalidHint(LABELS_HINT, value, 'Expected key=value pairs, e.g. country=se or country=se,site=a')
      for (const pair of item.split(',')) {
        if (pair.trim() === '') continue
        const at = pair.indexOf('=')
        if (at < 0) throw invalidHint(LABELS_HINT, value, `${JSON.stringify(pair.trim())} is not of the form key=value`)
        add(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
      }
    }
  }
  if (Object.keys(labels).length > LABEL_LIMITS.count) {
    throw invalidHint(LABELS_HINT, value, `At most ${LABEL_LIMITS.count} labels can be required`)
  }
  return labels
}

function maxRttOf (value: unknown): number | null {
  if (value === undefined || value === null) return null
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value
  const number = typeof single === 'number' ? single : typeof single === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(single) ? Number(single) : Number.NaN
  if (!Number.isFinite(number) || number <= 0 || number > MAX_RTT_MS_LIMIT) {
    throw invalidHint(MAX_RTT_HINT, value, `Expected a number of milliseconds above 0 and at most ${MAX_RTT_MS_LIMIT}`)
  }
  return number
}

function checkNoOtherP2pstackHints (hints: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(hints)) {
    if (key.startsWith('p2pstack:') && !P2PSTACK_HINTS.includes(key)) {
      throw new BadRequest(`Unknown scheduler hint ${key}; the p2pstack hints are ${P2PSTACK_HINTS.join(' and ')}.`)
    }
  }
}

/** Nova's sentence for a field it refuses, with our reason. */
function invalidHint (field: string, value: unknown, reason: string): BadRequest {
  return new BadRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value) ?? 'None'}. ${reason}`)
}

function bootsFromVolume (server: ServerCreateBody['server']): boolean {
  const root = (server.block_device_mapping_v2 ?? []).find(bdm => Number(bdm.boot_index ?? -1) === 0)
  if (root !== undefined) return root.destination_type === 'volume'
  // Legacy block_device_mapping (a volume for the root device) with no image.
  return (server.imageRef === undefined || server.imageRef === '') && (server.block_device_mapping ?? []).length > 0
}
