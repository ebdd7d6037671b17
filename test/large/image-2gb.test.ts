/**
 * A 2 GB image through an agent (issue 7 §1), run by `npm run test:large` (not part of `npm test`:
 * it moves 6 GB and takes minutes). A 2 GiB sparse file is uploaded with `PUT /file` through an
 * agent of the embedded default (1 cloudlet, the image store, all in this process); its bytes
 * stream to the image store and from there into the cloudlet's Glance by web-download, and come
 * back through the agent. The process's resident memory, sampled every 50 ms, must not grow by
 * more than 256 MB at any moment: nothing holds the image whole.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { after, before, describe, it } from 'node:test'
import { startLocalCluster } from '../../src/agent/local-cluster.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { loginAt } from '../fixtures/agent-login.ts'

const SIZE = 2 * 1024 ** 3
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024

describe('a 2 GiB image through an agent', { timeout: 900_000 }, () => {
  let cluster: RunningLocalCluster
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'p2pstack-2gb-'))
    file = join(dir, 'sparse.img')
    const handle = await open(file, 'w')
    // Sparse: 2 GiB of holes, with a few written bytes so the checksums are not those of zeros only.
    await handle.truncate(SIZE)
    for (const at of [0, 1024 ** 3, SIZE - 16]) await handle.write(Buffer.from('p2pstack-2gb-mark'.slice(0, 16)), 0, 16, at)
    await handle.close()
    cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: 1, dataDir: dir, adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 50, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 } })
  })

  after(async () => {
    await cluster?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('streams it to the image store, into Glance and back with bounded memory and the same bytes', async (t) => {
    const url = cluster.entryUrl
    const { token } = await loginAt(url)
    global.gc?.()
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 50)
    try {
      const sent = createHash('sha256')
      const created = await fetch(`${url}/image/v2/images`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'big', disk_format: 'raw', container_format: 'bare' }) })
      assert.equal(created.status, 201)
      const id = (await created.json() as { id: string }).id
      const started = performance.now()
      // node:http with a pipeline, as a CLI streams a file: the file is read as fast as the agent
      // takes it (undici's fetch with a stream body was seen to read ahead without bound).
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${url}/image/v2/images/${id}/file`, { method: 'PUT', headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream', 'content-length': String(SIZE) } }, res => {
          res.resume()
          res.on('end', () => { resolve(res.statusCode ?? 0) })
        })
        req.on('error', reject)
        const hashing = new Transform({ transform (chunk: Buffer, _encoding, done) { sent.update(chunk); done(null, chunk) } })
        pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hashing, req).catch(reject)
      })
      assert.equal(status, 204)
      const uploadSeconds = (performance.now() - started) / 1000
      const shown = await (await fetch(`${url}/image/v2/images/${id}`, { headers: { 'x-auth-token': token } })).json() as { status: string, size: number }
      assert.deepEqual([shown.status, shown.size], ['active', SIZE])

      const back = createHash('sha256')
      let received = 0
      const downloadStarted = performance.now()
      const download = await fetch(`${url}/image/v2/images/${id}/file`, { headers: { 'x-auth-token': token } })
      assert.equal(download.status, 200)
      for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
        back.update(chunk)
        received += chunk.byteLength
      }
      const downloadSeconds = (performance.now() - downloadStarted) / 1000
      assert.equal(received, SIZE)
      assert.equal(back.digest('hex'), sent.digest('hex'), 'the same bytes back')
      const growth = peak - baseline
      t.diagnostic(`upload + import ${uploadSeconds.toFixed(1)} s (${(SIZE / 1024 ** 2 / uploadSeconds).toFixed(0)} MiB/s), download ${downloadSeconds.toFixed(1)} s; RSS ${(baseline / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB (growth ${(growth / 1e6).toFixed(0)} MB)`)
      assert.ok(growth < RSS_GROWTH_LIMIT, `RSS grew by ${(growth / 1e6).toFixed(0)} MB`)
    } finally {
      clearInterval(sampler)
    }
  })
})
