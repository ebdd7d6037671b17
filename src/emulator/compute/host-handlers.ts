/**
 * The operator's views of the cloudlet's compute: availability zones, hypervisors (one per
 * host, with Placement's numbers; statistics below 2.88), compute services, and the simple
 * tenant usage that `openstack usage list` reads.
 */
import { jsonResponse } from '../../core/http.ts'
import { BadRequest, NotFound } from '../../openstack/faults.ts'
import type { ResourceProviderRow } from '../../openstack/placement/model.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import { isoMicrosNaive, parseIsoTimestamp } from '../../openstack/timestamps.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { callerProject, requireAdmin } from './compute-deps.ts'

export function hostHandlers (deps: ComputeDeps): Record<string, RouteHandler> {
  const { state, placement } = deps
  const updatedAt = (): string => isoMicrosNaive(deps.clock.wallClockMs())
  const hosts = (): ResourceProviderRow[] => placement.providerList()
  /** Integer ids below 2.53, the compute node's UUID from 2.53 (Nova's compute node UUID is its provider's). */
  const hypervisorId = (context: RequestContext, rp: ResourceProviderRow): string | number =>
    isAtLeast(context.microversion, '2.53') ? rp.id : hosts().indexOf(rp) + 1
  const serviceId = (context: RequestContext, rp: ResourceProviderRow): string | number =>
    isAtLeast(context.microversion, '2.53') ? derivedUuid(deps, `service:${rp.id}`) : hosts().indexOf(rp) + 3

  const hypervisorDetail = (context: RequestContext, rp: ResourceProviderRow): Record<string, unknown> => {
    const used = placement.usageOf(rp.id)
    const running = state.liveServers().filter(s => s.host === rp.name).length
    const memoryUsed = used.MEMORY_MB + rp.inventories.MEMORY_MB.reserved
    const view: Record<string, unknown> = {
      id: hypervisorId(context, rp),
      hypervisor_hostname: rp.name,
      state: 'up',
      status: 'enabled',
      vcpus: rp.inventories.VCPU.total,
      memory_mb: rp.inventories.MEMORY_MB.total,
      local_gb: rp.inventories.DISK_GB.total,
      vcpus_used: used.VCPU,
      memory_mb_used: memoryUsed,
      local_gb_used: used.DISK_GB,
      hypervisor_type: 'fake',
      hypervisor_version: 1000,
      free_ram_mb: rp.inventories.MEMORY_MB.total - memoryUsed,
      free_disk_gb: rp.inventories.DISK_GB.total - used.DISK_GB,
      current_workload: 0,
      running_vms: running,
      cpu_info: '{"arch": "x86_64", "model": "Nehalem", "vendor": "Intel", "topology": {"cores": 1, "threads": 1, "sockets": 1}}',
      disk_available_least: rp.inventories.DISK_GB.total - used.DISK_GB,
      host_ip: '127.0.0.1',
      service: { host: rp.name, id: serviceId(context, rp), disabled_reason: null }
    }
    if (isAtLeast(context.microversion, '2.53') && withServers(context)) view.servers = serversOn(rp)
    return view
  }
  const withServers = (context: RequestContext): boolean => ['true', '1', 'yes'].includes((context.query.get('with_servers') ?? '').toLowerCase())
  const serversOn = (rp: ResourceProviderRow): unknown[] =>
    state.liveServers().filter(s => s.host === rp.name).map(s => ({ uuid: s.id, name: `instance-${s.internalId.toString(16).padStart(8, '0')}` }))
  const findHypervisor = (context: RequestContext): ResourceProviderRow => {
    const id = context.param('hypervisor_id')
    const rp = hosts().find(h => String(hypervisorId(context, h)) === id)
    if (rp === undefined) throw new NotFound(`Hypervisor with ID ${id} could not be found.`)
    return rp
  }
  const hypervisorList = (context: RequestContext): ResourceProviderRow[] => {
    const pattern = context.query.get('hypervisor_hostname_pattern')
    return hosts().filter(rp => pattern === null || rp.name.includes(pattern))
  }

  return {
    'availability-zones:list': () => jsonResponse(200, {
      availabilityZoneInfo: [{ zoneName: deps.settings.availabilityZone, zoneState: { available: true }, hosts: null }]
    }),
    'availability-zones:detail': context => {
      requireAdmin(context, 'os_compute_api:os-availability-zone:detail')
      const service = { available: true, active: true, updated_at: updatedAt() }
      const computeHosts: Record<string, unknown> = {}
      for (const rp of hosts()) computeHosts[rp.name] = { 'nova-compute': service }
      return jsonResponse(200, {
        availabilityZoneInfo: [
          { zoneName: 'internal', zoneState: { available: true }, hosts: { controller: { 'nova-conductor': service, 'nova-scheduler': service } } },
          { zoneName: deps.settings.availabilityZone, zoneState: { available: true }, hosts: computeHosts }
        ]
      })
    },

    'hypervisors:list': context => {
      requireAdmin(context, 'os_compute_api:os-hypervisors:list')
      return jsonResponse(200, {
        hypervisors: hypervisorList(context).map(rp => ({
          id: hypervisorId(context, rp),
          hypervisor_hostname: rp.name,
          state: 'up',
          status: 'enabled',
          ...(isAtLeast(context.microversion, '2.53') && withServers(context) ? { servers: serversOn(rp) } : {})
        }))
      })
    },
    'hypervisors:detail': context => {
      requireAdmin(context, 'os_compute_api:os-hypervisors:list-detail')
      return jsonResponse(200, { hypervisors: hypervisorList(context).map(rp => hypervisorDetail(context, rp)) })
    },
    'hypervisors:show': context => {
      requireAdmin(context, 'os_compute_api:os-hypervisors:show')
      return jsonResponse(200, { hypervisor: hypervisorDetail(context, findHypervisor(context)) })
    },
    'hypervisors:statistics': context => {
      requireAdmin(context, 'os_compute_api:os-hypervisors:statistics')
      if (isAtLeast(context.microversion, '2.88')) throw new NotFound('The resource could not be found.')
      const totals = { count: 0, vcpus: 0, vcpus_used: 0, memory_mb: 0, memory_mb_used: 0, free_ram_mb: 0, local_gb: 0, local_gb_used: 0, free_disk_gb: 0, disk_available_least: 0, running_vms: 0, current_workload: 0 }
      for (const rp of hosts()) {
        const d = hypervisorDetail(context, rp) as Record<string, number>
        totals.count++
        for (const key of Object.keys(totals) as Array<keyof typeof totals>) if (key !== 'count') totals[key] += d[key] ?? 0
      }
      return jsonResponse(200, { hypervisor_statistics: totals })
    },
    'services:list': context => {
      requireAdmin(context, 'os_compute_api:os-services:list')
      const row = (id: string | number, binary: string, host: string, zone: string): Record<string, unknown> => ({
        id, binary, disabled_reason: null, host, state: 'up', status: 'enabled', updated_at: updatedAt(), zone,
        ...(isAtLeast(context.microversion, '2.11') ? { forced_down: false } : {})
      })
      const uuids = isAtLeast(context.microversion, '2.53')
      const services = [
        row(uuids ? derivedUuid(deps, 'service:conductor') : 1, 'nova-conductor', 'controller', 'internal'),
        row(uuids ? derivedUuid(deps, 'service:scheduler') : 2, 'nova-scheduler', 'controller', 'internal'),
        ...hosts().map(rp => row(serviceId(context, rp), 'nova-compute', rp.name, deps.settings.availabilityZone))
      ]
      const binary = context.query.get('binary')
      const host = context.query.get('host')
      return jsonResponse(200, { services: services.filter(s => (binary === null || s.binary === binary) && (host === null || s.host === host)) })
    },

    'usage:list': context => {
      requireAdmin(context, 'os_compute_api:os-simple-tenant-usage:list')
      const { start, end } = period(context)
      const detailed = ['1', 'true'].includes((context.query.get('detailed') ?? '').toLowerCase())
      const projects = [...new Set(state.servers.filter(s => overlaps(s, start, end)).map(s => s.projectId))]
      return jsonResponse(200, { tenant_usages: projects.map(p => tenantUsage(deps, p, start, end, detailed)) })
    },
    'usage:show': context => {
      const projectId = context.param('project_id')
      if (!context.isAdmin && projectId !== callerProject(context)) requireAdmin(context, 'os_compute_api:os-simple-tenant-usage:show')
      const { start, end } = period(context)
      return jsonResponse(200, { tenant_usage: state.servers.find(s => s.projectId === projectId && overlaps(s, start, end)) !== undefined ? tenantUsage(deps, projectId, start, end, true) : {} })
    }
  }

  function period (context: RequestContext): { start: number, end: number } {
    const now = deps.clock.wallClockMs()
    const parse = (name: string, fallback: number): number => {
      const value = context.query.get(name)
      if (value === null) return fallback
      const ms = parseIsoTimestamp(value)
      if (ms === null) throw new BadRequest(`Invalid ${name} time. The ${name} time must be in the format %Y-%m-%dT%H:%M:%S.%f.`)
      return ms
    }
    const end = parse('end', now)
    const start = parse('start', end - 24 * 3_600_000)
    if (start > end) throw new BadRequest('Invalid start time. The start time cannot occur after the end time.')
    return { start, end }
  }
}

