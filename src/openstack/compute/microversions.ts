/**
 * The compute microversions this cloudlet serves, as Nova's _MIN/_MAX_API_VERSION: 2.1 to 2.79
 * (Train), which keeps the os-hypervisors statistics (gone at 2.88) and keypair generation
 * (gone at 2.92) that older tools rely on. Every behaviour change up to 2.79 is honoured. A
 * cloudlet may be configured to stop lower, as an older Nova does (computeVersionRange).
 */
import type { Microversion, MicroversionRange } from '../microversion.ts'
import { compareMicroversions, formatMicroversion, mv, parseMicroversion } from '../microversion.ts'

export const COMPUTE_MIN_VERSION = '2.1'
export const COMPUTE_MAX_VERSION = '2.79'
export const COMPUTE_VERSION_RANGE = { min: mv(COMPUTE_MIN_VERSION), max: mv(COMPUTE_MAX_VERSION) }

/** The legacy request header novaclient sends below 2.27, lowercase. */
export const LEGACY_VERSION_HEADER = 'x-openstack-nova-api-version'

/** Nova echoes both version headers and Vary on every versioned response, faults included. */
export function computeVersionHeaders (version: Microversion): Record<string, string> {
  const text = formatMicroversion(version)
  return {
    'openstack-api-version': `compute ${text}`,
    'x-openstack-nova-api-version': text,
    vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version'
  }
}

/**
 * The range a Nova serves: from 2.1 to `maxVersion` (an older Nova's highest, which must lie in
 * the emulator's range), or to the emulator's highest when null.
 */
export function computeVersionRange (maxVersion: string | null): MicroversionRange {
  if (maxVersion === null) return COMPUTE_VERSION_RANGE
  const max = parseMicroversion(maxVersion)
  if (max === null || compareMicroversions(max, COMPUTE_VERSION_RANGE.min) < 0 || compareMicroversions(max, COMPUTE_VERSION_RANGE.max) > 0) {
    throw new RangeError(`the highest compute microversion must be between ${COMPUTE_MIN_VERSION} and ${COMPUTE_MAX_VERSION}, not ${maxVersion}`)
  }
  return { min: COMPUTE_VERSION_RANGE.min, max }
}

export function computeVersionsDocument (computeUrl: string, range: MicroversionRange = COMPUTE_VERSION_RANGE): unknown {
  return {
    versions: [
      { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${computeUrl}/v2/` }] },
      { id: 'v2.1', status: 'CURRENT', version: formatMicroversion(range.max), min_version: formatMicroversion(range.min), updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${computeUrl}/v2.1/` }] }
    ]
  }
}

export function computeVersionDocument (computeUrl: string, range: MicroversionRange = COMPUTE_VERSION_RANGE): unknown {
  return {
    version: {
      id: 'v2.1',
      status: 'CURRENT',
      version: formatMicroversion(range.max),
      min_version: formatMicroversion(range.min),
      updated: '2013-07-23T11:33:21Z',
      links: [
        { rel: 'self', href: `${computeUrl}/v2.1/` },
        { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }
      ],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }]
    }
  }
}
