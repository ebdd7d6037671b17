import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mv } from '../openstack/microversion.ts'
import { downCloudletServers, downRecordsWanted, downServerShow } from './down-cloudlet.ts'

const AGENT = 'http://127.0.0.1:8000/compute'
const known = [{ id: 's2', projectId: 'p1', createdAtMs: Date.UTC(2026, 10, 25, 11, 52, 21) }, { id: 's1', projectId: 'p1', createdAtMs: null }]
const links = (id: string): unknown => [{ rel: 'self', href: `${AGENT}/v2.1/servers/${id}` }, { rel: 'bookmark', href: `${AGENT}/servers/${id}` }]

describe('down-cloudlet records', () => {
  it('are given from 2.69 for a plain list, by id', () => {
    assert.deepEqual(downCloudletServers(new URLSearchParams(''), mv('2.69'), known, AGENT), [
      { id: 's1', status: 'UNKNOWN', tenant_id: 'p1', links: links('s1') },
      { id: 's2', status: 'UNKNOWN', tenant_id: 'p1', created: '2026-11-25T11:52:21Z', links: links('s2') }
    ])
  })

  it('are not given below 2.69, with paging or sorting, or with a filter other than all_tenants', () => {
    assert.equal(downCloudletServers(new URLSearchParams(''), mv('2.68'), known, AGENT).length, 0)
    for (const query of ['limit=5', 'marker=s1', 'sort_key=display_name', 'sort_dir=asc', 'name=web', 'all_tenants=1&status=ACTIVE']) {
      assert.equal(downRecordsWanted(new URLSearchParams(query), mv('2.90')), false, query)
    }
    assert.equal(downRecordsWanted(new URLSearchParams('all_tenants=1'), mv('2.90')), true)
  })

  it('for GET /servers/{id} add image, flavor, zone, power state, user and server groups', () => {
    const record = downServerShow({ ...known[0]!, userId: null, image: '', availabilityZone: null }, AGENT, mv('2.71'))
    assert.deepEqual(record, {
      id: 's2', status: 'UNKNOWN', tenant_id: 'p1', created: '2026-11-25T11:52:21Z', links: links('s2'),
      image: '', 'OS-EXT-AZ:availability_zone': 'UNKNOWN', 'OS-EXT-STS:power_state': 0, user_id: 'UNKNOWN', server_groups: []
    })
  })
})
