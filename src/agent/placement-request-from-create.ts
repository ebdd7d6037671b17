/**
 * A Nova create request as a PlacementRequest: the flavor's claim on Placement (times the
 * number of servers) and where the servers may go, with server ids, hosts and server groups
 * resolved to the agents whose cloudlets hold them. The agent calls this after
 * serverPlacementHints() has read (and validated) the body and before placement picks a
 * cloudlet; the body then goes to that cloudlet unchanged.
 *
 * How each of Nova's constraints maps to cloudlets (a cloudlet is a set of hosts):
 * - availability_zone: the cloudlet's zone must be it (each cloudlet is in one zone). An
 *   unknown zone is Nova's 400 when `zoneMustExist` (see scheduling-faults.ts), which the
 *   placement step can tell from the live agents' metadata.
 * - A forced host or node ("zone:host", "zone::node", 2.74's host/hypervisor_hostname): the
 *   agent whose cloudlet has that host. The zone is then no requirement, as in Nova.
 * - same_host: the server must share a host with one of the given servers, so its cloudlet
 *   must hold one of them. The target cloudlet's own SameHostFilter then picks the host.
 * - different_host: Nova means another host. By default (`differentHostScope: 'cloudlet'`)
 *   p2pstack reads it as another cloudlet, as the issue asks (anti-affinity across failure
 *   domains); with 'host' it adds no constraint here and the target cloudlet's
 *   DifferentHostFilter keeps Nova's exact meaning.
 * - A server group (hint `group`): its policy over its members' cloudlets. Cloudlets do not
 *   know p2pstack's server groups, so the policy is kept at cloudlet level here:
 *     affinity           the members' cloudlet (none yet: anywhere);
 *     anti-affinity      not a cloudlet that holds max_server_per_host (default 1) members;
 *     soft-affinity      the members' cloudlet if a placement there succeeds, else anywhere;
 *     soft-anti-affinity cloudlets without members if a placement there succeeds, else anywhere.
 *   "Soft" is best effort, as Nova's weighers make it: the result carries a `fallback` request
 *   without the soft constraint, for the placement step to use when the first finds no host.
 *
 * PlacementRequest holds one `sameAgent`. When the rules allow several agents (same_host
 * servers on different cloudlets: Nova accepts any of their hosts), the agent holding most of
 * the servers named is taken, ties going to the first named; the others are not tried.
 *
 * Outcomes Nova has no 400 for are answered as Nova does, with the server in ERROR and "No valid
 * host was found": no same_host server exists, the forced host exists nowhere, or the rules
 * leave no agent. Those come back as { kind: 'no-valid-host', message }.
 */
