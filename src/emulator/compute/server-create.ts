/**
 * POST /servers as nova-api does it: validate the body for the microversion, resolve the
 * flavor, image, keypair, availability zone, networks and security groups (400/409 as Nova
 * answers them), check quotas (403), then create 1..max_count servers, each scheduled onto a
 * host with room (or left to fail with "No valid host was found"), its allocation claimed in
 * Placement and its ports made in Neutron, and answer 202 while the build goes on.
 */
import { jsonResponse } from '../../core/http.ts'
import { uuid } from '../../core/ids.ts'
import type { Random } from '../../core/ports.ts'
import { BadRequest, Forbidden } from '../../openstack/faults.ts'
import type { FlavorRow, ServerFlavor, ServerNic, ServerRow } from '../../openstack/compute/model.ts'
import { toBoolean } from '../../openstack/compute/parameter-types.ts'
import { parseAvailabilityZone } from '../../openstack/compute/server-placement-hints.ts'
import { availabilityZoneNotAvailable, computeHostNotFound, hostMechanismsExclusive, noValidHostFault } from '../../openstack/compute/servers/scheduling-faults.ts'
import { serverCreateSchema } from '../../openstack/compute/servers/schemas.ts'
import type { ServerCreateBody } from '../../openstack/compute/servers/schemas.ts'
import { serverLinks } from '../../openstack/compute/servers/views.ts'
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { formatMicroversion, isAtLeast } from '../../openstack/microversion.ts'
import type { Microversion } from '../../openstack/microversion.ts'
import type { RequestedNetworks } from '../network/compute-networking.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { callerProject, policyForbids } from './compute-deps.ts'
import { networkingFault } from './network-faults.ts'
import { quotaLimits, serversAllowedByQuota } from './quota-usage.ts'
import { flavorResources, pickHost } from './scheduler.ts'
import { recordAction } from './instance-actions.ts'

type CreateRequest = ServerCreateBody['server']

const schemas = new Map<string, ReturnType<typeof serverCreateSchema>>()

function schemaFor (version: Microversion): ReturnType<typeof serverCreateSchema> {
  const key = formatMicroversion(version)
  let schema = schemas.get(key)
  if (schema === undefined) {
    schema = serverCreateSchema(version)
    schemas.set(key, schema)
  }
  return schema
}

export function serverCreateHandler (deps: ComputeDeps): RouteHandler {
  return async context => {
    const body = await context.body(schemaFor(context.microversion))
    const request = body.server
    const auth = context.auth
    const projectId = callerProject(context)
    const hints = body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'] ?? {}

    const flavor = resolveFlavor(deps, context, request.flavorRef)
    const imageId = resolveImage(deps, auth, request, flavor)
    const placementTarget = resolveAvailabilityZone(deps, context, request)
    const keypair = request.key_name === undefined ? null : deps.state.keypairs.get(`${auth.userId}/${request.key_name}`)
    if (keypair === undefined) throw new BadRequest('Invalid key_name provided.')
    const metadata = request.metadata ?? {}
    if (Object.keys(metadata).length > quotaLimits(deps.state, projectId).metadata_items && quotaLimits(deps.state, projectId).metadata_items >= 0) {
      throw new Forbidden(`Maximum number of metadata items exceeds ${quotaLimits(deps.state, projectId).metadata_items}`)
    }
    const requested = requestedNetworks(request.networks)
    const securityGroups = request.security_groups === undefined ? null : request.security_groups.map(g => g.name ?? 'default')
    const minCount = Number(request.min_count ?? 1)
    const maxCount = Number(request.max_count ?? minCount)
    if (minCount > maxCount) throw new BadRequest('min_count must be <= max_count')
    if (Array.isArray(requested) && maxCount > 1 && requested.some(n => n.port !== undefined)) {
      throw new BadRequest('Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.')
    }

    const networkRequest = { auth, projectId, serverId: '', host: '', availabilityZone: deps.settings.availabilityZone, requested, securityGroups }
    try {
      if (securityGroups !== null) deps.network.resolveSecurityGroups(auth, projectId, securityGroups)
      deps.network.validateForServer(networkRequest)
    } catch (error) {
      throw networkingFault(error) ?? error
    }
    const count = serversAllowedByQuota(deps.state, projectId, { vcpus: flavor.vcpus, ramMb: flavor.ramMb }, minCount, maxCount)

    const now = deps.clock.wallClockMs()
    const reservationId = `r-${randomBase36(deps.random, 8)}`
    const adminPass = request.adminPass ?? generatePassword(deps.random)
    const created: ServerRow[] = []
    for (let index = 0; index < count; index++) {
      const id = uuid(deps.random)
      const name = maxCount > 1 ? `${request.name}-${index + 1}` : request.name
      created.push(buildServer(deps, {
        id, name, projectId, userId: auth.userId, reservationId, launchIndex: index, flavor, imageId, keypair, metadata, request,
        placementTarget, hints, auth, requested, securityGroups, nowMs: now, requestId: context.requestId
      }))
    }

    if (request.return_reservation_id !== undefined && toBoolean(request.return_reservation_id)) {
      return jsonResponse(202, { reservation_id: reservationId })
    }
    const first = created[0] as ServerRow
    const view: Record<string, unknown> = {
      id: first.id,
      links: serverLinks(first.id, context.serviceUrl),
      'OS-DCF:diskConfig': first.diskConfig,
      security_groups: (securityGroups ?? ['default']).map(name => ({ name })),
      // Nova returns the password whenever [api]enable_instance_password is on, its default.
      adminPass
    }
    return jsonResponse(202, { server: view }, { location: `${context.serviceUrl}/v2.1/servers/${first.id}` })
  }
}

