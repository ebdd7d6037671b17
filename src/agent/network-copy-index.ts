/**
 * The copies of global network objects are also written down in the cloudlet itself, as
 * Neutron tags on each copy (`p2pstack-copy`, the global id, the home agent) and on a subnet
 * whose pool was sliced (`p2pstack-sliced`, the pools its users see), so that an agent whose
 * data directory was lost maps them again at start (`indexNetworkCopies`) instead of showing
 * its copies as objects of their own. The tags are left out of every answer the agent gives
 * (network-ids.ts, `adjust`).
 */
import { httpRequest, readBody } from '../core/http.ts'
import type { HttpHandler } from '../core/http.ts'
import type { Logger } from '../core/ports.ts'
import type { TokenSource } from './keystone-token-source.ts'
import type { NetworkIds } from './network-ids.ts'
import { TAG_PREFIX } from './network-ids.ts'
import type { AllocationPool, NetworkIdKind } from './network-record-store.ts'
import type { AgentRef } from './proxy-ports.ts'

const COPY_TAG = `${TAG_PREFIX}copy`
const SLICED_TAG = `${TAG_PREFIX}sliced`
const COPY_OF = `${TAG_PREFIX}copy-of=`
const HOME = `${TAG_PREFIX}home=`
const POOLS = `${TAG_PREFIX}pools=`
/** Neutron's longest tag. */
const MAX_TAG = 255

/** The tags of a copy of `globalId` whose home is `home`. */
export function copyTags (globalId: string, home: AgentRef): string[] {
  const homeTag = `${HOME}${home.id}@${home.address}`
  return homeTag.length <= MAX_TAG ? [COPY_TAG, `${COPY_OF}${globalId}`, homeTag] : [COPY_TAG, `${COPY_OF}${globalId}`]
}

/** The tags of a sliced subnet at its home (none when the pools do not fit in one tag). */
export function slicedTags (pools: readonly AllocationPool[]): string[] {
  const tag = `${POOLS}${pools.map(p => `${p.start}-${p.end}`).join(';')}`
  return tag.length <= MAX_TAG ? [SLICED_TAG, tag] : []
}

const KINDS: ReadonlyArray<readonly [collection: string, key: string, kind: NetworkIdKind]> = [
  ['networks', 'networks', 'network'], ['subnets', 'subnets', 'subnet'], ['security-groups', 'security_groups', 'security-group']
]

export interface NetworkCopyIndexDeps {
  readonly http: HttpHandler
  /** The cloudlet's network root (unversioned). */
  readonly networkRoot: string
  readonly admin: TokenSource
  readonly ids: NetworkIds
  readonly logger: Logger
}

/** Maps again every tagged copy (and sliced subnet) the records lack; returns how many it found missing. */
export async function indexNetworkCopies (deps: NetworkCopyIndexDeps): Promise<number> {
  const token = await deps.admin.token()
  const list = async (collection: string, key: string, tag: string): Promise<Array<Record<string, unknown>>> => {
    const response = await deps.http(httpRequest('GET', `${deps.networkRoot}/v2.0/${collection}?tags=${tag}`, { headers: { 'x-auth-token': token, accept: 'application/json' } }))
    const text = new TextDecoder().decode(await readBody(response.body, 64 * 1024 * 1024))
    if (response.status !== 200) throw new Error(`listing the ${collection} of ${deps.networkRoot} answered ${response.status}: ${text.slice(0, 200)}`)
    const items = (JSON.parse(text) as Record<string, unknown>)[key]
    return Array.isArray(items) ? items as Array<Record<string, unknown>> : []
  }
  let found = 0
  for (const [collection, key, kind] of KINDS) {
    for (const item of await list(collection, key, COPY_TAG)) {
      const tags = Array.isArray(item.tags) ? item.tags.filter((t): t is string => typeof t === 'string') : []
      const globalId = tags.find(t => t.startsWith(COPY_OF))?.slice(COPY_OF.length)
      const home = tags.find(t => t.startsWith(HOME))?.slice(HOME.length) ?? ''
      const at = home.indexOf('@')
      if (typeof item.id !== 'string' || globalId === undefined || at <= 0) continue
      const [homeId, homeAddress] = [home.slice(0, at), home.slice(at + 1)]
      if (deps.ids.records.get(globalId)?.localId === item.id) continue
      const project = typeof item.project_id === 'string' ? deps.ids.globalId(item.project_id) : null
      deps.ids.record({ globalId, kind, localId: item.id, projectId: project, home: { id: homeId, address: homeAddress } })
      found++
    }
  }
  for (const subnet of await list('subnets', 'subnets', SLICED_TAG)) {
    const tag = Array.isArray(subnet.tags) ? subnet.tags.find((t): t is string => typeof t === 'string' && t.startsWith(POOLS)) : undefined
    if (typeof subnet.id !== 'string' || tag === undefined || deps.ids.pools(deps.ids.globalId(subnet.id)) !== null) continue
    const pools = tag.slice(POOLS.length).split(';').map(range => {
      const [start, end] = range.split('-')
      return { start: start ?? '', end: end ?? '' }
    })
    deps.ids.setPools(deps.ids.globalId(subnet.id), pools)
    found++
  }
  if (found > 0) deps.logger.info({ found }, 'mapped network copies again from their tags')
  return found
}
