/**
 * The compute microversions this cloudlet serves, as Nova's _MIN/_MAX_API_VERSION: 2.1 to 2.79
 * (Train), which keeps the os-hypervisors statistics (gone at 2.88) and keypair generation
 * (gone at 2.92) that older tools rely on. Every behaviour change up to 2.79 is honoured.
 */
import type { Microversion } from '../microversion.ts'
import { formatMicroversion, mv } from '../microversion.ts'

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

export function computeVersionsDocument (computeUrl: string): unknown {
  return {
    versions: [
      { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${computeUrl}/v2/` }] },
      { id: 'v2.1', status: 'CURRENT', version: COMPUTE_MAX_VERSION, min_version: COMPUTE_MIN_VERSION, updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${computeUrl}/v2.1/` }] }
    ]
  }
}

export function computeVersionDocument (computeUrl: string): unknown {
  return {
    version: {
      id: 'v2.1',
      status: 'CURRENT',
      version: COMPUTE_MAX_VERSION,
      min_version: COMPUTE_MIN_VERSION,
      updated: '2013-07-23T11:33:21Z',
      links: [
        { rel: 'self', href: `${computeUrl}/v2.1/` },
        { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }
      ],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }]
    }
  }
}