interface BuildInput {
  readonly id: string
  readonly name: string
  readonly projectId: string
  readonly userId: string
  readonly reservationId: string
  readonly launchIndex: number
  readonly flavor: FlavorRow
  readonly imageId: string | null
  readonly keypair: { name: string, publicKey: string } | null
  readonly metadata: Readonly<Record<string, string>>
  readonly request: CreateRequest
  readonly placementTarget: PlacementTarget
  readonly hints: Readonly<Record<string, unknown>>
  readonly auth: AuthContext
  readonly requested: RequestedNetworks
  readonly securityGroups: readonly string[] | null
  readonly nowMs: number
  readonly requestId: string
}

/** Creates one server row: scheduled, claimed in Placement, its ports made; or failing its build. */
function buildServer (deps: ComputeDeps, input: BuildInput): ServerRow {
  const { flavor, request } = input
  const serverFlavor: ServerFlavor = {
    id: flavor.id, name: flavor.name, vcpus: flavor.vcpus, ramMb: flavor.ramMb, diskGb: flavor.diskGb,
    ephemeralGb: flavor.ephemeralGb, swapMb: flavor.swapMb, extraSpecs: flavor.extraSpecs
  }
  const resources = flavorResources(serverFlavor)
  const schedule = pickHost(deps.placement, deps.state, {
    resources,
    forcedHost: input.placementTarget.forcedHost,
    zoneMatches: input.placementTarget.zoneMatches,
    sameHostServers: idList(input.hints.same_host),
    differentHostServers: idList(input.hints.different_host)
  })
  const provider = schedule.provider
  let host: string | null = null
  let nics: ServerNic[] = []
  let fault: ServerRow['fault'] = null
  if (provider !== null && deps.placement.allocate(input.id, provider.id, resources, input.projectId, input.userId)) {
    host = provider.name
    try {
      nics = deps.network.allocateForServer({
        auth: input.auth,
        projectId: input.projectId,
        serverId: input.id,
        host,
        availabilityZone: deps.settings.availabilityZone,
        requested: input.requested,
        securityGroups: input.securityGroups
      }).map(p => ({ portId: p.id, networkId: p.networkId, networkName: p.networkName, macAddress: p.macAddress, fixedIps: p.fixedIps }))
    } catch (error) {
      deps.logger.warn({ err: error, serverId: input.id }, 'network allocation failed; the build fails')
      deps.placement.free(input.id)
      fault = { code: 500, message: `Build of instance ${input.id} aborted: Failed to allocate the network(s), not rescheduling.`, details: error instanceof Error ? error.message : String(error), createdAtMs: input.nowMs }
    }
  }
  const hostId = host === null ? '' : hostIdOf(deps, input.projectId, host)
  const begun = deps.lifecycle.begin('build', input.nowMs)
  const failedNow = fault !== null
  const server: ServerRow = {
    id: input.id,
    internalId: deps.state.nextInstanceId(),
    name: input.name,
    projectId: input.projectId,
    userId: input.userId,
    reservationId: input.reservationId,
    launchIndex: input.launchIndex,
    vmState: failedNow ? 'error' : 'building',
    taskState: failedNow ? null : begun.taskState,
    powerState: 0,
    flavor: serverFlavor,
    imageId: input.imageId,
    keyName: input.keypair?.name ?? null,
    keyData: input.keypair?.publicKey ?? null,
    metadata: input.metadata,
    userData: request.user_data ?? null,
    description: request.description ?? null,
    tags: request.tags ?? [],
    availabilityZone: deps.settings.availabilityZone,
    host: failedNow ? null : host,
    hostId: failedNow ? '' : hostId,
    hostname: sanitizeHostname(input.name, input.id),
    nics,
    securityGroups: nics.length > 0 ? deps.network.securityGroupNamesOfServer(input.id) : [],
    accessIPv4: request.accessIPv4 ?? '',
    accessIPv6: request.accessIPv6 ?? '',
    configDrive: request.config_drive !== undefined && toBoolean(request.config_drive) ? 'True' : '',
    diskConfig: request['OS-DCF:diskConfig'] ?? 'MANUAL',
    locked: false,
    lockedReason: null,
    createdAtMs: input.nowMs,
    updatedAtMs: input.nowMs,
    launchedAtMs: null,
    terminatedAtMs: null,
    deletedAtMs: null,
    // A server no host took fails at its scheduling step (ServerLifecycle); its fault is kept
    // ready here, unseen until the server is in ERROR, because only the scheduler knows the words.
    fault: fault ?? (host === null ? noValidHostFault(schedule.reason ?? 'no-capacity', input.nowMs) : null),
    pending: failedNow ? null : begun.pending,
    revision: 1,
    schedulerHints: input.hints
  }
  deps.state.servers.put(server)
  deps.lifecycle.track(server)
  recordAction(deps, { requestId: input.requestId, serverId: server.id, action: 'create', projectId: input.projectId, userId: input.userId, nowMs: input.nowMs })
  return server
}

