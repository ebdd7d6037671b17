/**
 * clouds.yaml: the file the `openstack` CLI, openstacksdk and gophercloud read to find a cloud
 * (`OS_CLOUD=<name>`). Writing an entry keeps every other entry in the file as it was.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parse, stringify } from 'yaml'

export interface CloudEntry {
  readonly authUrl: string
  readonly username: string
  readonly password: string
  readonly projectName: string
  readonly region: string
  readonly userDomainName?: string
  readonly projectDomainName?: string
}

export function cloudEntryYaml (entry: CloudEntry): Record<string, unknown> {
  return {
    auth: {
      auth_url: entry.authUrl,
      username: entry.username,
      password: entry.password,
      project_name: entry.projectName,
      user_domain_name: entry.userDomainName ?? 'Default',
      project_domain_name: entry.projectDomainName ?? 'Default'
    },
    region_name: entry.region,
    interface: 'public',
    identity_api_version: 3
  }
}

/** Adds or replaces the named clouds in the file at `path`, creating it if needed. */
export function writeCloudsYaml (path: string, clouds: Record<string, CloudEntry>): void {
  let document: { clouds?: Record<string, unknown> } = {}
  if (existsSync(path)) {
    const parsed = parse(readFileSync(path, 'utf8')) as unknown
    if (parsed !== null && typeof parsed === 'object') document = parsed as { clouds?: Record<string, unknown> }
  }
  const entries: Record<string, unknown> = { ...(document.clouds ?? {}) }
  for (const [name, entry] of Object.entries(clouds)) entries[name] = cloudEntryYaml(entry)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, stringify({ ...document, clouds: entries }), { mode: 0o600 })
}
