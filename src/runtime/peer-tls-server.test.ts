/**
 * How a client certificate names an agent: a `urn:p2pstack:agent:` SAN URI first, else the
 * subject CN, and nothing when neither is a valid agent id. (The handshake itself is tested on
 * real sockets in test/integration/overlay-mtls.test.ts.)
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerCertificate } from 'node:tls'
import { certificateAgentId } from './peer-tls-server.ts'

const certificate = (cn: string | undefined, san?: string): Pick<PeerCertificate, 'subject' | 'subjectaltname'> =>
  ({ subject: (cn === undefined ? {} : { CN: cn }) as PeerCertificate['subject'], ...(san === undefined ? {} : { subjectaltname: san }) }) as Pick<PeerCertificate, 'subject' | 'subjectaltname'>

describe('certificateAgentId', () => {
  it('takes the agent id from a urn:p2pstack:agent SAN URI before the CN', () => {
    assert.equal(certificateAgentId(certificate('host.example', 'DNS:host.example, IP Address:127.0.0.1, URI:urn:p2pstack:agent:agent-7')), 'agent-7')
  })

  it('falls back to the subject CN', () => {
    assert.equal(certificateAgentId(certificate('agent-3', 'DNS:localhost')), 'agent-3')
    assert.equal(certificateAgentId(certificate('agent-3')), 'agent-3')
  })

  it('names nobody when the certificate names no valid agent id', () => {
    assert.equal(certificateAgentId(null), null)
    assert.equal(certificateAgentId(certificate(undefined)), null)
    assert.equal(certificateAgentId(certificate('has spaces')), null)
    assert.equal(certificateAgentId(certificate('agent-3', 'URI:urn:p2pstack:agent:bad id')), null, 'a bad SAN id is not replaced by the CN')
  })
})