function resolveFlavor (deps: ComputeDeps, context: RequestContext, ref: string | number): FlavorRow {
  const text = String(ref)
  const id = text.includes('/') ? text.slice(text.lastIndexOf('/') + 1) : text
  const flavor = deps.state.flavors.get(id)
  const project = context.auth.project?.id
  if (flavor === undefined || (!flavor.isPublic && !context.isAdmin && (project === undefined || !flavor.accessProjectIds.includes(project)))) {
    throw new BadRequest(`Flavor ${text} could not be found.`)
  }
  if (flavor.disabled) throw new BadRequest('Flavor is disabled.')
  return flavor
}

function resolveImage (deps: ComputeDeps, auth: AuthContext, request: CreateRequest, flavor: FlavorRow): string | null {
  let imageId = request.imageRef === undefined || request.imageRef === '' ? null : request.imageRef
  if (request.block_device_mapping !== undefined && request.block_device_mapping.length > 0) {
    throw new BadRequest('Block Device Mapping is Invalid: volumes need a block storage service, which this cloud does not have.')
  }
  for (const bdm of request.block_device_mapping_v2 ?? []) {
    if (bdm.destination_type === 'volume' || bdm.source_type === 'volume' || bdm.source_type === 'snapshot') {
      throw new BadRequest('Block Device Mapping is Invalid: volumes need a block storage service, which this cloud does not have.')
    }
    if (bdm.source_type === 'image' && Number(bdm.boot_index ?? -1) === 0) imageId = bdm.uuid ?? bdm.image_id ?? imageId
  }
  if (imageId === null) throw new BadRequest('Missing imageRef attribute')
  const image = deps.images.getVisible(imageId, auth)
  if (image === null) throw new BadRequest(`Image ${imageId} could not be found.`)
  if (image.status !== 'active') throw new BadRequest(`Image ${imageId} is not active.`)
  if (image.minRamMb > flavor.ramMb) throw new BadRequest("Flavor's memory is too small for requested image.")
  if (flavor.diskGb > 0) {
    const flavorBytes = flavor.diskGb * 1024 ** 3
    if ((image.size ?? 0) > flavorBytes) throw new BadRequest(`Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${image.size ?? 0} bytes.`)
    if (image.minDiskGb > flavor.diskGb) throw new BadRequest(`Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, minimum required disk is ${image.minDiskGb * 1024 ** 3} bytes.`)
  }
  return imageId
}

