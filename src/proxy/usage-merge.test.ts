import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mergeTenantUsage, mergeTenantUsageLists } from './usage-merge.ts'

const server = (id: string, started: string, hours: number): Record<string, unknown> => ({
  instance_id: id, name: id, hours, memory_mb: 512, local_gb: 1, vcpus: 1, tenant_id: 'p1', flavor: 'm1.tiny', started_at: started, ended_at: null, state: 'active', uptime: 3600
})
const usage = (tenant: string, hours: number, servers?: Array<Record<string, unknown>>): Record<string, unknown> => ({
  tenant_id: tenant, total_hours: hours, total_vcpus_usage: hours, total_memory_mb_usage: hours * 512, total_local_gb_usage: hours,
  start: '2026-11-24T12:00:00.000000', stop: '2026-11-25T12:00:00.000000', ...(servers === undefined ? {} : { server_usages: servers })
})

describe('usage merge', () => {
  it('adds up one project across cloudlets and concatenates its servers', () => {
    const body = mergeTenantUsage([
      usage('p1', 2, [server('s2', '2026-11-25T10:00:00.000000', 2)]),
      {},
      usage('p1', 3, [server('s1', '2026-11-25T09:00:00.000000', 3)])
    ])
    assert.equal(body.tenant_usage.total_hours, 5)
    assert.equal(body.tenant_usage.total_memory_mb_usage, 2560)
    assert.deepEqual((body.tenant_usage.server_usages as Array<{ instance_id: string }>).map(s => s.instance_id), ['s1', 's2'])
    assert.deepEqual(mergeTenantUsage([{}, {}]), { tenant_usage: {} })
  })

  it('groups the admin list by project', () => {
    const body = mergeTenantUsageLists([[usage('p2', 1), usage('p1', 1)], [usage('p1', 4)]])
    assert.deepEqual(body.tenant_usages.map(u => [u.tenant_id, u.total_hours, 'server_usages' in u]), [['p1', 5, false], ['p2', 1, false]])
  })
})