import type { ServerPlacementHints } from '../openstack/compute/server-placement-hints.ts'
import { flavorPlacementResources } from '../openstack/compute/flavors/flavor-resources.ts'
import type { FlavorSizes } from '../openstack/compute/flavors/flavor-resources.ts'
import { computeHostNotFound, instanceGroupNotFound, NO_VALID_HOST_NOT_ENOUGH_HOSTS } from '../openstack/compute/servers/scheduling-faults.ts'
import type { AgentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { LocationRequirements, PlacementRequest, ResourceAmounts } from '../protocol/placement/placement-request.ts'

export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity'

export interface ServerGroupInfo {
  readonly policy: ServerGroupPolicy
  /** The ids of the servers in the group. */
  readonly members: readonly string[]
  /** Nova's group rules (2.64+); only max_server_per_host, for anti-affinity, is read. */
  readonly rules?: { readonly max_server_per_host?: number }
}

/** Where things are; each may answer null for "not known anywhere". Calls run concurrently. */
export interface CreateLocations {
  /** The agent whose cloudlet holds a server (the location cache, later). */
  server(serverId: string): Promise<AgentId | null> | AgentId | null
  /** The agent whose cloudlet has a compute host or node of this name; absent: none known. */
  host?(name: string): Promise<AgentId | null> | AgentId | null
  /** A server group by id; absent: no group is known, so a group hint is a 400. */
  serverGroup?(groupId: string): Promise<ServerGroupInfo | null> | ServerGroupInfo | null
}

export interface CreatePlacementOptions {
  /** How different_host is read: another cloudlet (default) or another host (left to the cloudlet). */
  readonly differentHostScope?: 'cloudlet' | 'host'
}

export type CreatePlacement =
  | {
    readonly kind: 'place'
    readonly request: PlacementRequest
    /** The request without the soft group constraint, to use when `request` finds no host; null when there is none. */
    readonly fallback: PlacementRequest | null
    /** Whether an availability zone no live agent is in is Nova's 400 (else No valid host). */
    readonly zoneMustExist: boolean
  }
  | { readonly kind: 'no-valid-host', readonly message: string }

/**
 * Resolves locations and builds the request. Rejects with a BadRequest (OpenStackFault) where
 * Nova answers 400: a group that does not exist, 2.74's host that does not exist.
 */
export async function placementRequestFromCreate (
  hints: ServerPlacementHints,
  flavor: FlavorSizes,
  locations: CreateLocations,
  options: CreatePlacementOptions = {}
): Promise<CreatePlacement> {
  const claim = flavorPlacementResources(flavor, { bootFromVolume: hints.bootFromVolume })
  const resources: ResourceAmounts = {
    vcpus: claim.VCPU * hints.instanceCount,
    memoryMb: claim.MEMORY_MB * hints.instanceCount,
    diskGb: claim.DISK_GB * hints.instanceCount
  }
  const group = await lookUpGroup(hints.group, locations)
  const differentHost = (options.differentHostScope ?? 'cloudlet') === 'cloudlet' ? hints.differentHost : []
  const ids = [...new Set([...hints.sameHost, ...differentHost, ...(group?.members ?? [])])]
  const where = new Map<string, AgentId | null>(await Promise.all(ids.map(async id => [id, await locations.server(id)] as const)))
  const agentsOf = (servers: readonly string[]): AgentId[] => servers.map(id => where.get(id) ?? null).filter((a): a is AgentId => a !== null)

  // Hard constraints: "one of these agents" (intersected) and "none of these".
  const forced = await forcedHostAgent(hints, locations)
  if (forced === NO_HOST) return noValidHost()
  const members = agentsOf(group?.members ?? [])
  const oneOf: AgentId[][] = []
  if (forced !== null) oneOf.push([forced])
  if (hints.sameHost.length > 0) oneOf.push(agentsOf(hints.sameHost))
  if (group?.policy === 'affinity' && members.length > 0) oneOf.push(members)
  const excluded = new Set(agentsOf(differentHost))
  if (group?.policy === 'anti-affinity') for (const a of crowded(members, group.rules?.max_server_per_host ?? 1)) excluded.add(a)
  const allowed = oneOf.length === 0 ? null : oneOf.reduce((acc, agents) => acc.filter(a => agents.includes(a))).filter(a => !excluded.has(a))
  if (allowed !== null && allowed.length === 0) return noValidHost()

  const base: LocationRequirements = {
    ...(hints.availabilityZone !== null ? { availabilityZone: hints.availabilityZone } : {}),
    ...(Object.keys(hints.labels).length > 0 ? { labels: hints.labels } : {}),
    ...(hints.maxRttMs !== null ? { maxRttMs: hints.maxRttMs } : {})
  }
  const hard = requirements(base, allowed, excluded)
  // Soft policies: a first request with the preference, the hard one as the fallback.
  let soft: LocationRequirements | null = null
  if (group?.policy === 'soft-affinity' && members.length > 0) {
    const preferred = (allowed ?? members).filter(a => members.includes(a) && !excluded.has(a))
    if (preferred.length > 0) soft = requirements(base, preferred, excluded)
  } else if (group?.policy === 'soft-anti-affinity' && members.length > 0) {
    const avoided = new Set([...excluded, ...members])
    const preferred = allowed === null ? null : allowed.filter(a => !avoided.has(a))
    if (preferred === null || preferred.length > 0) soft = requirements(base, preferred, avoided)
  }
  const request: PlacementRequest = { resources, requirements: hard }
  if (soft === null || sameRequirements(soft, hard)) return { kind: 'place', request, fallback: null, zoneMustExist: hints.zoneMustExist }
  return { kind: 'place', request: { resources, requirements: soft }, fallback: request, zoneMustExist: hints.zoneMustExist }
}

const NO_HOST: unique symbol = Symbol('no host')

function noValidHost (): CreatePlacement {
  return { kind: 'no-valid-host', message: NO_VALID_HOST_NOT_ENOUGH_HOSTS }
}

async function lookUpGroup (groupId: string | null, locations: CreateLocations): Promise<ServerGroupInfo | null> {
  if (groupId === null) return null
  const group = locations.serverGroup === undefined ? null : await locations.serverGroup(groupId)
  if (group === null) throw instanceGroupNotFound(groupId)
  return group
}

/**
 * The agent of a forced host or node: null when none is forced, NO_HOST when the forced one is
 * nowhere (Nova fails the build). 2.74's host or node naming nothing is Nova's 400 instead.
 */
async function forcedHostAgent (hints: ServerPlacementHints, locations: CreateLocations): Promise<AgentId | null | typeof NO_HOST> {
  const requested = hints.requestedHost ?? hints.requestedNode
  const forced = hints.forcedHost ?? hints.forcedNode
  const name = requested ?? forced
  if (name === null) return null
  const agent = locations.host === undefined ? null : await locations.host(name)
  if (agent !== null) return agent
  if (requested !== null) throw computeHostNotFound(requested)
  return NO_HOST
}

/** Agents holding at least `limit` of the members. */
function crowded (memberAgents: readonly AgentId[], limit: number): AgentId[] {
  const counts = new Map<AgentId, number>()
  for (const a of memberAgents) counts.set(a, (counts.get(a) ?? 0) + 1)
  return [...counts].filter(([, n]) => n >= Math.max(1, limit)).map(([a]) => a)
}

/**
 * Requirements from the allowed agents (null: any) and the excluded ones. Of several allowed
 * agents the one named most often wins (ties: first named), since sameAgent holds one.
 */
function requirements (base: LocationRequirements, allowed: readonly AgentId[] | null, excluded: ReadonlySet<AgentId>): LocationRequirements {
  if (allowed !== null && allowed.length > 0) return { ...base, sameAgent: mostNamed(allowed) }
  return excluded.size > 0 ? { ...base, notAgents: [...excluded] } : base
}

function sameRequirements (a: LocationRequirements, b: LocationRequirements): boolean {
  return a.sameAgent === b.sameAgent && JSON.stringify([...a.notAgents ?? []].sort()) === JSON.stringify([...b.notAgents ?? []].sort())
}

function mostNamed (agents: readonly AgentId[]): AgentId {
  const counts = new Map<AgentId, number>()
  for (const a of agents) counts.set(a, (counts.get(a) ?? 0) + 1)
  let best = agents[0] as AgentId
  for (const [a, n] of counts) if (n > (counts.get(best) ?? 0)) best = a
  return best
}
