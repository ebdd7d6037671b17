/**
 * From a create body to a PlacementRequest: the flavor's claim times max_count, the zone,
 * labels and latency bound, and affinity resolved to agents through stand-in location lookups
 * (the location cache comes later). Bodies go through serverPlacementHints first, as in the agent.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OpenStackFault } from '../openstack/faults.ts'
import { mv } from '../openstack/microversion.ts'
import { serverPlacementHints } from '../openstack/compute/server-placement-hints.ts'
import type { FlavorSizes } from '../openstack/compute/flavors/flavor-resources.ts'
import { agentId } from '../protocol/cyclon/peer-descriptor.ts'
import type { AgentId } from '../protocol/cyclon/peer-descriptor.ts'
import { placementRequestFromCreate } from './placement-request-from-create.ts'
import type { CreateLocations, CreatePlacement, ServerGroupInfo } from './placement-request-from-create.ts'

const IMAGE = 'e48f362c-1352-4a11-9c0d-3a79dfc4158e'
const id = (n: number): string => `6e1b4f8e-0000-4000-8000-${String(n).padStart(12, '0')}`
const GROUP = '7a3c2b1d-0000-4000-8000-0000000000aa'
const A = agentId('agent-a')
const B = agentId('agent-b')
const C = agentId('agent-c')

const SMALL: FlavorSizes = { vcpus: 1, ramMb: 2048, rootGb: 20, ephemeralGb: 0, swapMb: 0, extraSpecs: {} }

/** Servers 1–2 on A, 3 on B, 4–5 on C; 9 nowhere. Hosts h-a on A, h-b on B. */
const SERVERS: Record<string, AgentId> = { [id(1)]: A, [id(2)]: A, [id(3)]: B, [id(4)]: C, [id(5)]: C }
const HOSTS: Record<string, AgentId> = { 'h-a': A, 'h-b': B }

function locations (group?: ServerGroupInfo): CreateLocations {
  return {
    server: async serverId => SERVERS[serverId] ?? null,
    host: name => HOSTS[name] ?? null,
    serverGroup: groupId => groupId === GROUP && group !== undefined ? group : null
  }
}

async function plan (server: Record<string, unknown>, hints?: Record<string, unknown>, options: { group?: ServerGroupInfo, version?: string, flavor?: FlavorSizes, differentHostScope?: 'cloudlet' | 'host' } = {}): Promise<CreatePlacement> {
  const body = { server: { name: 'vm', imageRef: IMAGE, flavorRef: '2', networks: 'none', ...server }, ...(hints !== undefined ? { 'os:scheduler_hints': hints } : {}) }
  const parsed = serverPlacementHints(body, mv(options.version ?? '2.37'))
  return await placementRequestFromCreate(parsed, options.flavor ?? SMALL, locations(options.group), options.differentHostScope === undefined ? {} : { differentHostScope: options.differentHostScope })
}

function placed (result: CreatePlacement) {
  assert.equal(result.kind, 'place', JSON.stringify(result))
  return result as Extract<CreatePlacement, { kind: 'place' }>
}

function noValidHost (result: CreatePlacement): void {
  assert.deepEqual(result, { kind: 'no-valid-host', message: 'No valid host was found. There are not enough hosts available.' })
}

const group = (policy: ServerGroupInfo['policy'], members: string[], rules?: ServerGroupInfo['rules']): ServerGroupInfo =>
  ({ policy, members, ...(rules !== undefined ? { rules } : {}) })

