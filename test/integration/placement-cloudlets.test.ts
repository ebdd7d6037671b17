/**
 * Placement end to end over loopback HTTP (issue 4), without the service proxy yet: four agents,
 * each in front of an emulated cloudlet of its own size, with its load read from the cloudlet's
 * Placement API. Servers asked for through different agents are placed by P2C, created on the
 * chosen cloudlet's Nova, and counted there by Placement (test/fixtures/placement-cluster.ts).
 *
 * Checks: every server exists on the cloudlet placement chose, in the zone asked for; nothing
 * stays reserved once the servers landed; utilization stays balanced across unequal sizes (a
 * loose bound: this is a test, the measurement is bench/placement-e2e.ts); a flavor no cloudlet
 * can hold answers no-valid-host.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { M1_SMALL, startPlacementCluster } from '../fixtures/placement-cluster.ts'
import type { ClusterMember, CreatedServer, PlacementCluster } from '../fixtures/placement-cluster.ts'

describe('placement over agents in front of emulated cloudlets', () => {
  let cluster: PlacementCluster

  before(async () => {
    cluster = await startPlacementCluster([
      { name: 'small', availabilityZone: 'az-1', hosts: { count: 1, vcpus: 8, ramMb: 16_384, diskGb: 200 } },
      { name: 'medium', availabilityZone: 'az-1', hosts: { count: 2, vcpus: 8, ramMb: 16_384, diskGb: 200 } },
      { name: 'large', availabilityZone: 'az-2', hosts: { count: 4, vcpus: 8, ramMb: 16_384, diskGb: 200 } },
      { name: 'other', availabilityZone: 'az-2', hosts: { count: 1, vcpus: 8, ramMb: 16_384, diskGb: 200 } }
    ])
  })

  after(async () => { await cluster.stop() })

  it('creates 32 servers through every agent on cloudlets that hold them, balanced by utilization', async () => {
    const created: CreatedServer[] = []
    for (let wave = 0; wave < 8; wave++) {
      created.push(...await Promise.all(cluster.members.map(async via => await cluster.createServer(via, M1_SMALL))))
      // Each agent reads its cloudlet's Placement again before the next wave: the balance below
      // is P2C's, not how soon a busy machine's background reads caught up with the last wave.
      await cluster.utilizations()
    }
    for (const c of created) {
      assert.equal(c.kind, 'created', JSON.stringify(c.outcome))
      if (c.kind !== 'created') continue
      const found = await fetch(`${c.member.cloudlet.url}/compute/v2.1/servers/${c.serverId}`, { headers: { 'x-auth-token': c.member.token } })
      assert.equal(found.status, 200, `${c.serverId} is not on ${c.member.spec.name}`)
    }
    assert.ok(cluster.members.every(m => m.agent.placement.reserved().vcpus === 0), 'capacity stayed reserved')
    // 32 × 20 GB over 8 hosts × 200 GB: 40 % on average; no cloudlet may run far ahead.
    const utilizations = await cluster.utilizations()
    const values = [...utilizations.values()]
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    assert.ok(Math.max(...values) <= mean + 0.3, `utilizations ${JSON.stringify(Object.fromEntries(utilizations))}`)
  })

  it('keeps to the availability zone', async () => {
    const via = cluster.members[0] as ClusterMember
    for (let i = 0; i < 4; i++) {
      const c = await cluster.createServer(via, M1_SMALL, { availabilityZone: 'az-2' })
      assert.equal(c.kind === 'created' ? c.member.spec.availabilityZone : 'not created', 'az-2')
    }
  })

  it('answers no-valid-host for a flavor no cloudlet can hold', async () => {
    const c = await cluster.createServer(cluster.members[1] as ClusterMember, { id: 'none', resources: { vcpus: 1, memoryMb: 1_000_000, diskGb: 1 } })
    assert.equal(c.kind, 'no-valid-host')
  })
})
