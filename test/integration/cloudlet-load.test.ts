/**
 * The agent's reading of a cloudlet's load, end to end over loopback HTTP: a real emulated
 * cloudlet process, the runtime's undici client, the admin's Keystone token and Placement's
 * endpoint from the catalog. Servers booted and deleted through Nova move `used`; capacity is
 * what the cloudlet's hosts, allocation ratios and reserved amounts make it; the flavor's claim
 * is what flavor-resources.ts computes, swap and ephemeral disk included.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CloudletLoadReader } from '../../src/agent/cloudlet-load-reader.ts'
import { startCloudletProcess } from '../../src/agent/cloudlet-process.ts'
import type { RunningCloudlet } from '../../src/agent/cloudlet-process.ts'
import { KeystonePasswordTokenSource } from '../../src/agent/keystone-token-source.ts'
import { httpRequest, readBody } from '../../src/core/http.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { DEFAULT_CLOUDLET_CONFIG } from '../../src/emulator/cloudlet-config.ts'
import type { CloudletConfig } from '../../src/emulator/cloudlet-config.ts'
import { flavorPlacementResources } from '../../src/openstack/compute/flavors/flavor-resources.ts'
import { createHttpClient } from '../../src/runtime/http-client.ts'
import { SystemClock } from '../../src/runtime/system-clock.ts'

const CONFIG: CloudletConfig = {
  ...DEFAULT_CLOUDLET_CONFIG,
  name: 'edge',
  transitionDelayMs: 0,
  hosts: { count: 2, vcpus: 6, ramMb: 12_288, diskGb: 120 },
  allocationRatios: { vcpu: 4, ramMb: 1.5, diskGb: 1 },
  reserved: { ramMb: 1024, diskGb: 20 }
}
/** 2 × 6 × 4; 2 × (12288 − 1024) × 1.5; 2 × (120 − 20). */
const CAPACITY = { vcpus: 48, memoryMb: 33_792, diskGb: 200 }

describe('a cloudlet’s load over HTTP', () => {
  let cloud: RunningCloudlet
  const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 5_000 })
  let tokens: KeystonePasswordTokenSource
  let reader: CloudletLoadReader
  let image: string

  const call = async (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) => {
    const response = await http(httpRequest(method, `${cloud.url}${path}`, {
      headers: { 'x-auth-token': await tokens.token(), 'content-type': 'application/json', ...headers },
      body: json === undefined ? null : typeof json === 'string' || json instanceof Uint8Array ? json : JSON.stringify(json)
    }))
    const text = new TextDecoder().decode(await readBody(response.body))
    return { status: response.status, text, json: () => JSON.parse(text) }
  }
  const boot = async (flavorRef: string): Promise<string> => {
    const r = await call('POST', '/compute/v2.1/servers', { server: { name: 'vm', imageRef: image, flavorRef, networks: 'none' } }, { 'openstack-api-version': 'compute 2.37' })
    assert.equal(r.status, 202, r.text)
    return r.json().server.id as string
  }
  const status = async (id: string): Promise<string> => (await call('GET', `/compute/v2.1/servers/${id}`)).json().server.status as string

  before(async () => {
    cloud = await startCloudletProcess({ host: '127.0.0.1', port: 0, config: CONFIG, stateFile: null, logger: silentLogger })
    tokens = new KeystonePasswordTokenSource(http, new SystemClock(), { authUrl: `${cloud.url}/identity`, user: 'admin', password: 'secret', project: 'admin' })
    reader = new CloudletLoadReader({ http, tokens, placementUrl: await tokens.endpoint('placement'), timeoutMs: 5_000 })
    const created = await call('POST', '/image/v2/images', { name: 'img', disk_format: 'raw', container_format: 'bare', visibility: 'public' })
    image = created.json().id as string
    const upload = await call('PUT', `/image/v2/images/${image}/file`, new Uint8Array(512), { 'content-type': 'application/octet-stream' })
    assert.equal(upload.status, 204, upload.text)
  })

  after(async () => {
    await cloud.stop()
    await http.close()
  })

  it('finds Placement through the catalog and reads the capacity the hosts make', async () => {
    const load = await reader.read()
    assert.deepEqual(load, {
      vcpus: { capacity: CAPACITY.vcpus, used: 0 },
      memoryMb: { capacity: CAPACITY.memoryMb, used: 0 },
      diskGb: { capacity: CAPACITY.diskGb, used: 0 }
    })
  })

  it('sees used go up as servers boot through Nova, and down as they are deleted', async () => {
    const ids = [await boot('2'), await boot('2'), await boot('3')]
    for (const id of ids) assert.equal(await status(id), 'ACTIVE')
    // m1.small ×2 (1 vCPU, 2048 MB, 20 GB) and m1.medium (2 vCPUs, 4096 MB, 40 GB).
    let load = await reader.read()
    assert.deepEqual([load.vcpus.used, load.memoryMb.used, load.diskGb.used], [4, 8192, 80])
    assert.equal(load.vcpus.capacity, CAPACITY.vcpus)

    assert.equal((await call('DELETE', `/compute/v2.1/servers/${ids[2] as string}`)).status, 204)
    assert.equal((await call('GET', `/compute/v2.1/servers/${ids[2] as string}`)).status, 404)
    load = await reader.read()
    assert.deepEqual([load.vcpus.used, load.memoryMb.used, load.diskGb.used], [2, 4096, 40])
    for (const id of ids.slice(0, 2)) await call('DELETE', `/compute/v2.1/servers/${id}`)
  })

  it('counts a flavor’s ephemeral disk and swap (rounded up to GB) as Nova claims them', async () => {
    const flavor = await call('POST', '/compute/v2.1/flavors', { flavor: { name: 'eph', id: 'eph', ram: 1000, vcpus: 3, disk: 10, swap: 1536, 'OS-FLV-EXT-DATA:ephemeral': 5 } })
    assert.equal(flavor.status, 200, flavor.text)
    const id = await boot('eph')
    assert.equal(await status(id), 'ACTIVE')
    const load = await reader.read()
    const claim = flavorPlacementResources({ vcpus: 3, ramMb: 1000, rootGb: 10, ephemeralGb: 5, swapMb: 1536, extraSpecs: {} })
    assert.deepEqual(claim, { VCPU: 3, MEMORY_MB: 1000, DISK_GB: 17 })
    assert.deepEqual([load.vcpus.used, load.memoryMb.used, load.diskGb.used], [claim.VCPU, claim.MEMORY_MB, claim.DISK_GB])
  })
})