describe('placementRequestFromCreate', () => {
  it('asks for the flavor’s claim times max_count, with no requirement by default', async () => {
    const result = placed(await plan({ min_count: 1, max_count: 3 }))
    assert.deepEqual(result.request, { resources: { vcpus: 3, memoryMb: 6144, diskGb: 60 }, requirements: {} })
    assert.equal(result.fallback, null)
    assert.equal(result.zoneMustExist, false)
  })

  it('claims disk as Nova does: ephemeral and swap in, the root out when booting from a volume', async () => {
    const flavor = { ...SMALL, ephemeralGb: 5, swapMb: 1536 }
    assert.deepEqual(placed(await plan({}, undefined, { flavor })).request.resources, { vcpus: 1, memoryMb: 2048, diskGb: 27 })
    const bfv = { imageRef: '', block_device_mapping_v2: [{ boot_index: 0, uuid: id(7), source_type: 'volume', destination_type: 'volume' }] }
    assert.deepEqual(placed(await plan(bfv, undefined, { flavor })).request.resources, { vcpus: 1, memoryMb: 2048, diskGb: 7 })
  })

  it('carries the zone, labels and latency bound', async () => {
    const result = placed(await plan({ availability_zone: 'az1' }, { 'p2pstack:labels': ['country=se', 'site=a'], 'p2pstack:max_rtt_ms': '20' }))
    assert.deepEqual(result.request.requirements, { availabilityZone: 'az1', labels: { country: 'se', site: 'a' }, maxRttMs: 20 })
    assert.equal(result.zoneMustExist, true)
  })

  it('sends a server forced onto a host to that host’s agent, with no zone requirement', async () => {
    const result = placed(await plan({ availability_zone: 'az1:h-b' }))
    assert.deepEqual(result.request.requirements, { sameAgent: B })
    assert.equal(result.zoneMustExist, false)
    assert.deepEqual(placed(await plan({ availability_zone: 'az1::h-a' })).request.requirements, { sameAgent: A })
    assert.deepEqual(placed(await plan({ host: 'h-a' }, undefined, { version: '2.74' })).request.requirements, { sameAgent: A })
  })

  it('answers a forced host that exists nowhere as Nova does: No valid host, or 400 for 2.74’s host', async () => {
    noValidHost(await plan({ availability_zone: 'az1:nowhere' }))
    await assert.rejects(plan({ host: 'nowhere' }, undefined, { version: '2.74' }), (e: unknown) =>
      e instanceof OpenStackFault && e.status === 400 && e.message === 'Compute host nowhere could not be found.')
  })

  it('maps same_host to the agent holding the servers, the one holding most when they are spread', async () => {
    assert.deepEqual(placed(await plan({}, { same_host: id(3) })).request.requirements, { sameAgent: B })
    assert.deepEqual(placed(await plan({}, { same_host: [id(3), id(4), id(5), id(9)] })).request.requirements, { sameAgent: C })
    assert.deepEqual(placed(await plan({}, { same_host: [id(3), id(1)] })).request.requirements, { sameAgent: B }, 'a tie goes to the first named')
  })

  it('has no valid host for same_host servers that exist nowhere, or rules that leave no agent', async () => {
    noValidHost(await plan({}, { same_host: id(9) }))
    noValidHost(await plan({}, { same_host: id(1), different_host: id(2) }))
    noValidHost(await plan({ availability_zone: 'az1:h-a' }, { same_host: id(3) }))
  })

  it('reads different_host as another cloudlet by default, and leaves it to the cloudlet with scope host', async () => {
    assert.deepEqual(placed(await plan({}, { different_host: [id(1), id(3), id(9)] })).request.requirements, { notAgents: [A, B] })
    assert.deepEqual(placed(await plan({}, { different_host: [id(1)] }, { differentHostScope: 'host' })).request.requirements, {})
    assert.deepEqual(placed(await plan({}, { same_host: [id(1), id(3)], different_host: id(2) })).request.requirements, { sameAgent: B })
  })

  it('answers an unknown server group with Nova’s 400', async () => {
    await assert.rejects(plan({}, { group: GROUP }), (e: unknown) => e instanceof OpenStackFault && e.status === 400 && e.message === `Instance group ${GROUP} could not be found.`)
  })

  it('keeps a hard affinity group on its members’ agent, and a new group anywhere', async () => {
    assert.deepEqual(placed(await plan({}, { group: GROUP }, { group: group('affinity', [id(4), id(9)]) })).request.requirements, { sameAgent: C })
    assert.deepEqual(placed(await plan({}, { group: GROUP }, { group: group('affinity', []) })).request.requirements, {})
    noValidHost(await plan({}, { group: GROUP, same_host: id(1) }, { group: group('affinity', [id(4)]) }))
  })

  it('keeps a hard anti-affinity group off agents that hold max_server_per_host members', async () => {
    assert.deepEqual(placed(await plan({}, { group: GROUP }, { group: group('anti-affinity', [id(1), id(3)]) })).request.requirements, { notAgents: [A, B] })
    assert.deepEqual(placed(await plan({}, { group: GROUP }, { group: group('anti-affinity', [id(1), id(2), id(3)], { max_server_per_host: 2 }) })).request.requirements, { notAgents: [A] })
    noValidHost(await plan({}, { group: GROUP, same_host: id(3) }, { group: group('anti-affinity', [id(3)]) }))
  })

  it('tries the members’ agent first for soft-affinity, then anywhere', async () => {
    const result = placed(await plan({ availability_zone: 'az1' }, { group: GROUP }, { group: group('soft-affinity', [id(1), id(4), id(5)]) }))
    assert.deepEqual(result.request.requirements, { availabilityZone: 'az1', sameAgent: C })
    assert.deepEqual(result.fallback?.requirements, { availabilityZone: 'az1' })
    assert.deepEqual(result.fallback?.resources, result.request.resources)
    const none = placed(await plan({}, { group: GROUP }, { group: group('soft-affinity', [id(9)]) }))
    assert.deepEqual([none.request.requirements, none.fallback], [{}, null], 'no member placed yet: no preference')
  })

  it('tries agents without members first for soft-anti-affinity, then anywhere', async () => {
    const result = placed(await plan({}, { group: GROUP, different_host: id(4) }, { group: group('soft-anti-affinity', [id(1), id(3)]) }))
    assert.deepEqual(result.request.requirements, { notAgents: [C, A, B] })
    assert.deepEqual(result.fallback?.requirements, { notAgents: [C] })
    const forced = placed(await plan({ availability_zone: 'az1:h-a' }, { group: GROUP }, { group: group('soft-anti-affinity', [id(1)]) }))
    assert.deepEqual([forced.request.requirements, forced.fallback], [{ sameAgent: A }, null], 'a forced host wins over a soft preference')
  })

  it('resolves each server once, concurrently', async () => {
    const asked: string[] = []
    const hints = serverPlacementHints({ server: { name: 'vm', imageRef: IMAGE, flavorRef: '2', networks: 'none' }, 'os:scheduler_hints': { same_host: [id(1), id(3)], different_host: [id(3)], group: GROUP } }, mv('2.37'))
    await placementRequestFromCreate(hints, SMALL, {
      server: async serverId => { asked.push(serverId); return SERVERS[serverId] ?? null },
      serverGroup: () => group('soft-affinity', [id(1)])
    }, { differentHostScope: 'host' })
    assert.deepEqual(asked.sort(), [id(1), id(3)])
  })
})
