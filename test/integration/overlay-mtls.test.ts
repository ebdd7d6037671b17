/**
 * Mutual TLS between agents, the production option, on loopback. The test makes a throwaway
 * cluster CA and certificates with the openssl command (node:crypto cannot issue
 * certificates): two agents whose certificates name them (one by CN, one by a SAN URI
 * `urn:p2pstack:agent:<id>`), a third identity for a raw client, and a stranger signed by
 * another CA. Two overlay agents (in this process) find each other over mutual TLS with no
 * cluster key; a client without a certificate, and one whose certificate another CA signed,
 * are refused in the handshake and counted; a client with a good certificate that claims
 * another sender id in its envelope is refused with 403.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Agent, request } from 'undici'
import { loopbackAgentConfig } from '../fixtures/loopback-agent-config.ts'
import type { AgentConfig } from '../../src/agent/agent-config.ts'
import { startOverlayAgent } from '../../src/agent/overlay-agent.ts'
import type { RunningOverlayAgent } from '../../src/agent/overlay-agent.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { SMALL_CLUSTER_CYCLON_CONFIG } from '../../src/protocol/cyclon/cyclon-config.ts'
import { encodeEnvelope, PEER_MESSAGES_PATH } from '../../src/runtime/peer-envelope.ts'
import type { PeerTlsMaterial } from '../../src/runtime/peer-tls-server.ts'

const dir = mkdtempSync(join(tmpdir(), 'p2pstack-mtls-'))

function openssl (...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** A CA: its key and self-signed certificate. */
function makeCa (name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`)
}

/** A certificate for an agent, signed by `ca`, valid for 127.0.0.1 as server and client. */
function makeCertificate (name: string, ca: string, subjectCn: string, extraSan = ''): PeerTlsMaterial {
  writeFileSync(join(dir, `${name}.ext`), [
    `subjectAltName=IP:127.0.0.1,DNS:localhost${extraSan === '' ? '' : `,${extraSan}`}`,
    'extendedKeyUsage=serverAuth,clientAuth'
  ].join('\n'))
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${subjectCn}`)
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`)
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8')
  return { ca: read(`${ca}.pem`), cert: read(`${name}.pem`), key: read(`${name}.key`) }
}

function agentConfig (id: string, tls: PeerTlsMaterial, introducer: { id: string, address: string } | null): AgentConfig {
  return loopbackAgentConfig({
    id,
    security: { clusterKey: null, tls },
    introducer,
    cyclon: { ...SMALL_CLUSTER_CYCLON_CONFIG, shufflePeriodMs: 200, replyTimeoutMs: 150, rejoinBackoffMs: 500 },
    metadata: { cloudlet: id, region: 'test', availabilityZone: 'nova', labels: {} }
  })
}

async function until (what: string, check: () => boolean, boundMs = 20_000): Promise<void> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > boundMs) throw new Error(`${what}: not within ${boundMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** POSTs an envelope from `senderId` to `agent` with `client`'s TLS material; resolves with the status, or the error's code. */
async function postAs (agent: RunningOverlayAgent, client: Partial<PeerTlsMaterial>, senderId: string): Promise<number | string> {
  const dispatcher = new Agent({ connect: { ...client, timeout: 5_000 } })
  const body = encodeEnvelope({
    version: 1,
    sender: { id: senderId, address: 'https://127.0.0.1:9' },
    timestampMs: Date.now(),
    nonce: randomBytes(16).toString('base64url'),
    message: { kind: 'Leave', id: senderId }
  })
  try {
    const response = await request(`${agent.url}${PEER_MESSAGES_PATH}`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher, signal: AbortSignal.timeout(10_000) })
    await response.body.dump()
    return response.statusCode
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).name
  } finally {
    await dispatcher.destroy()
  }
}

describe('mutual TLS between agents', () => {
  let a: RunningOverlayAgent
  let b: RunningOverlayAgent
  let clientC: PeerTlsMaterial
  let stranger: PeerTlsMaterial

  before(async () => {
    makeCa('cluster-ca')
    makeCa('other-ca')
    const tlsA = makeCertificate('agent-a', 'cluster-ca', 'agent-a')
    const tlsB = makeCertificate('agent-b', 'cluster-ca', 'b-host.example', 'URI:urn:p2pstack:agent:agent-b')
    clientC = makeCertificate('agent-c', 'cluster-ca', 'agent-c')
    stranger = { ...makeCertificate('stranger', 'other-ca', 'agent-a'), ca: tlsA.ca }
    a = await startOverlayAgent({ config: agentConfig('agent-a', tlsA, null), logger: silentLogger })
    b = await startOverlayAgent({ config: agentConfig('agent-b', tlsB, { id: 'agent-a', address: a.address }), logger: silentLogger })
  })

  after(async () => {
    await b?.stop()
    await a?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lets two agents find each other over HTTPS with client certificates and no cluster key', async () => {
    assert.match(a.address, /^https:\/\/127\.0\.0\.1:\d+$/)
    await until('each agent has the other in its cache', () =>
      a.status().cache.some(e => e.id === 'agent-b') && b.status().cache.some(e => e.id === 'agent-a'))
    await until('a shuffle completes', () => a.status().cyclon.shufflesCompleted + b.status().cyclon.shufflesCompleted > 0)
    const status = a.status()
    assert.deepEqual(status.authentication, { clusterKey: false, mutualTls: true })
    assert.equal(status.rejections['identity-mismatch'], 0)
    assert.equal(status.transport.connectFailures + b.status().transport.connectFailures, 0)
  })

  it('refuses a client without a certificate, and one whose certificate another CA signed, in the handshake', async () => {
    const before = a.status().rejections['tls-handshake']
    const withoutCertificate = await postAs(a, { ca: clientC.ca }, 'agent-c')
    assert.equal(typeof withoutCertificate, 'string', `answered ${withoutCertificate}`)
    const fromAnotherCa = await postAs(a, stranger, 'agent-a')
    assert.equal(typeof fromAnotherCa, 'string', `answered ${fromAnotherCa}`)
    await until('both handshakes are counted', () => a.status().rejections['tls-handshake'] >= before + 2, 5_000)
  })

  it('accepts a certified sender, and refuses one whose envelope names another agent than its certificate', async () => {
    const leavesBefore = a.status().cyclon.leavesReceived
    assert.equal(await postAs(a, clientC, 'agent-c'), 202)
    assert.equal(await postAs(a, clientC, 'agent-b'), 403)
    assert.equal(a.status().rejections['identity-mismatch'], 1)
    assert.equal(a.status().cyclon.leavesReceived, leavesBefore + 1, 'only the Leave agent-c sent as itself reached the node')
  })
})
