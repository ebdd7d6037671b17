/**
 * Keystone's mapping engine (keystone.federation.utils.RuleProcessor, Zed): turns an assertion
 * (attribute name → value, several values separated by ';') into a local user, group ids,
 * group names and projects. Every rule whose remote requirements all hold contributes its
 * local part, with {0}, {1}… replaced by the values its remote entries matched; the first
 * user found wins, groups accumulate, the last projects list wins. This is Keystone's own
 * semantics, quirks included (a direct map of several values becomes the Python repr of a
 * list, which `groups` and `group_ids` parse back).
 */
import { pyRepr, pyStr } from '../python-text.ts'
import { PyFormatError, pyFormat, pyLiteralList, pyLstrip } from './python-text.ts'

export type Assertion = Readonly<Record<string, string>>

export interface MappedUser {
  readonly id?: string
  readonly name?: string
  readonly email?: string
  readonly domain?: { readonly id?: string, readonly name?: string }
  readonly type: 'ephemeral' | 'local'
}

export interface GroupByName {
  readonly name: string
  readonly domain: { readonly id?: string, readonly name?: string }
}

export interface MappedProperties {
  readonly user: MappedUser
  readonly groupIds: readonly string[]
  readonly groupNames: readonly GroupByName[]
  readonly projects: ReadonlyArray<{ readonly name: string, readonly roles: ReadonlyArray<{ readonly name: string }> }>
}

/**
 * Why a mapping gave nothing usable. 'invalid' is Keystone's ValidationError (the login is a
 * 401); 'internal' is what Keystone lets escape as a 500 (a {N} past the remote matches, a
 * broken regular expression, a value that is not text).
 */
export class MappingError extends Error {
  readonly kind: 'invalid' | 'internal'
  constructor (kind: 'invalid' | 'internal', message: string) {
    super(message)
    this.kind = kind
  }
}

type Local = Record<string, unknown>
type Rule = { readonly local: readonly Local[], readonly remote: ReadonlyArray<Record<string, unknown>> }

/** Applies validated mapping rules to an assertion. Throws MappingError when nothing maps. */
export function applyMapping (mappingId: string, rules: readonly unknown[], assertionData: Assertion): MappedProperties {
  const assertion = new Map<string, string[]>()
  for (const [name, value] of Object.entries(assertionData)) assertion.set(name, value.split(';'))
  const identityValues: Local[] = []
  for (const rule of rules as readonly Rule[]) {
    const directMaps = verifyAllRequirements(rule.remote, assertion)
    if (directMaps === null) continue
    // Keystone means to copy the local part as it is when nothing was mapped, but its DirectMaps
    // object is always true, so it always formats: "{0}" with nothing mapped is an error there too.
    for (const local of rule.local) identityValues.push(updateLocal(mappingId, local, directMaps))
  }
  return transform(identityValues)
}

/** The values each remote entry matched, in order; null when the rule does not apply. */
function verifyAllRequirements (requirements: Rule['remote'], assertion: Map<string, string[]>): unknown[] | null {
  const directMaps: unknown[] = []
  for (const requirement of requirements) {
    let values: string[] | undefined = assertion.get(String(requirement.type))
    const regex = requirement.regex === true
    if (values === undefined || values.length === 0) return null
    const anyOneOf = requirement.any_one_of as unknown[] | undefined
    if (anyOneOf !== undefined) {
      if (matches(anyOneOf, values, regex).length > 0) continue
      return null
    }
    const notAnyOf = requirement.not_any_of as unknown[] | undefined
    if (notAnyOf !== undefined) {
      if (matches(notAnyOf, values, regex).length === 0) continue
      return null
    }
    const blacklist = requirement.blacklist as unknown[] | undefined
    const whitelist = requirement.whitelist as unknown[] | undefined
    if (blacklist !== undefined) {
      const hit = new Set(matches(blacklist, values, regex))
      values = [...new Set(values)].filter(v => !hit.has(v))
    } else if (whitelist !== undefined) {
      values = [...new Set(matches(whitelist, values, regex))]
    }
    // Keystone's DirectMaps hands out a single value as itself and several as a list.
    directMaps.push(values.length === 1 ? values[0] : values)
  }
  return directMaps
}

/** The assertion values that match any of the rule's values (exactly, or by regex search). */
function matches (ruleValues: readonly unknown[], assertionValues: readonly string[], regex: boolean): string[] {
  if (!regex) {
    const wanted = new Set(ruleValues)
    return assertionValues.filter(v => wanted.has(v))
  }
  let patterns: RegExp[]
  try {
    patterns = ruleValues.map(p => new RegExp(String(p)))
  } catch (error) {
    throw new MappingError('internal', `invalid regular expression in mapping: ${(error as Error).message}`)
  }
  return assertionValues.filter(v => patterns.some(p => p.test(v)))
}

