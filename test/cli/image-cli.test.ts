/**
 * The real `openstack` CLI (python-openstackclient 6.0 with openstacksdk) against an emulated
 * cloudlet on loopback: image create (direct upload and --import), save, list across pages,
 * show, set/unset properties and tags, delete — asserting on what the CLI prints with -f json
 * and on the bytes it saves.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import type { CliCloudlet } from '../fixtures/cli-cloudlet.ts'

interface ShownImage {
  id: string
  name: string
  status: string
  size?: number
  checksum?: string
  visibility: string
  disk_format: string
  container_format: string
  tags: string[]
  properties: Record<string, unknown>
}

function pattern (length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + seed * 13 + (i >> 9)) & 0xff
  return bytes
}

describe('openstack CLI: images', () => {
  let cloud: CliCloudlet
  let disk: Buffer
  let diskPath: string
  before(async () => {
    cloud = await startCliCloudlet()
    disk = pattern(3 * 1024 * 1024 + 123, 1)
    diskPath = join(cloud.dir, 'disk.img')
    writeFileSync(diskPath, disk)
  })
  after(async () => { await cloud.stop() })

  const show = async (name: string): Promise<ShownImage> => await cloud.openstackJson<ShownImage>(['image', 'show', name])

  it('creates a public qcow2 image from a file, which is active with the file\'s checksum', async () => {
    const created = await cloud.openstackJson<ShownImage>(['image', 'create', '--file', diskPath, '--disk-format', 'qcow2', '--container-format', 'bare', '--public', 'cli-direct'])
    assert.equal(created.name, 'cli-direct')
    assert.equal(created.visibility, 'public')
    assert.equal(created.disk_format, 'qcow2')
    const image = await show('cli-direct')
    assert.equal(image.id, created.id)
    assert.equal(image.status, 'active')
    assert.equal(image.size, disk.byteLength)
    assert.equal(image.checksum, createHash('md5').update(disk).digest('hex'))
    assert.equal(image.properties.os_hash_algo, 'sha512')
    assert.equal(image.properties.os_hash_value, createHash('sha512').update(disk).digest('hex'))
  })

  it('saves the image data byte for byte', async () => {
    const saved = join(cloud.dir, 'saved.img')
    await cloud.openstack(['image', 'save', '--file', saved, 'cli-direct'])
    assert.ok(readFileSync(saved).equals(disk))
  })

  it('creates an image with --import (stage, then glance-direct), which becomes active', async () => {
    const other = pattern(200_000, 2)
    const path = join(cloud.dir, 'other.img')
    writeFileSync(path, other)
    const created = await cloud.openstackJson<ShownImage>(['image', 'create', '--import', '--file', path, '--disk-format', 'raw', '--container-format', 'bare', 'cli-imported'])
    assert.equal(created.name, 'cli-imported')
    let image = await show('cli-imported')
    for (let i = 0; i < 20 && image.status !== 'active'; i++) {
      await new Promise(resolve => setTimeout(resolve, 250))
      image = await show('cli-imported')
    }
    assert.equal(image.status, 'active')
    assert.equal(image.size, other.byteLength)
    assert.equal(image.checksum, createHash('md5').update(other).digest('hex'))
    assert.equal(image.properties.os_glance_failed_import, '')
    const saved = join(cloud.dir, 'imported-saved.img')
    await cloud.openstack(['image', 'save', '--file', saved, 'cli-imported'])
    assert.ok(readFileSync(saved).equals(other))
  })

  it('lists every image, following next links past the first 25', async () => {
    const token = (await cloud.openstackJson<{ id: string }>(['token', 'issue'])).id
    const names: string[] = []
    for (let i = 0; i < 27; i++) {
      const name = `bulk-${String(i).padStart(2, '0')}`
      const r = await fetch(`${cloud.url}/image/v2/images`, {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ name, disk_format: 'raw', container_format: 'bare' })
      })
      assert.equal(r.status, 201)
      names.push(name)
    }
    const listed = await cloud.openstackJson<Array<{ ID: string, Name: string, Status: string }>>(['image', 'list'])
    const listedNames = listed.map(i => i.Name)
    for (const name of [...names, 'cli-direct', 'cli-imported']) assert.ok(listedNames.includes(name), `${name} is listed`)
    assert.equal(listed.length, 29)
    assert.equal(new Set(listed.map(i => i.ID)).size, 29, 'no image twice')
  })

  it('sets and unsets properties', async () => {
    await cloud.openstack(['image', 'set', '--property', 'hw_disk_bus=scsi', '--property', 'os_distro=cirros', 'cli-direct'])
    let image = await show('cli-direct')
    assert.equal(image.properties.hw_disk_bus, 'scsi')
    assert.equal(image.properties.os_distro, 'cirros')
    await cloud.openstack(['image', 'unset', '--property', 'os_distro', 'cli-direct'])
    image = await show('cli-direct')
    assert.equal(image.properties.os_distro, undefined)
    assert.equal(image.properties.hw_disk_bus, 'scsi')
  })

  it('adds tags with image set --tag and removes them with image unset --tag', async () => {
    await cloud.openstack(['image', 'set', '--tag', 'blue', '--tag', 'green', 'cli-direct'])
    assert.deepEqual((await show('cli-direct')).tags.sort(), ['blue', 'green'])
    await cloud.openstack(['image', 'unset', '--tag', 'blue', 'cli-direct'])
    assert.deepEqual((await show('cli-direct')).tags, ['green'])
  })

  it('deletes images, after which they are neither shown nor listed', async () => {
    await cloud.openstack(['image', 'delete', 'cli-imported', 'bulk-00'])
    await assert.rejects(cloud.openstack(['image', 'show', 'cli-imported']), /No Image found for cli-imported|Could not find resource cli-imported/)
    const listed = await cloud.openstackJson<Array<{ Name: string }>>(['image', 'list'])
    assert.equal(listed.length, 27)
    assert.ok(!listed.some(i => i.Name === 'cli-imported' || i.Name === 'bulk-00'))
  })
})
