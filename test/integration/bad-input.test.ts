/**
 * What clients and strangers may send, over real HTTP on loopback to a running cloudlet:
 * malformed HTTP, bodies over the limit (declared and chunked), an upload abandoned halfway,
 * bodies that are not JSON, unknown routes and wrong methods, for every service. Each gets the
 * answer the real service gives; none takes the process down or changes state.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import { startCloudletProcess } from '../../src/agent/cloudlet-process.ts'
import type { RunningCloudlet } from '../../src/agent/cloudlet-process.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { DEFAULT_CLOUDLET_CONFIG } from '../../src/emulator/cloudlet-config.ts'

/** Sends raw bytes and returns what comes back until the server closes or `ms` pass. */
async function raw (url: string, bytes: string, ms = 2000): Promise<string> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let out = ''
    const timer = setTimeout(() => { socket.destroy(); resolve(out) }, ms)
    socket.on('data', chunk => { out += chunk.toString() })
    socket.on('close', () => { clearTimeout(timer); resolve(out) })
    socket.on('error', error => { clearTimeout(timer); reject(error) })
    socket.write(bytes)
  })
}

describe('bad input over HTTP', () => {
  let cloud: RunningCloudlet
  let token: string
  const call = async (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await request(`${cloud.url}${path}`, { method: method as 'GET', headers: { 'x-auth-token': token, ...headers }, body: body ?? null })
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() }
  }

  before(async () => {
    cloud = await startCloudletProcess({ host: '127.0.0.1', port: 0, config: { ...DEFAULT_CLOUDLET_CONFIG, transitionDelayMs: 0 }, stateFile: null, logger: silentLogger })
    const auth = await request(`${cloud.url}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } })
    })
    await auth.body.text()
    token = auth.headers['x-subject-token'] as string
  })
  after(async () => { await cloud.stop() })

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const answer = await raw(cloud.url, 'GARBAGE\r\n\r\n')
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request/)
    assert.equal((await call('GET', '/compute/v2.1/servers')).status, 200)
  })

  it('refuses a declared body over the limit before reading it, closing the connection', async () => {
    const answer = await raw(cloud.url, `POST /compute/v2.1/servers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"server": `)
    assert.match(answer, /^HTTP\/1\.1 413 /)
    assert.match(answer, /[Cc]onnection: close/)
    assert.match(answer, /Request is too large\./)
  })

  it('refuses a chunked body that grows past the limit', async () => {
    const chunks = (async function * () {
      yield Buffer.from('{"server": {"name": "')
      for (let i = 0; i < 40; i++) yield Buffer.alloc(8192, 0x61)
      yield Buffer.from('"}}')
    })()
    const response = await request(`${cloud.url}/compute/v2.1/servers`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: Readable.from(chunks) })
    assert.equal(response.statusCode, 413)
    await response.body.text()
  })

  it('leaves an image queued with no data when its upload is abandoned halfway', async () => {
    const created = await call('POST', '/image/v2/images', JSON.stringify({ name: 'half', disk_format: 'raw', container_format: 'bare' }), { 'content-type': 'application/json' })
    const id = JSON.parse(created.text).id as string
    const answer = await raw(cloud.url, `PUT /image/v2/images/${id}/file HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n${'x'.repeat(1000)}`, 300)
    assert.equal(answer, '', 'no answer before the body is complete')
    let image: { status: string, size: number | null } = { status: '', size: null }
    for (let i = 0; i < 50; i++) {
      image = JSON.parse((await call('GET', `/image/v2/images/${id}`)).text)
      if (image.status === 'queued') break
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    assert.equal(image.status, 'queued')
    assert.equal(image.size, null)
    assert.equal((await call('GET', `/image/v2/images/${id}/file`)).status, 204)
  })

  it('answers a body that is not JSON in each service’s envelope', async () => {
    const bad = '{"not": json'
    const json = { 'content-type': 'application/json', accept: 'application/json' }
    const identity = await call('POST', '/identity/v3/projects', bad, json)
    assert.equal(identity.status, 400)
    assert.equal(JSON.parse(identity.text).error.code, 400)
    const compute = await call('POST', '/compute/v2.1/servers', bad, json)
    assert.deepEqual(JSON.parse(compute.text), { badRequest: { code: 400, message: 'Malformed request body' } })
    const network = await call('POST', '/networking/v2.0/networks', bad, json)
    assert.equal(network.status, 400)
    assert.equal(JSON.parse(network.text).NeutronError.type, 'HTTPBadRequest')
    const image = await call('POST', '/image/v2/images', bad, json)
    assert.equal(image.status, 400)
    assert.equal(JSON.parse(image.text).title, 'Bad Request')
  })

  it('answers unknown routes and wrong methods as each service does', async () => {
    const json = { accept: 'application/json' }
    assert.equal(JSON.parse((await call('GET', '/identity/v3/nothing', undefined, json)).text).error.code, 404)
    assert.equal((await call('PUT', '/identity/v3/projects', undefined, json)).status, 405)
    assert.equal((await call('GET', '/compute/v2.1/nothing', undefined, json)).status, 404)
    assert.equal((await call('PATCH', '/compute/v2.1/servers', undefined, json)).status, 404, "Nova's router answers 404 for a method it has no route for")
    assert.equal((await call('GET', '/networking/v2.0/nothing', undefined, json)).status, 404)
    assert.equal((await call('PATCH', '/networking/v2.0/networks', undefined, json)).status, 405)
    assert.equal((await call('GET', '/image/v2/nothing', undefined, json)).status, 404)
    assert.equal((await call('GET', '/placement/nothing', undefined, { ...json, 'openstack-api-version': 'placement 1.29' })).status, 404)
    assert.equal((await call('GET', '/nothing-here')).status, 404)
  })

  it('still has no servers and answers normally after all of that', async () => {
    const servers = await call('GET', '/compute/v2.1/servers')
    assert.equal(servers.status, 200)
    assert.deepEqual(JSON.parse(servers.text).servers, [])
  })
})
