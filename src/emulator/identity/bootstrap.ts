/**
 * First start of an emulated Keystone, as `keystone-manage bootstrap` does it: the Default
 * domain, the roles admin, member and reader (admin implies member implies reader), an admin
 * project and user, the region, and a catalog with public, internal and admin endpoints for
 * every service this cloudlet serves (or the services given: the identity provider lists only
 * itself). On later starts the stored state is kept as it is.
 */
import { hexId } from '../../core/ids.ts'
import type { Hashing, Random } from '../../core/ports.ts'
import type { CatalogServiceRow, EndpointRow, RoleRow } from '../../openstack/identity/model.ts'
import type { IdentityState } from './identity-state.ts'

export interface BootstrapSettings {
  readonly adminUser: string
  readonly adminPassword: string
  readonly adminProject: string
  readonly region: string
}

export const DEFAULT_DOMAIN_ID = 'default'

/** The services of an emulated cloudlet and where they live under its base URL (devstack layout). */
export const CATALOG_SERVICES: ReadonlyArray<{ type: string, name: string, description: string, path: string }> = [
  { type: 'identity', name: 'keystone', description: 'Keystone Identity Service', path: '/identity' },
  { type: 'compute', name: 'nova', description: 'Nova Compute Service', path: '/compute/v2.1' },
  { type: 'image', name: 'glance', description: 'Glance Image Service', path: '/image' },
  { type: 'network', name: 'neutron', description: 'Neutron Networking Service', path: '/networking' },
  { type: 'placement', name: 'placement', description: 'Placement Service', path: '/placement' }
]

/** Returns true if it bootstrapped, false if the state was already there. */
export function bootstrapIdentity (state: IdentityState, settings: BootstrapSettings, random: Random, hashing: Hashing, catalog: typeof CATALOG_SERVICES = CATALOG_SERVICES): boolean {
  if (state.domains.has(DEFAULT_DOMAIN_ID)) return false
  state.domains.put({ id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: true, tags: [] })

  const role = (name: string): RoleRow => state.roles.put({ id: hexId(random), name, domainId: null, description: null })
  const admin = role('admin')
  const member = role('member')
  const reader = role('reader')
  role('service')
  state.impliedRoles.put({ id: `${admin.id}:${member.id}`, priorRoleId: admin.id, impliedRoleId: member.id })
  state.impliedRoles.put({ id: `${member.id}:${reader.id}`, priorRoleId: member.id, impliedRoleId: reader.id })

  const project = state.projects.put({
    id: hexId(random), name: settings.adminProject, domainId: DEFAULT_DOMAIN_ID, parentId: DEFAULT_DOMAIN_ID,
    description: 'Bootstrap project for initializing the cloud.', enabled: true, tags: [], extra: {}
  })
  const user = state.users.put({
    id: hexId(random), name: settings.adminUser, domainId: DEFAULT_DOMAIN_ID, enabled: true,
    passwordHash: hashing.hashPassword(settings.adminPassword), defaultProjectId: null, description: null, federated: [], extra: {}
  })
  state.grant('UserProject', user.id, project.id, admin.id)
  state.grant('UserSystem', user.id, 'system', admin.id)

  state.regions.put({ id: settings.region, description: '' })
  for (const s of catalog) {
    const service: CatalogServiceRow = state.services.put({ id: hexId(random), type: s.type, name: s.name, description: s.description, enabled: true })
    for (const iface of ['public', 'internal', 'admin'] as const) {
      const endpoint: EndpointRow = { id: hexId(random), serviceId: service.id, interface: iface, regionId: settings.region, path: s.path, enabled: true }
      state.endpoints.put(endpoint)
    }
  }
  state.changed()
  return true
}
