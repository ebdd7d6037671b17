/**
 * CloudletFederationSetup: makes a cloudlet's Keystone a service provider of the p2pstack
 * identity provider, idempotently, with the cloudlet's admin token: a domain `p2pstack`, the
 * identity provider `p2pstack` (remote_ids [issuer], in that domain), the mapping
 * `p2pstack-openid` and the protocol `openid`. Run at every agent start: what exists is
 * brought up to date (remote ids, rules, mapping of the protocol), nothing is duplicated.
 *
 * The mapping (p2pstackMappingRules) reads the claims as a Keystone behind mod_auth_openidc
 * sees them (HTTP_OIDC_<CLAIM>, arrays joined with ';'; the emulator does the same): the
 * shadow user is named after `sub` (the global user id); the shadow project is named after
 * `project_id` (the global project id) and auto-provisioned in the provider's domain, with
 * exactly the roles among reader, member and admin that the `roles` claim holds. Keystone keeps
 * only the `projects` of the LAST rule that matches, so there is one rule per combination of
 * the three roles (any_one_of the roles present, not_any_of the others): exactly one matches.
 */
import { httpRequest, readBody } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import { claimKeys } from '../../openstack/identity/oidc-assertion.ts'
import type { TokenSource } from '../keystone-token-source.ts'
import { keystoneV3Url, P2PSTACK_FEDERATION } from './federation-names.ts'
import type { FederationNames } from './federation-names.ts'

/** The roles a global role grants in a cloudlet; others in the token are not carried over. */
export const MAPPED_ROLES = ['reader', 'member', 'admin'] as const

/** How the cloudlet's Keystone names a claim in the assertion: WSGI's spelling of mod_auth_openidc's `OIDC-<claim>` header. */
export function defaultClaimAttribute (claim: string): string {
  return claimKeys(claim)[1]
}

export function p2pstackMappingRules (attribute: (claim: string) => string = defaultClaimAttribute, domainName = P2PSTACK_FEDERATION.domainName): unknown[] {
  const rules: unknown[] = [{
    local: [{ user: { name: '{0}', domain: { name: domainName }, type: 'ephemeral' } }],
    remote: [{ type: attribute('sub') }]
  }]
  for (let subset = 1; subset < 1 << MAPPED_ROLES.length; subset++) {
    const present = MAPPED_ROLES.filter((_, i) => (subset & (1 << i)) !== 0)
    const absent = MAPPED_ROLES.filter((_, i) => (subset & (1 << i)) === 0)
    rules.push({
      local: [{ projects: [{ name: '{0}', roles: present.map(name => ({ name })) }] }],
      remote: [
        { type: attribute('project_id') },
        ...present.map(role => ({ type: attribute('roles'), any_one_of: [role] })),
        ...absent.map(role => ({ type: attribute('roles'), not_any_of: [role] }))
      ]
    })
  }
  return rules
}

export interface CloudletFederationSettings {
  /** The cloudlet's Keystone, with or without /v3. */
  readonly keystoneUrl: string
  /** The p2pstack provider's issuer (`<idp>/identity`), the identity provider's only remote id. */
  readonly issuer: string
  readonly names?: FederationNames
  /** How claims are named in the assertion; default HTTP_OIDC_<CLAIM>. */
  readonly claimAttribute?: (claim: string) => string
  /** The protocol's remote_id_attribute; default: the deployment's ([federation] remote_id_attribute). */
  readonly remoteIdAttribute?: string
}

/** The cloudlet refused a setup call or could not be reached; the message says which. */
export class CloudletFederationSetupError extends Error {
  readonly code = 'P2P_ERR_CLOUDLET_FEDERATION_SETUP'
}

export interface FederationSetupResult {
  readonly domainId: string
  /** What had to be created or changed (empty when everything was in place). */
  readonly changed: readonly string[]
}

const MAX_BODY_BYTES = 4 * 1024 * 1024

export class CloudletFederationSetup {
  readonly #http: HttpHandler
  readonly #admin: TokenSource
  readonly #settings: CloudletFederationSettings

  constructor (http: HttpHandler, adminTokens: TokenSource, settings: CloudletFederationSettings) {
    this.#http = http
    this.#admin = adminTokens
    this.#settings = settings
  }

