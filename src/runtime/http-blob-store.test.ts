/**
 * HttpBlobStore against a real nginx (Debian's, with its WebDAV module) started here on
 * 127.0.0.1 with a free port, its own config, root and logs in a temporary directory, and
 * stopped by its PID: write, read whole and in ranges, size, delete, move; the index kept
 * across restarts of the store; 64 MiB streamed both ways with a bound on this process's RSS
 * growth; a body that fails midway keeps nothing (and leaves a blob it was replacing as it
 * was); a blob removed behind the store's back; basic and bearer authorization; and a server
 * that is down, silent or without WebDAV gives a rejection that names the URL, never a crash.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryUsage } from 'node:process'
import { after, before, describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { freePort, NGINX_BEARER, startDavNginx } from '../../test/fixtures/nginx-dav.ts'
import type { RunningNginx } from '../../test/fixtures/nginx-dav.ts'
import { BlobMissingError, HttpBlobStore, withoutCredentials } from './http-blob-store.ts'

const MIB = 1024 * 1024
/** Heap and array buffers still referenced after a collection: a store that held the blob would keep 64 MiB. */
const KEPT_GROWTH_BOUND_BYTES = 32 * MIB
/** RSS also counts memory freed but not yet given back to the system, so its bound is coarser. */
const RSS_GROWTH_BOUND_BYTES = 64 * MIB

// A forced collection before each memory sample, so that it counts what is kept, not garbage.
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

async function * chunksOf (...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part
}

async function bufferOf (stream: AsyncIterable<Uint8Array> | null): Promise<Buffer> {
  assert.ok(stream !== null, 'a stream')
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts)
}

async function bytesOf (stream: AsyncIterable<Uint8Array> | null): Promise<string> {
  return (await bufferOf(stream)).toString()
}