/** Replaces {0}, {1}… in every string of a local entry with the direct maps. */
function updateLocal (mappingId: string, local: Local, directMaps: readonly unknown[]): Local {
  const updated: Local = {}
  for (const [key, value] of Object.entries(local)) {
    if (Array.isArray(value)) {
      updated[key] = value.map(item => {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new MappingError('internal', `mapping ${mappingId}: list items must be objects`)
        return updateLocal(mappingId, item as Local, directMaps)
      })
    } else if (value !== null && typeof value === 'object') {
      updated[key] = updateLocal(mappingId, value as Local, directMaps)
    } else if (typeof value === 'string') {
      try {
        updated[key] = pyFormat(value, directMaps)
      } catch (error) {
        if (error instanceof PyFormatError && error.kind === 'index') {
          throw new MappingError('internal', `Local section in mapping ${mappingId} refers to a remote match that doesn't exist (e.g. {0} in a local section).`)
        }
        throw new MappingError('internal', `mapping ${mappingId}: ${(error as Error).message}`)
      }
    } else {
      throw new MappingError('internal', `mapping ${mappingId}: ${pyRepr(value)} is not text`)
    }
  }
  return updated
}

function transform (identityValues: readonly Local[]): MappedProperties {
  if (identityValues.length === 0) {
    throw new MappingError('invalid', 'Could not map any federated user properties to identity values. Check debug logs or the mapping used for additional details.')
  }
  let user: Record<string, unknown> | null = null
  const groupIds = new Set<string>()
  const groupNames: GroupByName[] = []
  const groupsByDomain = new Map<string, GroupByName[]>()
  let projects: MappedProperties['projects'] = []
  for (const value of identityValues) {
    if (value.user !== undefined && (user === null || Object.keys(user).length === 0)) user = { ...(value.user as Record<string, unknown>) }
    const group = value.group as Record<string, unknown> | undefined
    if (group !== undefined) {
      if ('id' in group) {
        groupIds.add(pyStr(group.id))
      } else if ('name' in group) {
        const groupDomain = (group.domain ?? {}) as GroupByName['domain']
        const key = String(groupDomain.name ?? groupDomain.id)
        groupsByDomain.set(key, [...(groupsByDomain.get(key) ?? []), { name: String(group.name), domain: groupDomain }])
      }
      for (const groups of groupsByDomain.values()) {
        const byName = new Map(groups.map(g => [g.name, g]))
        groupNames.push(...byName.values())
      }
    }
    if (value.groups !== undefined) groupNames.push(...normalizeGroups(value))
    if (value.group_ids !== undefined) {
      for (const id of literalList(pyStr(value.group_ids))) groupIds.add(pyStr(id))
    }
    if (value.projects !== undefined) projects = value.projects as MappedProperties['projects']
  }
  const mapped = (user ?? {}) as Record<string, unknown>
  const type = mapped.type ?? 'ephemeral'
  if (type !== 'ephemeral' && type !== 'local') throw new MappingError('invalid', `User type ${pyStr(type)} not supported`)
  return { user: { ...mapped, type } as MappedUser, groupIds: [...groupIds], groupNames, projects }
}

/** ast.literal_eval of a string that may hold a list literal; anything else is one value. */
function literalList (text: string): unknown[] {
  return pyLiteralList(text) ?? [text]
}

/** Keystone's _normalize_groups: `groups` names groups in `domain`, or carries JSON group objects. */
function normalizeGroups (value: Local): GroupByName[] {
  const text = pyStr(value.groups)
  const invalid = (): MappingError => new MappingError('invalid', `Invalid rule: ${pyRepr(value)}. Both 'groups' and 'domain' keywords must be specified.`)
  if (text.includes('name')) {
    return literalList(text).map(item => {
      let group: unknown = item
      if (typeof item === 'string' && item.startsWith('JSON:')) {
        try {
          group = JSON.parse(pyLstrip(item, 'JSON:'))
        } catch {
          throw new MappingError('internal', `invalid JSON group in mapping: ${item}`)
        }
      }
      if (group === null || typeof group !== 'object' || !('domain' in group) || !('name' in group)) throw invalid()
      const g = group as { name: unknown, domain: GroupByName['domain'] }
      return { name: pyStr(g.name), domain: g.domain }
    })
  }
  if (value.domain === undefined) throw invalid()
  const groupDomain = value.domain as GroupByName['domain']
  return literalList(text).map(name => ({ name: pyStr(name), domain: groupDomain }))
}
