/**
 * The catalog an agent hands out: ONE region and every endpoint (identity, compute, image,
 * network; public, internal and admin) on this agent, so a client that reads it talks to the
 * agent only. Shaped as Keystone renders a catalog (catalogView: endpoints with id, interface,
 * region_id, url and region; services with id, type and name). Ids are stable per agent URL,
 * service and interface (a sha256 prefix), so they do not change across restarts.
 */
import { createHash } from 'node:crypto'

export interface AgentCatalogService {
  readonly type: string
  readonly name: string
  /** Where the agent serves it, under its URL. */
  readonly path: string
}

export const AGENT_CATALOG_SERVICES: readonly AgentCatalogService[] = [
  { type: 'identity', name: 'keystone', path: '/identity' },
  { type: 'compute', name: 'nova', path: '/compute/v2.1' },
  { type: 'image', name: 'glance', path: '/image' },
  { type: 'network', name: 'neutron', path: '/network' }
]

const INTERFACES = ['public', 'internal', 'admin'] as const

export interface AgentCatalogSettings {
  /** The agent's URL as users reach it, e.g. http://agent-1.example:4001. */
  readonly agentUrl: string
  readonly region: string
  readonly services?: readonly AgentCatalogService[]
}

export function agentCatalog (settings: AgentCatalogSettings): unknown[] {
  const base = settings.agentUrl.replace(/\/+$/, '')
  const id = (...parts: string[]): string => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)
  return (settings.services ?? AGENT_CATALOG_SERVICES).map(service => ({
    endpoints: INTERFACES.map(iface => ({
      id: id(base, service.type, iface),
      interface: iface,
      region_id: settings.region,
      url: `${base}${service.path}`,
      region: settings.region
    })),
    id: id(base, service.type),
    type: service.type,
    name: service.name
  }))
}