/** Every file under `dir`. */
function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('HttpBlobStore on nginx with WebDAV', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-http-blobs-test-'))
  let nginx: RunningNginx
  let store: HttpBlobStore
  const stores: HttpBlobStore[] = []
  const open = (url: string, options: Partial<ConstructorParameters<typeof HttpBlobStore>[0]> = {}): HttpBlobStore => {
    const opened = new HttpBlobStore({ url, stateDir: join(dir, `state-${stores.length}`), ...options })
    stores.push(opened)
    return opened
  }

  before(async () => {
    nginx = await startDavNginx(join(dir, 'nginx'))
    store = open(`${nginx.url}/blobs`)
  })

  after(async () => {
    for (const s of stores) await s.close()
    await nginx?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes, reads whole and in ranges, sizes, moves and deletes; keys of any shape', async () => {
    await store.check()
    assert.equal(store.size('a'), null)
    assert.equal(store.read('a'), null)
    assert.deepEqual(await store.write('a', chunksOf('hello ', 'world')), { size: 11 })
    assert.equal(store.size('a'), 11)
    assert.equal(await bytesOf(store.read('a')), 'hello world')
    assert.equal(await bytesOf(store.read('a', { start: 2, end: 7 })), 'llo wo')
    assert.equal(await bytesOf(store.read('a', { start: 10, end: 10 })), 'd')

    assert.deepEqual(await store.write('a', chunksOf('replaced')), { size: 8 })
    assert.equal(await bytesOf(store.read('a')), 'replaced')

    const odd = '../weird key/?#%2F with ünicode'
    await store.write(odd, chunksOf('odd'))
    assert.equal(await bytesOf(store.read(odd)), 'odd')
    assert.deepEqual(await store.write('empty', chunksOf()), { size: 0 })
    assert.equal(store.size('empty'), 0)
    assert.equal(await bytesOf(store.read('empty')), '')

    await store.move('a', 'b')
    assert.equal(store.size('a'), null)
    assert.equal(store.read('a'), null)
    assert.equal(await bytesOf(store.read('b')), 'replaced')
    await store.move(odd, 'b') // replaces
    assert.equal(await bytesOf(store.read('b')), 'odd')
    await assert.rejects(store.move('never-written', 'c'), /MOVE .* answered 404/)

    await store.delete('b')
    await store.delete('b') // absent: not an error
    await store.delete('empty')
    assert.equal(store.size('b'), null)
    assert.deepEqual(filesUnder(join(nginx.root, 'blobs')), [], 'nothing left on the server')
  })

  it('keeps its index across restarts, in its state directory', async () => {
    const stateDir = join(dir, 'kept-state')
    const first = new HttpBlobStore({ url: `${nginx.url}/blobs/`, stateDir })
    await first.write('kept', chunksOf('still here'))
    await first.close()
    const second = open(`${nginx.url}/blobs/`, { stateDir })
    assert.equal(second.size('kept'), 10)
    assert.equal(await bytesOf(second.read('kept', { start: 6, end: 9 })), 'here')
    await second.delete('kept')
  })

  it(`streams 64 MiB in and out in 1 MiB chunks, keeping less than ${KEPT_GROWTH_BOUND_BYTES / MIB} MiB more memory, RSS growing by less than ${RSS_GROWTH_BOUND_BYTES / MIB} MiB`, async t => {
    const base = randomBytes(MIB)
    const sent = createHash('sha256')
    const kept = (): number => {
      const usage = memoryUsage()
      return usage.heapUsed + usage.arrayBuffers
    }
    collectGarbage()
    const before = { rss: memoryUsage.rss(), kept: kept() }
    const peak = { ...before }
    // Every 8 MiB, after a collection: what the stream keeps, not the garbage the next collection frees.
    const sample = (i: number): void => {
      if (i % 8 !== 7) return
      collectGarbage()
      peak.rss = Math.max(peak.rss, memoryUsage.rss())
      peak.kept = Math.max(peak.kept, kept())
    }
    const generated = async function * (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 64; i++) {
        const chunk = Buffer.from(base)
        chunk.writeUInt32BE(i, 0)
        sent.update(chunk)
        sample(i)
        yield chunk
      }
    }
    try {
      assert.deepEqual(await store.write('big', generated()), { size: 64 * MIB })
      const back = createHash('sha256')
      let size = 0
      let chunks = 0
      for await (const chunk of store.read('big') ?? []) {
        back.update(chunk)
        size += chunk.byteLength
        if (Math.floor((size - chunk.byteLength) / MIB) !== Math.floor(size / MIB)) sample(chunks++)
      }
      assert.equal(size, 64 * MIB)
      assert.equal(back.digest('hex'), sent.digest('hex'))
      t.diagnostic(`after collections: kept ${(before.kept / MIB).toFixed(1)} MiB before, at most ${(peak.kept / MIB).toFixed(1)} MiB while streaming; RSS ${(before.rss / MIB).toFixed(1)} MiB, at most ${(peak.rss / MIB).toFixed(1)} MiB`)
      assert.ok(peak.kept - before.kept < KEPT_GROWTH_BOUND_BYTES, `the memory kept grew by ${peak.kept - before.kept} bytes`)
      assert.ok(peak.rss - before.rss < RSS_GROWTH_BOUND_BYTES, `RSS grew by ${peak.rss - before.rss} bytes`)

      // A range across the boundary of chunks 40 and 41.
      const part = await bufferOf(store.read('big', { start: 41 * MIB - 3, end: 41 * MIB + 2 }))
      const chunk41 = Buffer.from(base)
      chunk41.writeUInt32BE(41, 0)
      assert.deepEqual(part, Buffer.concat([base.subarray(MIB - 3), chunk41.subarray(0, 3)]))
      // A reader that stops early lets go of the connection.
      for await (const _chunk of store.read('big') ?? []) break
    } finally {
      await store.delete('big')
    }
  })

  it('keeps nothing of a body that fails midway, rethrows its error, and leaves the blob it was replacing', async () => {
    const broken = new Error('the upload broke')
    const failing = async function * (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 3; i++) yield randomBytes(MIB)
      throw broken
    }
    await assert.rejects(store.write('fails', failing()), error => error === broken)
    assert.equal(store.size('fails'), null)
    assert.deepEqual(filesUnder(join(nginx.root, 'blobs')), [])

    await store.write('kept', chunksOf('the old bytes'))
    await assert.rejects(store.write('kept', failing()), error => error === broken)
    assert.equal(store.size('kept'), 13)
    assert.equal(await bytesOf(store.read('kept')), 'the old bytes')
    await store.delete('kept')
  })

  it('finds a blob removed behind its back: the read fails with BlobMissingError and the index forgets it', async () => {
    await store.write('doomed', chunksOf('removed by hand'))
    const files = filesUnder(join(nginx.root, 'blobs')).filter(file => readFileSync(file, 'utf8') === 'removed by hand')
    assert.equal(files.length, 1)
    rmSync(files[0] as string)
    assert.equal(store.size('doomed'), 15, 'the index still has it')
    await assert.rejects(bytesOf(store.read('doomed')), error => error instanceof BlobMissingError && error.code === 'ENOENT' && error.message.includes(`${nginx.url}/blobs/`))
    assert.equal(store.size('doomed'), null)
    assert.equal(store.read('doomed'), null)
  })

  it('authenticates with basic auth (from the URL or the options) or a bearer token; refusals name the URL without credentials', async () => {
    const host = new URL(nginx.url).host
    const basicInUrl = open(`http://blob-user:${encodeURIComponent('blob password')}@${host}/basic/`)
    assert.equal(basicInUrl.url, `${nginx.url}/basic/`)
    await basicInUrl.check()
    await basicInUrl.write('x', chunksOf('basic'))
    assert.equal(await bytesOf(basicInUrl.read('x')), 'basic')
    await basicInUrl.delete('x')

    const basic = open(`${nginx.url}/basic/`, { auth: { basic: { username: 'blob-user', password: 'blob password' } } })
    await basic.check()

    const bearer = open(`${nginx.url}/bearer/`, { auth: { bearer: NGINX_BEARER } })
    await bearer.write('y', chunksOf('bearer'))
    assert.equal(await bytesOf(bearer.read('y', { start: 1, end: 3 })), 'ear')
    await bearer.delete('y')

    const wrong = open(`http://blob-user:not-the-password@${host}/basic/`)
    await assert.rejects(wrong.write('z', chunksOf('no')), (error: Error) => /PUT http:\/\/127\.0\.0\.1:\d+\/basic\/\S+ answered 401/.test(error.message) && !error.message.includes('not-the-password'))
    assert.equal(wrong.size('z'), null)
    await assert.rejects(open(`${nginx.url}/bearer/`, { auth: { bearer: 'wrong' } }).check(), /answered 401/)
  })

  it('rejects, naming the URL, when the server does not take WebDAV writes', async () => {
    const plain = open(`${nginx.url}/plain/`)
    await assert.rejects(plain.check(), /PUT http:\/\/127\.0\.0\.1:\d+\/plain\/\S+ answered 405/)
    await assert.rejects(plain.write('k', chunksOf('no')), /answered 405/)
    assert.equal(plain.size('k'), null)
  })

  it('rejects, naming the URL without credentials, when nothing listens there; nothing crashes', async () => {
    const port = await freePort()
    const down = open(`http://someone:secret-password@127.0.0.1:${port}/blobs/`, { connectTimeoutMs: 2_000 })
    assert.equal(down.url, `http://127.0.0.1:${port}/blobs/`)
    const named = (error: Error): boolean => error.message.includes(`http://127.0.0.1:${port}/blobs/`) && !error.message.includes('secret-password') && /ECONNREFUSED|connect/i.test(error.message)
    await assert.rejects(down.check(), named)
    await assert.rejects(down.write('k', chunksOf('lost')), named)
    await assert.rejects(down.delete('k'), named)
    await assert.rejects(down.move('k', 'l'), named)
    assert.equal(down.size('k'), null)
    assert.equal(withoutCredentials(`http://a:b@127.0.0.1:${port}/x`), `http://127.0.0.1:${port}/x`)
  })

  it('rejects a read when nginx has gone away, and keeps the blob in its index', async () => {
    const nginxDir = join(dir, 'nginx-stopped')
    const second = await startDavNginx(nginxDir)
    const s = open(`${second.url}/blobs/`, { connectTimeoutMs: 2_000 })
    await s.write('k', chunksOf('before the stop'))
    await second.stop()
    await assert.rejects(bytesOf(s.read('k')), (error: Error) => error.message.startsWith(`GET ${second.url}/blobs/`))
    assert.equal(s.size('k'), 15, 'an unreachable server is not a missing blob')
  })

  it('gives up on a server that accepts the connection and never answers (bounded headers timeout)', async () => {
    const sockets: Socket[] = []
    const silent = createServer(socket => { sockets.push(socket) })
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    try {
      const s = open(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, { headersTimeoutMs: 300 })
      await assert.rejects(s.write('k', chunksOf('into the void')), /PUT http:\/\/127\.0\.0\.1:\d+\/\S+ failed: .*[Tt]imeout/)
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })
})