function overlaps (s: { createdAtMs: number, deletedAtMs: number | null }, start: number, end: number): boolean {
  return s.createdAtMs <= end && (s.deletedAtMs === null || s.deletedAtMs >= start)
}

function tenantUsage (deps: ComputeDeps, projectId: string, start: number, end: number, detailed: boolean): Record<string, unknown> {
  const servers = deps.state.servers.filter(s => s.projectId === projectId && overlaps(s, start, end))
  let hours = 0
  let vcpuHours = 0
  let memoryHours = 0
  let diskHours = 0
  const usages = servers.map(s => {
    const from = Math.max(start, s.createdAtMs)
    const to = Math.min(end, s.deletedAtMs ?? end)
    const h = Math.max(0, to - from) / 3_600_000
    hours += h
    vcpuHours += h * s.flavor.vcpus
    memoryHours += h * s.flavor.ramMb
    diskHours += h * s.flavor.diskGb
    return {
      instance_id: s.id, name: s.name, hours: h, memory_mb: s.flavor.ramMb, local_gb: s.flavor.diskGb, vcpus: s.flavor.vcpus,
      tenant_id: projectId, flavor: s.flavor.name, started_at: isoMicrosNaive(s.createdAtMs),
      ended_at: s.deletedAtMs === null ? null : isoMicrosNaive(s.deletedAtMs),
      state: s.vmState === 'deleted' ? 'terminated' : s.vmState, uptime: Math.floor((end - s.createdAtMs) / 1000)
    }
  })
  return {
    tenant_id: projectId,
    total_hours: hours,
    total_vcpus_usage: vcpuHours,
    total_memory_mb_usage: memoryHours,
    total_local_gb_usage: diskHours,
    start: isoMicrosNaive(start),
    stop: isoMicrosNaive(end),
    ...(detailed ? { server_usages: usages } : {})
  }
}

/** A stable UUID derived from a name (for ids Nova keeps that this emulator need not store). */
function derivedUuid (deps: ComputeDeps, name: string): string {
  const hash = deps.hashing.create('sha1')
  hash.update(new TextEncoder().encode(name))
  const hex = hash.digestHex()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
