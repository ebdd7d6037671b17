/**
 * First start of the identity provider, as `keystone-manage bootstrap` does it: the Default
 * domain, the roles admin, member, reader and service (admin implies member implies reader),
 * an admin project and user with admin on the project and on the system, the region, and a
 * catalog holding only the identity service (the agents serve the rest). Optionally a member
 * user — by default "demo" with role member in project "demo" — for trying things out. On later
 * starts the stored state is kept, except that an asked-for demo user is added if missing.
 */
import { hexId } from '../core/ids.ts'
import type { Hashing, Random } from '../core/ports.ts'
import { bootstrapIdentity, CATALOG_SERVICES, DEFAULT_DOMAIN_ID } from '../emulator/identity/bootstrap.ts'
import type { IdentityState } from '../emulator/identity/identity-state.ts'

export interface IdpBootstrapSettings {
  readonly adminUser: string
  readonly adminPassword: string
  readonly adminProject: string
  readonly region: string
  /** A member user in a project of the same name, made when given. */
  readonly demo: { readonly user: string, readonly password: string, readonly project: string } | null
}

/** The provider's catalog: itself only; the agents serve the rest. */
const IDP_CATALOG = CATALOG_SERVICES.filter(s => s.type === 'identity')

/** Returns true if it bootstrapped, false if the state was already there. */
export function bootstrapIdp (state: IdentityState, settings: IdpBootstrapSettings, random: Random, hashing: Hashing): boolean {
  const fresh = bootstrapIdentity(state, settings, random, hashing, IDP_CATALOG)
  const demo = settings.demo
  if (demo !== null && state.userByName(demo.user, DEFAULT_DOMAIN_ID) === undefined) {
    const project = state.projectByName(demo.project, DEFAULT_DOMAIN_ID) ?? addProject(state, random, demo.project, 'Demo project.')
    const member = [...state.roles.values()].find(r => r.name === 'member' && r.domainId === null)
    if (member === undefined) throw new Error('the identity provider has no member role')
    const user = addUser(state, random, hashing, demo.user, demo.password, project.id)
    state.grant('UserProject', user.id, project.id, member.id)
  }
  state.changed()
  return fresh
}

function addProject (state: IdentityState, random: Random, name: string, description: string): { id: string } {
  return state.projects.put({ id: hexId(random), name, domainId: DEFAULT_DOMAIN_ID, parentId: DEFAULT_DOMAIN_ID, description, enabled: true, tags: [], extra: {} })
}

function addUser (state: IdentityState, random: Random, hashing: Hashing, name: string, password: string, defaultProjectId: string | null): { id: string } {
  return state.users.put({
    id: hexId(random), name, domainId: DEFAULT_DOMAIN_ID, enabled: true, passwordHash: hashing.hashPassword(password),
    defaultProjectId, description: null, federated: [], extra: {}
  })
}
