/**
 * Microversions ("2.79"): parsing the request headers, comparing, and the response headers.
 * Nova reads `OpenStack-API-Version: compute 2.N` and, failing that, the legacy
 * `X-OpenStack-Nova-API-Version: 2.N`; `latest` means the maximum; no header means the minimum.
 */
import type { HttpHeaders } from '../core/http.ts'
import { BadRequest, NotAcceptable } from './faults.ts'

export interface Microversion {
  readonly major: number
  readonly minor: number
}

export interface MicroversionRange {
  readonly min: Microversion
  readonly max: Microversion
}

const VERSION_RE = /^([1-9]\d*)\.(0|[1-9]\d*)$/

export function parseMicroversion (text: string): Microversion | null {
  const match = VERSION_RE.exec(text.trim())
  if (match === null) return null
  return { major: Number(match[1]), minor: Number(match[2]) }
}

const known = new Map<string, Microversion>()

/** A microversion from a constant such as "2.47"; cached, for hot paths. */
export function mv (text: string): Microversion {
  let version = known.get(text)
  if (version === undefined) {
    const parsed = parseMicroversion(text)
    if (parsed === null) throw new TypeError(`not a microversion: ${text}`)
    version = parsed
    known.set(text, version)
  }
  return version
}

export function compareMicroversions (a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor
}

export function formatMicroversion (version: Microversion): string {
  return `${version.major}.${version.minor}`
}

/** The version a service-type names in an `OpenStack-API-Version` header ("compute 2.1, placement 1.3"), or undefined. */
export function versionFromStandardHeader (header: string | undefined, serviceType: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(',')) {
    const [service, version, ...rest] = part.trim().split(/\s+/)
    if (service?.toLowerCase() === serviceType && version !== undefined && rest.length === 0) return version
  }
  return undefined
}

/**
 * The microversion a request asks for, checked against the range served: 400 for a malformed
 * version, 406 for one outside the range (Nova's messages).
 */
export function requestedMicroversion (
  headers: HttpHeaders,
  serviceType: string,
  range: MicroversionRange,
  legacyHeader?: string
): Microversion {
  let text = versionFromStandardHeader(headers['openstack-api-version'], serviceType)
  if (text === undefined && legacyHeader !== undefined) text = headers[legacyHeader]?.trim()
  if (text === undefined || text === '') return range.min
  if (text.toLowerCase() === 'latest') return range.max
  const version = parseMicroversion(text)
  if (version === null) {
    throw new BadRequest(`API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`)
  }
  if (compareMicroversions(version, range.min) < 0 || compareMicroversions(version, range.max) > 0) {
    throw new NotAcceptable(
      `Version ${formatMicroversion(version)} is not supported by the API. Minimum is ${formatMicroversion(range.min)} and maximum is ${formatMicroversion(range.max)}.`
    )
  }
  return version
}

/** True if `version` is at least `atLeast` ("2.47"). */
export function isAtLeast (version: Microversion, atLeast: string): boolean {
  return compareMicroversions(version, mv(atLeast)) >= 0
}
