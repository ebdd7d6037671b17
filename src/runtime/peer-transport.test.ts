/**
 * HttpPeerTransport against real HTTP servers on loopback: a peer running the real message
 * handler (the envelope arrives signed and is accepted), a peer that accepts connections and
 * never answers (it must neither hold up other peers nor grow a queue), a port nobody listens
 * on, and a peer that refuses. Waits poll for a state with a generous bound; nothing asserts
 * how long anything took.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { z } from 'zod'
import { silentLogger } from '../core/ports.ts'
import type { PeerAddress } from '../core/ports.ts'
import { CryptoRandom } from './crypto-random.ts'
import { startHttpServer } from './http-server.ts'
import type { RunningHttpServer } from './http-server.ts'
import { ClusterKey } from './peer-cluster-key.ts'
import type { PeerMessageCodec } from './peer-envelope.ts'
import { createPeerMessageHandler } from './peer-message-handler.ts'
import { PeerRejections } from './peer-rejections.ts'
import { HttpPeerTransport } from './peer-transport.ts'
import type { HttpPeerTransportOptions, PeerTransportStats } from './peer-transport.ts'
import { SystemClock } from './system-clock.ts'

interface Ping { kind: 'Ping', n: number }

const codec: PeerMessageCodec<Ping> = {
  protocolVersion: 1,
  schemaFor: kind => kind === 'Ping' ? z.object({ kind: z.literal('Ping'), n: z.int() }) : null,
  claimedSender: () => null
}
const KEY = new ClusterKey('the transport test cluster key, 32+ chars')
const clock = new SystemClock()
const SELF: PeerAddress = { id: 'agent-a', address: 'http://127.0.0.1:1' }

function transport (options: Partial<HttpPeerTransportOptions> = {}): HttpPeerTransport<Ping> {
  return new HttpPeerTransport<Ping>({ self: SELF, protocolVersion: 1, clock, random: new CryptoRandom(), clusterKey: KEY, tls: null, logger: silentLogger, ...options })
}

async function until (what: string, check: () => boolean, boundMs = 10_000): Promise<void> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > boundMs) throw new Error(`${what}: not within ${boundMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

/** A server that takes requests and never answers them. */
async function stallingServer (): Promise<{ server: Server, url: string, waiting: ServerResponse[] }> {
  const waiting: ServerResponse[] = []
  const server = createServer((_req, res) => { waiting.push(res) })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, waiting }
}

async function closeServer (server: Server): Promise<void> {
  server.closeAllConnections()
  server.close()
  await once(server, 'close')
}

describe('HttpPeerTransport', () => {
  let receiver: RunningHttpServer
  let stalling: { server: Server, url: string, waiting: ServerResponse[] }
  let refusing: Server
  let refusingUrl: string
  const received: Array<{ sender: PeerAddress, message: Ping }> = []

  before(async () => {
    const handler = createPeerMessageHandler<Ping>({
      codec, clusterKey: KEY, requireCertificateIdentity: false, clock, rejections: new PeerRejections(clock, silentLogger),
      deliver: (sender, message) => { received.push({ sender, message }) }
    })
    receiver = await startHttpServer({ host: '127.0.0.1', port: 0, handler, logger: silentLogger })
    stalling = await stallingServer()
    refusing = createServer((_req, res) => { res.writeHead(401).end() })
    refusing.listen(0, '127.0.0.1')
    await once(refusing, 'listening')
    refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`
  })

  after(async () => {
    await receiver.close()
    await closeServer(stalling.server)
    await closeServer(refusing)
  })

  it('delivers signed envelopes that a peer accepts, naming this agent as the sender', async () => {
    const t = transport()
    received.length = 0
    for (let n = 0; n < 5; n++) t.send({ id: 'agent-b', address: receiver.url }, { kind: 'Ping', n })
    await t.idle()
    assert.equal(t.stats().delivered, 5)
    assert.deepEqual(received.map(r => r.message.n).sort(), [0, 1, 2, 3, 4])
    assert.deepEqual(received[0]?.sender, SELF)
    await t.close()
  })

  it('keeps at most queueLimitPerPeer messages per peer and counts the ones it drops', async () => {
    const t = transport({ concurrencyPerPeer: 1, queueLimitPerPeer: 4, requestTimeoutMs: 60_000 })
    for (let n = 0; n < 20; n++) t.send({ id: 'slow', address: stalling.url }, { kind: 'Ping', n })
    const stats: PeerTransportStats = t.stats()
    assert.equal(stats.inFlight, 1)
    assert.equal(stats.queued, 4)
    assert.equal(stats.droppedQueueFull, 15)
    await t.close({ graceMs: 0 })
    assert.equal(t.stats().droppedClosed, 4)
    t.send({ id: 'slow', address: stalling.url }, { kind: 'Ping', n: 99 })
    assert.equal(t.stats().droppedClosed, 5, 'a closed transport drops and counts')
  })

  it('delivers to a healthy peer while another peer stalls', async () => {
    const t = transport({ requestTimeoutMs: 60_000 })
    received.length = 0
    t.send({ id: 'slow', address: stalling.url }, { kind: 'Ping', n: 1 })
    t.send({ id: 'agent-b', address: receiver.url }, { kind: 'Ping', n: 2 })
    await until('the healthy peer has its message', () => t.stats().delivered === 1)
    assert.equal(t.stats().inFlight, 1, 'the stalled request is still waiting')
    assert.deepEqual(received.map(r => r.message.n), [2])
    await t.close({ graceMs: 0 })
  })

  it('gives up on a peer that does not answer within the request timeout, and counts it', async () => {
    const t = transport({ requestTimeoutMs: 200 })
    t.send({ id: 'slow', address: stalling.url }, { kind: 'Ping', n: 1 })
    await until('the request times out', () => t.stats().timeouts === 1)
    assert.equal(t.stats().inFlight, 0)
    await t.close()
  })

  it('counts a refused connection, a refusal by the peer, and addresses it will not use, without throwing', async () => {
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await closeServer(closed)
    const t = transport()
    t.send({ id: 'gone', address: deadUrl }, { kind: 'Ping', n: 1 })
    t.send({ id: 'refusing', address: refusingUrl }, { kind: 'Ping', n: 1 })
    for (const address of ['not a url', 'ftp://127.0.0.1/', 'http://user:pw@127.0.0.1:1/', '']) t.send({ id: 'odd', address }, { kind: 'Ping', n: 1 })
    await t.idle()
    const stats = t.stats()
    assert.equal(stats.connectFailures, 1)
    assert.equal(stats.refused, 1)
    assert.equal(stats.droppedBadAddress, 4)
    await t.close()
    const tls = transport({ tls: { ca: 'unused', cert: 'unused', key: 'unused' } })
    tls.send({ id: 'plain', address: receiver.url }, { kind: 'Ping', n: 1 })
    assert.equal(tls.stats().droppedBadAddress, 1, 'with mutual TLS, plain http is never used')
    await tls.close()
  })

  it('tracks at most maxPeers peers at a time', async () => {
    const t = transport({ maxPeers: 1, requestTimeoutMs: 60_000 })
    t.send({ id: 'slow', address: stalling.url }, { kind: 'Ping', n: 1 })
    t.send({ id: 'agent-b', address: receiver.url }, { kind: 'Ping', n: 2 })
    assert.equal(t.stats().droppedTooManyPeers, 1)
    assert.equal(t.stats().peers, 1)
    await t.close({ graceMs: 0 })
  })
})
