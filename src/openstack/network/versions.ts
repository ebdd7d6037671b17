/**
 * Neutron's discovery documents: the root lists the one API version, v2.0, as CURRENT with an
 * absolute self link; /v2.0/ lists the core resources with links relative to the request.
 */

export function networkVersionsDocument (serviceUrl: string): unknown {
  return { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${serviceUrl}/v2.0/` }] }] }
}

const CORE_RESOURCES: ReadonlyArray<[name: string, collection: string]> = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['subnetpool', 'subnetpools'],
  ['port', 'ports']
]

export function networkResourcesDocument (serviceUrl: string): unknown {
  return {
    resources: CORE_RESOURCES.map(([name, collection]) => ({
      name,
      collection,
      links: [{ rel: 'self', href: `${serviceUrl}/v2.0/${collection}` }]
    }))
  }
}
