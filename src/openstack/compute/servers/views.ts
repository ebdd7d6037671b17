/**
 * The server as Nova renders it, per microversion (nova/api/openstack/compute/views/servers.py):
 * the brief form of GET /servers and the full form of show and /detail. Admin-only fields
 * (OS-EXT-SRV-ATTR:*, host_status, fault details of a 500) appear for admins only. Links point
 * at the compute endpoint the client used.
 */
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'
import { isoMicrosNaive, isoSecondsZ } from '../../timestamps.ts'
import type { ServerRow } from '../model.ts'
import { serverStatus } from './server-status.ts'

export interface ServerViewOptions {
  /** The compute root the client used, e.g. 'http://127.0.0.1:8000/compute'. */
  readonly computeUrl: string
  readonly version: Microversion
  readonly isAdmin: boolean
  /** True for GET /servers/{id} (and update at 2.75+), where 2.71 adds server_groups. */
  readonly single: boolean
}

export function serverLinks (id: string, computeUrl: string): Array<{ rel: string, href: string }> {
  return [
    { rel: 'self', href: `${computeUrl}/v2.1/servers/${id}` },
    { rel: 'bookmark', href: `${computeUrl}/servers/${id}` }
  ]
}

export function serverBriefView (s: ServerRow, computeUrl: string): Record<string, unknown> {
  return { id: s.id, links: serverLinks(s.id, computeUrl), name: s.name }
}

export function serverAddresses (s: ServerRow): Record<string, unknown[]> {
  const addresses: Record<string, unknown[]> = {}
  for (const nic of s.nics) {
    const list = addresses[nic.networkName] ?? []
    for (const ip of nic.fixedIps) {
      list.push({ version: ip.version, addr: ip.ipAddress, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': nic.macAddress })
    }
    addresses[nic.networkName] = list
  }
  return addresses
}

export function serverDetailView (s: ServerRow, options: ServerViewOptions): Record<string, unknown> {
  const { computeUrl, version, isAdmin } = options
  const at = (v: string): boolean => isAtLeast(version, v)
  const status = serverStatus(s.vmState, s.taskState)
  const view: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: s.hostId,
    image: s.imageId === null ? '' : { id: s.imageId, links: [{ rel: 'bookmark', href: `${computeUrl}/images/${s.imageId}` }] },
    flavor: at('2.47')
      ? {
          vcpus: s.flavor.vcpus,
          ram: s.flavor.ramMb,
          disk: s.flavor.diskGb,
          ephemeral: s.flavor.ephemeralGb,
          swap: s.flavor.swapMb,
          original_name: s.flavor.name,
          extra_specs: s.flavor.extraSpecs
        }
      : { id: s.flavor.id, links: [{ rel: 'bookmark', href: `${computeUrl}/flavors/${s.flavor.id}` }] },
    created: isoSecondsZ(s.createdAtMs),
    updated: isoSecondsZ(s.updatedAtMs),
    addresses: serverAddresses(s),
    accessIPv4: s.accessIPv4,
    accessIPv6: s.accessIPv6,
    links: serverLinks(s.id, computeUrl),
    'OS-DCF:diskConfig': s.diskConfig
  }
  if (['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING'].includes(status)) view.progress = 0
  view['OS-EXT-AZ:availability_zone'] = s.availabilityZone
  view.config_drive = s.configDrive
  view.key_name = s.keyName
  view['OS-SRV-USG:launched_at'] = s.launchedAtMs === null ? null : isoMicrosNaive(s.launchedAtMs)
  view['OS-SRV-USG:terminated_at'] = s.terminatedAtMs === null ? null : isoMicrosNaive(s.terminatedAtMs)
  if (s.securityGroups.length > 0) view.security_groups = s.securityGroups.map(name => ({ name }))
  view['OS-EXT-STS:task_state'] = s.taskState
  view['OS-EXT-STS:vm_state'] = s.vmState
  view['OS-EXT-STS:power_state'] = s.powerState
  view['os-extended-volumes:volumes_attached'] = []
  if (isAdmin) {
    view['OS-EXT-SRV-ATTR:host'] = s.host
    view['OS-EXT-SRV-ATTR:instance_name'] = `instance-${s.internalId.toString(16).padStart(8, '0')}`
    view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = s.host
    if (at('2.3')) {
      view['OS-EXT-SRV-ATTR:reservation_id'] = s.reservationId
      view['OS-EXT-SRV-ATTR:launch_index'] = s.launchIndex
      view['OS-EXT-SRV-ATTR:hostname'] = s.hostname
      view['OS-EXT-SRV-ATTR:kernel_id'] = ''
      view['OS-EXT-SRV-ATTR:ramdisk_id'] = ''
      view['OS-EXT-SRV-ATTR:root_device_name'] = s.host === null ? null : '/dev/vda'
      view['OS-EXT-SRV-ATTR:user_data'] = s.userData
    }
  }
  if (s.fault !== null && (status === 'ERROR' || status === 'DELETED')) {
    const fault: Record<string, unknown> = { code: s.fault.code, created: isoSecondsZ(s.fault.createdAtMs), message: s.fault.message }
    if (isAdmin || s.fault.code !== 500) fault.details = s.fault.details
    view.fault = fault
  }
  if (at('2.9')) view.locked = s.locked
  if (at('2.16') && isAdmin) view.host_status = s.host === null ? '' : 'UP'
  if (at('2.19')) view.description = s.description
  if (at('2.26')) view.tags = s.tags
  if (at('2.63')) view.trusted_image_certificates = null
  if (at('2.71') && options.single) view.server_groups = []
  if (at('2.73')) view.locked_reason = s.lockedReason
  return view
}