interface PlacementTarget {
  readonly forcedHost: string | null
  readonly zoneMatches: boolean
}

/**
 * The host forced by "zone:host[:node]" or "zone::node", or by 2.74's host/hypervisor_hostname
 * (admin only); null when none. As in Nova: the zone is checked only when no host is forced,
 * a forced host that does not exist fails the build (No valid host) while 2.74's host answers
 * 400, and the two ways of naming a host are mutually exclusive.
 */
function resolveAvailabilityZone (deps: ComputeDeps, context: RequestContext, request: CreateRequest): PlacementTarget {
  const az = parseAvailabilityZone(request.availability_zone)
  let forced: string | null = null
  const host = az.forcedHost ?? ''
  const node = az.forcedNode ?? ''
  if (host !== '' || node !== '') {
    if (!context.isAdmin) throw policyForbids('os_compute_api:servers:create:forced_host')
    // One provider per host here, named as the host and its node both.
    forced = host !== '' ? host : node
  }
  const requestedHost = isAtLeast(context.microversion, '2.74') ? request.host ?? request.hypervisor_hostname : undefined
  if (requestedHost !== undefined) {
    if (!context.isAdmin) throw policyForbids('compute:servers:create:requested_destination')
    if (forced !== null) throw hostMechanismsExclusive()
  }
  // Nova's API replaces the zone by a forced host's or node's own, then checks the zone only
  // when no host is forced (forced_host is None).
  if (az.zone !== null && az.forcedHost === null && forced === null && az.zone !== deps.settings.availabilityZone) throw availabilityZoneNotAvailable()
  if (requestedHost !== undefined) {
    if (!deps.placement.providerList().some(p => p.name === requestedHost)) throw computeHostNotFound(requestedHost)
    forced = requestedHost
  }
  // "zone:" forces no host yet skips the check above; the zone then only filters hosts.
  return { forcedHost: forced, zoneMatches: forced !== null || az.zone === null || az.zone === deps.settings.availabilityZone }
}

function requestedNetworks (networks: unknown): RequestedNetworks {
  if (networks === undefined) return null
  if (networks === 'auto' || networks === 'none') return networks
  const list = networks as Array<{ uuid?: string, port?: string | null, fixed_ip?: string, tag?: string }>
  return list.map(n => {
    if (n.port == null && n.uuid === undefined) throw new BadRequest('Bad network format: missing network uuid or port.')
    return {
      ...(n.uuid !== undefined ? { uuid: n.uuid } : {}),
      ...(n.port != null ? { port: n.port } : {}),
      ...(n.fixed_ip !== undefined ? { fixedIp: n.fixed_ip } : {}),
      ...(n.tag !== undefined ? { tag: n.tag } : {})
    }
  })
}

function idList (value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}

function hostIdOf (deps: ComputeDeps, projectId: string, host: string): string {
  const hash = deps.hashing.create('sha224')
  hash.update(new TextEncoder().encode(projectId + host))
  return hash.digestHex()
}

/** Nova's sanitize_hostname(display_name, 'Server-<uuid>'). */
export function sanitizeHostname (name: string, id: string): string {
  let h = [...name].filter(c => c.charCodeAt(0) < 256).join('').slice(0, 63)
  h = h.replace(/[ _.]/g, '-').replace(/[^\w.-]+/g, '').toLowerCase().replace(/^[.-]+|[.-]+$/g, '').slice(0, 63)
  return h === '' ? `Server-${id}`.slice(0, 63) : h
}

const PASSWORD_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function generatePassword (random: Random): string {
  let password = ''
  for (let i = 0; i < 12; i++) password += PASSWORD_ALPHABET[random.int(PASSWORD_ALPHABET.length)]
  return password
}

function randomBase36 (random: Random, length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[random.int(36)]
  return s
}