  async ensure (): Promise<FederationSetupResult> {
    const names = this.#settings.names ?? P2PSTACK_FEDERATION
    const changed: string[] = []
    const domainId = await this.#ensureDomain(names.domainName, changed)
    const idpPath = `/OS-FEDERATION/identity_providers/${encodeURIComponent(names.idpId)}`
    await this.#ensureObject(`identity provider ${names.idpId}`, idpPath, 'identity_provider',
      { remote_ids: [this.#settings.issuer], domain_id: domainId, enabled: true },
      existing => sameSet(existing.remote_ids, [this.#settings.issuer]) && existing.enabled === true && existing.domain_id === domainId,
      { remote_ids: [this.#settings.issuer], enabled: true }, changed)
    const rules = p2pstackMappingRules(this.#settings.claimAttribute, names.domainName)
    await this.#ensureObject(`mapping ${names.mappingId}`, `/OS-FEDERATION/mappings/${encodeURIComponent(names.mappingId)}`, 'mapping',
      { rules }, existing => JSON.stringify(existing.rules) === JSON.stringify(rules), { rules }, changed)
    const protocol = { mapping_id: names.mappingId, ...(this.#settings.remoteIdAttribute === undefined ? {} : { remote_id_attribute: this.#settings.remoteIdAttribute }) }
    await this.#ensureObject(`protocol ${names.protocolId}`, `${idpPath}/protocols/${encodeURIComponent(names.protocolId)}`, 'protocol',
      protocol, existing => existing.mapping_id === names.mappingId && (this.#settings.remoteIdAttribute === undefined || existing.remote_id_attribute === this.#settings.remoteIdAttribute),
      protocol, changed)
    return { domainId, changed }
  }

  async #ensureDomain (name: string, changed: string[]): Promise<string> {
    const found = await this.#call('GET', `/domains?name=${encodeURIComponent(name)}`)
    if (found.status !== 200) throw this.#refused('list domains', found)
    const domains = (found.json as { domains?: Array<{ id: string, name: string, enabled: boolean }> }).domains ?? []
    const domain = domains.find(d => d.name === name)
    if (domain !== undefined) {
      if (!domain.enabled) {
        const enabled = await this.#call('PATCH', `/domains/${domain.id}`, { domain: { enabled: true } })
        if (enabled.status !== 200) throw this.#refused(`enable domain ${name}`, enabled)
        changed.push(`domain ${name} enabled`)
      }
      return domain.id
    }
    const created = await this.#call('POST', '/domains', { domain: { name, description: 'p2pstack: shadow users and projects of the federated identity provider' } })
    if (created.status !== 201) throw this.#refused(`create domain ${name}`, created)
    changed.push(`domain ${name} created`)
    return (created.json as { domain: { id: string } }).domain.id
  }

  /** PUT to create; when it exists (409), GET it and PATCH what differs. */
  async #ensureObject (
    what: string, path: string, key: string, createBody: Record<string, unknown>,
    upToDate: (existing: Record<string, any>) => boolean, patchBody: Record<string, unknown>, changed: string[]
  ): Promise<void> {
    const existing = await this.#call('GET', path)
    if (existing.status === 404) {
      const created = await this.#call('PUT', path, { [key]: createBody })
      if (created.status === 201) {
        changed.push(`${what} created`)
        return
      }
      if (created.status !== 409) throw this.#refused(`create ${what}`, created)
    } else if (existing.status !== 200) {
      throw this.#refused(`read ${what}`, existing)
    } else if (upToDate((existing.json as Record<string, Record<string, any>>)[key] ?? {})) {
      return
    }
    const patched = await this.#call('PATCH', path, { [key]: patchBody })
    if (patched.status !== 200) throw this.#refused(`update ${what}`, patched)
    changed.push(`${what} updated`)
  }

  async #call (method: string, path: string, json?: unknown): Promise<{ status: number, json: unknown, text: string }> {
    const url = `${keystoneV3Url(this.#settings.keystoneUrl)}${path}`
    const token = await this.#admin.token()
    const headers: Record<string, string> = { 'x-auth-token': token, accept: 'application/json' }
    if (json !== undefined) headers['content-type'] = 'application/json'
    let status: number
    let text: string
    try {
      const response = await this.#http(httpRequest(method, url, { headers, body: json === undefined ? null : JSON.stringify(json) }))
      status = response.status
      text = new TextDecoder().decode(await readBody(response.body, MAX_BODY_BYTES))
    } catch (error) {
      throw new CloudletFederationSetupError(`cannot reach the cloudlet's Keystone at ${url}: ${(error as Error).message}`, { cause: error })
    }
    if (status === 401) this.#admin.invalidate(token)
    let parsed: unknown
    try {
      parsed = text === '' ? null : JSON.parse(text)
    } catch {
      parsed = null
    }
    return { status, json: parsed, text }
  }

  #refused (what: string, answer: { status: number, text: string }): CloudletFederationSetupError {
    return new CloudletFederationSetupError(`the cloudlet's Keystone refused to ${what}: ${answer.status} ${answer.text.slice(0, 300)}`)
  }
}

function sameSet (a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && b.every(x => a.includes(x))
}
