/**
 * The receiving end of the peer interface, called in memory through the HttpHandler seam on a
 * virtual clock: what it accepts and delivers, and every way a message is refused — each with
 * its status, counted under its reason, logged at most once per reason per interval — without
 * the handler ever throwing. The protocol here is a toy one (Ping, Hello) so that the handler's
 * behaviour is seen apart from Cyclon's schemas (src/agent/overlay-message-schema.test.ts).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { httpRequest, readText } from '../core/http.ts'
import type { HttpBodyStream, HttpHandler } from '../core/http.ts'
import type { Logger, PeerAddress } from '../core/ports.ts'
import { VirtualClock } from '../sim/virtual-clock.ts'
import { ClusterKey } from './peer-cluster-key.ts'
import { encodeEnvelope, PEER_MESSAGES_PATH, PEER_SIGNATURE_HEADER } from './peer-envelope.ts'
import type { PeerEnvelope, PeerMessageCodec } from './peer-envelope.ts'
import { createPeerMessageHandler } from './peer-message-handler.ts'
import { PeerRejections } from './peer-rejections.ts'

type ToyMessage = { kind: 'Ping', n: number } | { kind: 'Hello', from: string }

const toyCodec: PeerMessageCodec<ToyMessage> = {
  protocolVersion: 1,
  schemaFor: kind => kind === 'Ping'
    ? z.object({ kind: z.literal('Ping'), n: z.int().min(0).max(10) })
    : kind === 'Hello' ? z.object({ kind: z.literal('Hello'), from: z.string() }) : null,
  claimedSender: message => message.kind === 'Hello' ? message.from : null
}

const KEY = new ClusterKey('the cluster key of the test, 32+ characters')
const WINDOW_MS = 60_000

function world (options: { maxBodyBytes?: number, maxNonces?: number } = {}): {
  handler: HttpHandler
  clock: VirtualClock
  delivered: Array<{ sender: PeerAddress, message: ToyMessage }>
  rejections: PeerRejections
  logs: Array<Record<string, unknown>>
} {
  const clock = new VirtualClock()
  const logs: Array<Record<string, unknown>> = []
  const logger: Logger = { debug: fields => { logs.push(fields) }, info () {}, warn () {}, error () {} }
  const rejections = new PeerRejections(clock, logger, { logIntervalMs: 10_000 })
  const delivered: Array<{ sender: PeerAddress, message: ToyMessage }> = []
  const handler = createPeerMessageHandler<ToyMessage>({
    codec: toyCodec,
    clusterKey: KEY,
    requireCertificateIdentity: false,
    clock,
    rejections,
    deliver: (sender, message) => { delivered.push({ sender, message }) },
    timestampWindowMs: WINDOW_MS,
    ...options
  })
  return { handler, clock, delivered, rejections, logs }
}

function envelope (clock: VirtualClock, message: unknown, overrides: Partial<PeerEnvelope<unknown>> = {}): string {
  return encodeEnvelope({
    version: 1,
    sender: { id: 'agent-b', address: 'http://127.0.0.1:4002' },
    timestampMs: clock.wallClockMs(),
    nonce: randomBytes(16).toString('base64url'),
    message,
    ...overrides
  })
}

async function post (handler: HttpHandler, body: string | Uint8Array | HttpBodyStream, headers: Record<string, string> = {}): Promise<{ status: number, reason: string | undefined }> {
  const response = await handler(httpRequest('POST', `http://127.0.0.1:4001${PEER_MESSAGES_PATH}`, { headers: { 'content-type': 'application/json', ...headers }, body }))
  const text = await readText(response.body)
  return { status: response.status, reason: text === '' ? undefined : (JSON.parse(text) as { error: { reason: string } }).error.reason }
}

const signed = (body: string, key = KEY): Record<string, string> => ({ [PEER_SIGNATURE_HEADER]: key.sign(body) })

describe('createPeerMessageHandler', () => {
  it('delivers a signed, well-formed message with its sender and answers 202', async () => {
    const w = world()
    const body = envelope(w.clock, { kind: 'Ping', n: 3 })
    assert.deepEqual(await post(w.handler, body, signed(body)), { status: 202, reason: undefined })
    assert.deepEqual(w.delivered, [{ sender: { id: 'agent-b', address: 'http://127.0.0.1:4002' }, message: { kind: 'Ping', n: 3 } }])
    assert.ok(Object.values(w.rejections.counts()).every(n => n === 0))
  })

  it('refuses a body changed after signing, a signature under another key, and no signature, with 401', async () => {
    const w = world()
    const body = envelope(w.clock, { kind: 'Ping', n: 3 })
    assert.deepEqual(await post(w.handler, body.replace('"n":3', '"n":4'), signed(body)), { status: 401, reason: 'bad-signature' })
    assert.deepEqual(await post(w.handler, body, signed(body, new ClusterKey('another cluster key, also 32+ characters'))), { status: 401, reason: 'bad-signature' })
    assert.deepEqual(await post(w.handler, body, { [PEER_SIGNATURE_HEADER]: 'sha256=zz' }), { status: 401, reason: 'bad-signature' })
    assert.deepEqual(await post(w.handler, body), { status: 401, reason: 'unauthenticated' })
    assert.equal(w.delivered.length, 0)
    assert.equal(w.rejections.counts()['bad-signature'], 3)
    assert.equal(w.rejections.counts().unauthenticated, 1)
  })

  it('refuses a timestamp outside the window, in the past or the future, with 401 expired', async () => {
    const w = world()
    w.clock.advanceBy(10 * WINDOW_MS)
    const old = envelope(w.clock, { kind: 'Ping', n: 1 }, { timestampMs: w.clock.wallClockMs() - WINDOW_MS - 1 })
    const future = envelope(w.clock, { kind: 'Ping', n: 1 }, { timestampMs: w.clock.wallClockMs() + WINDOW_MS + 1 })
    const edge = envelope(w.clock, { kind: 'Ping', n: 1 }, { timestampMs: w.clock.wallClockMs() - WINDOW_MS })
    assert.equal((await post(w.handler, old, signed(old))).reason, 'expired')
    assert.equal((await post(w.handler, future, signed(future))).reason, 'expired')
    assert.equal((await post(w.handler, edge, signed(edge))).status, 202)
    assert.equal(w.rejections.counts().expired, 2)
  })

  it('refuses a replayed message with 409, and its nonce in another body too', async () => {
    const w = world()
    const body = envelope(w.clock, { kind: 'Ping', n: 1 })
    assert.equal((await post(w.handler, body, signed(body))).status, 202)
    w.clock.advanceBy(WINDOW_MS / 2)
    assert.deepEqual(await post(w.handler, body, signed(body)), { status: 409, reason: 'replayed' })
    const nonce = (JSON.parse(body) as { nonce: string }).nonce
    const again = envelope(w.clock, { kind: 'Ping', n: 2 }, { nonce })
    assert.deepEqual(await post(w.handler, again, signed(again)), { status: 409, reason: 'replayed' })
    assert.equal(w.delivered.length, 1)
    assert.equal(w.rejections.counts().replayed, 2)
  })

  it('answers 503 when the nonce cache is full of unexpired nonces, and accepts again once they expire', async () => {
    const w = world({ maxNonces: 2 })
    for (const n of [1, 2]) {
      const body = envelope(w.clock, { kind: 'Ping', n })
      assert.equal((await post(w.handler, body, signed(body))).status, 202)
    }
    const third = envelope(w.clock, { kind: 'Ping', n: 3 })
    assert.deepEqual(await post(w.handler, third, signed(third)), { status: 503, reason: 'overloaded' })
    w.clock.advanceBy(2 * WINDOW_MS)
    const fourth = envelope(w.clock, { kind: 'Ping', n: 4 })
    assert.equal((await post(w.handler, fourth, signed(fourth))).status, 202)
  })

  it('refuses signed bodies that are not JSON, not UTF-8, not an envelope, or whose message fails its schema, with 400', async () => {
    const w = world()
    const bad = [
      '{"version": 1, "sender":',
      'null',
      JSON.stringify({ version: 1, sender: { id: 'agent-b' }, timestampMs: 1, nonce: 'x', message: { kind: 'Ping' } }),
      envelope(w.clock, { kind: 'Ping', n: 11 }),
      envelope(w.clock, { kind: 'Ping', n: 1 }, { sender: { id: 'agent b', address: 'http://127.0.0.1:1' } }),
      envelope(w.clock, { kind: 'Ping', n: 1 }, { sender: { id: 'agent-b', address: 'file:///etc/passwd' } }),
      envelope(w.clock, { kind: 'Ping', n: 1 }, { version: 0 }),
      envelope(w.clock, { noKind: true })
    ]
    for (const body of bad) assert.deepEqual(await post(w.handler, body, signed(body)), { status: 400, reason: 'malformed' }, body)
    const latin1 = new Uint8Array([0x7b, 0xff, 0x7d])
    assert.deepEqual(await post(w.handler, latin1, { [PEER_SIGNATURE_HEADER]: KEY.sign(latin1) }), { status: 400, reason: 'malformed' })
    assert.equal(w.delivered.length, 0)
    assert.equal(w.rejections.counts().malformed, bad.length + 1)
  })

  it('refuses a body over the limit with 413, whether declared or streamed, before checking anything else', async () => {
    const w = world({ maxBodyBytes: 1024 })
    const body = envelope(w.clock, { kind: 'Hello', from: 'agent-b'.padEnd(2000, 'x') })
    assert.deepEqual(await post(w.handler, body, signed(body)), { status: 413, reason: 'too-large' })
    async function * chunks (): HttpBodyStream {
      for (let i = 0; i < 100; i++) yield new Uint8Array(100)
    }
    assert.deepEqual(await post(w.handler, chunks()), { status: 413, reason: 'too-large' })
    assert.equal(w.rejections.counts()['too-large'], 2)
  })

  it('ignores a message of a kind it does not know, with 202, counting it', async () => {
    const w = world()
    const body = envelope(w.clock, { kind: 'FutureGossip', payload: [1, 2, 3] }, { version: 7 })
    assert.deepEqual(await post(w.handler, body, signed(body)), { status: 202, reason: undefined })
    assert.equal(w.delivered.length, 0)
    assert.equal(w.rejections.counts()['unknown-kind'], 1)
  })

  it('refuses a message that speaks for another agent than its sender, with 403', async () => {
    const w = world()
    const body = envelope(w.clock, { kind: 'Hello', from: 'agent-c' })
    assert.deepEqual(await post(w.handler, body, signed(body)), { status: 403, reason: 'identity-mismatch' })
    const own = envelope(w.clock, { kind: 'Hello', from: 'agent-b' })
    assert.equal((await post(w.handler, own, signed(own))).status, 202)
  })

  it('refuses other methods than POST with 405', async () => {
    const w = world()
    const response = await w.handler(httpRequest('GET', `http://127.0.0.1:4001${PEER_MESSAGES_PATH}`))
    assert.equal(response.status, 405)
    assert.equal(w.rejections.counts()['bad-request'], 1)
  })

  it('logs a reason at most once per interval, with the count since the last line', async () => {
    const w = world()
    for (let i = 0; i < 50; i++) await post(w.handler, 'garbage', signed('garbage'))
    assert.equal(w.logs.length, 1)
    w.clock.advanceBy(10_000)
    await post(w.handler, 'garbage', signed('garbage'))
    assert.equal(w.logs.length, 2)
    assert.equal(w.logs[1]?.count, 50)
    assert.equal(w.logs[1]?.reason, 'malformed')
    assert.equal(w.rejections.counts().malformed, 51)
  })

  it('never throws, whatever bytes arrive', async () => {
    const w = world()
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(i * 3)
      const result = await post(w.handler, bytes, i % 2 === 0 ? { [PEER_SIGNATURE_HEADER]: KEY.sign(bytes) } : {})
      assert.ok(result.status >= 400 && result.status < 500)
    }
  })
})
