/**
 * A client of another family than the openstack CLI: pkgcloud (npm), which joins paths onto
 * catalog URLs, sends no microversion header (so it runs at 2.1), authenticates with Keystone v3
 * only when told to, matches endpoints on `region`, and lists images through Nova's image proxy.
 * It lists flavors, images and servers, creates a server, waits for it, and deletes it.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import type { CliCloudlet } from '../fixtures/cli-cloudlet.ts'

interface PkgServer { id: string, name: string, status: string, addresses: { public?: string[], private?: string[] } }
interface PkgComputeClient {
  getFlavors(cb: (err: Error | null, flavors: Array<{ id: string, name: string }>) => void): void
  getImages(cb: (err: Error | null, images: Array<{ id: string, name: string }>) => void): void
  getServers(cb: (err: Error | null, servers: PkgServer[]) => void): void
  getServer(id: string, cb: (err: (Error & { statusCode?: number }) | null, server: PkgServer) => void): void
  createServer(details: Record<string, unknown>, cb: (err: Error | null, server: PkgServer) => void): void
  destroyServer(id: string, cb: (err: Error | null) => void): void
}

const pkgcloud = createRequire(import.meta.url)('pkgcloud') as { compute: { createClient(options: Record<string, unknown>): PkgComputeClient } }

describe('pkgcloud against an emulated cloudlet', () => {
  let cloud: CliCloudlet
  let client: PkgComputeClient
  let network: string
  before(async () => {
    cloud = await startCliCloudlet()
    const file = join(cloud.dir, 'disk.img')
    writeFileSync(file, Buffer.alloc(4096, 1))
    await cloud.openstack(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--public', 'pkg-image'])
    network = (await cloud.openstackJson<{ id: string }>(['network', 'create', 'pkgnet'])).id
    await cloud.openstack(['subnet', 'create', '--network', 'pkgnet', '--subnet-range', '10.7.0.0/24', 'pkgsub'])
    client = pkgcloud.compute.createClient({
      provider: 'openstack',
      username: 'admin',
      password: 'secret',
      authUrl: `${cloud.url}/identity`,
      region: 'RegionOne',
      keystoneAuthVersion: 'v3',
      domainName: 'Default',
      tenantName: 'admin',
      projectDomainName: 'Default'
    })
  })
  after(async () => { await cloud.stop() })

  it('lists flavors and images (through Nova’s image proxy)', async () => {
    const flavors = await promisify(client.getFlavors.bind(client))()
    assert.deepEqual(flavors.map(f => f.name), ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge'])
    const images = await promisify(client.getImages.bind(client))()
    assert.deepEqual(images.map(i => i.name), ['pkg-image'])
  })

  it('creates a server, sees it RUNNING in the list, and deletes it until it is gone', async () => {
    const images = await promisify(client.getImages.bind(client))()
    const created = await promisify(client.createServer.bind(client))({ name: 'pkg-vm', flavor: '1', image: images[0]?.id, networks: [{ uuid: network }] })
    assert.equal(created.name, 'pkg-vm')
    let server = created
    for (let i = 0; i < 100 && server.status !== 'RUNNING'; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      server = await promisify(client.getServer.bind(client))(created.id)
    }
    assert.equal(server.status, 'RUNNING')
    // pkgcloud sorts addresses into public and private by their range.
    assert.match(server.addresses.private?.[0] ?? '', /^10\.7\.0\.\d+$/)
    const servers = await promisify(client.getServers.bind(client))()
    assert.deepEqual(servers.map(s => s.id), [created.id])
    await promisify(client.destroyServer.bind(client))(created.id)
    let gone = false
    for (let i = 0; i < 100 && !gone; i++) {
      try {
        await promisify(client.getServer.bind(client))(created.id)
        await new Promise(resolve => setTimeout(resolve, 100))
      } catch (error) {
        assert.equal((error as { statusCode?: number }).statusCode, 404)
        gone = true
      }
    }
    assert.ok(gone, 'the server is gone after delete')
  })
})
