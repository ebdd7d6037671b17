/**
 * The agent's config file: the smallest valid file and the defaults it gets, the presets and
 * overrides of Cyclon's parameters, files read relative to the config, and refusals whose
 * messages name the field at fault.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { LARGE_CLUSTER_CYCLON_CONFIG, SMALL_CLUSTER_CYCLON_CONFIG } from '../protocol/cyclon/cyclon-config.ts'
import { AgentConfigError, loadAgentConfig, parseAgentConfig } from './agent-config.ts'

const KEY = 'k'.repeat(40)
const parse = (text: string, baseDir = '/nonexistent'): ReturnType<typeof parseAgentConfig> => parseAgentConfig(text, { source: 'agent.yaml', baseDir })

function refusal (text: string, baseDir?: string): string {
  try {
    parse(text, baseDir)
  } catch (error) {
    assert.ok(error instanceof AgentConfigError)
    assert.equal(error.code, 'P2P_ERR_CONFIG_INVALID')
    return error.message
  }
  assert.fail('the config was accepted')
}

describe('parseAgentConfig', () => {
  it('fills in the small-cluster Cyclon defaults and the transport limits for a minimal file', () => {
    const config = parse(`id: agent-1\nlisten: { port: 4001 }\nsecurity: { clusterKey: "${KEY}" }\n`)
    assert.equal(config.listen.host, '127.0.0.1')
    assert.equal(config.advertisedAddress, null)
    assert.deepEqual(config.overlay.cyclon, SMALL_CLUSTER_CYCLON_CONFIG)
    assert.equal(config.overlay.introducer, null)
    assert.deepEqual(config.overlay.seeds, [])
    assert.deepEqual(config.overlay.metadata, { cloudlet: '', region: '', availabilityZone: '', labels: {} })
    assert.equal(config.overlay.transport.requestTimeoutMs, 2_000)
    assert.equal(config.security.clusterKey, KEY)
    assert.equal(config.security.tls, null)
  })

  it('reads the service proxy sections: cloudlet, identity (issuer from the provider), proxy timeouts and the data directory', () => {
    const config = parse([
      'id: agent-1',
      'listen: { port: 4001 }',
      `security: { clusterKey: "${KEY}" }`,
      'cloudlet: { authUrl: "http://127.0.0.1:8201/identity", password: pw }',
      'identity: { provider: "http://127.0.0.1:8100/" }',
      'proxy: { listTimeoutMs: 1500 }',
      'dataDir: state'
    ].join('\n'), '/etc/p2pstack')
    assert.deepEqual(config.identity, { provider: 'http://127.0.0.1:8100', issuer: 'http://127.0.0.1:8100/identity', credentials: null, revocationPollMs: 5_000 })
    assert.deepEqual(config.proxy, { listTimeoutMs: 1500, forwardTimeoutMs: 60_000, publicUrl: null })
    assert.equal(config.dataDir, '/etc/p2pstack/state')
    assert.equal(config.cloudlet?.password, 'pw')
    assert.equal(config.cloudlet?.federation, 'bearer', 'the default federation')
  })

  it('takes cloudlet.federation bearer or trusted-headers, and refuses anything else with the choices', () => {
    const withFederation = (value: string): string => `id: a\nlisten: { port: 1 }\nsecurity: { clusterKey: "${KEY}" }\ncloudlet: { authUrl: "http://127.0.0.1:1/v3", password: p, federation: ${value} }`
    assert.equal(parse(withFederation('trusted-headers'), '/etc').cloudlet?.federation, 'trusted-headers')
    assert.equal(parse(withFederation('bearer'), '/etc').cloudlet?.federation, 'bearer')
    const message = refusal(withFederation('headers'))
    assert.match(message, /cloudlet\.federation: must be one of bearer, trusted-headers \(got "headers"\)/)
    assert.match(message, /trusted-headers when only this agent can reach Keystone/)
  })

  it('takes a preset and overrides, contacts, metadata and transport limits', () => {
    const config = parse([
      'id: agent-2',
      'listen: { host: 0.0.0.0, port: 0 }',
      'advertisedAddress: http://agent-2.example:4001',
      `security: { clusterKey: "${KEY}" }`,
      'overlay:',
      '  introducer: { address: "http://intro.example:4000" }',
      '  seeds: [{ id: agent-9, address: "http://agent-9.example:4001" }]',
      '  cyclon: { preset: large, shufflePeriodMs: 2000, replyTimeoutMs: 500 }',
      '  metadata: { cloudlet: edge-1, region: eu, availabilityZone: az1, labels: { site: lab } }',
      '  transport: { queueLimitPerPeer: 4 }'
    ].join('\n'))
    assert.deepEqual(config.overlay.cyclon, { ...LARGE_CLUSTER_CYCLON_CONFIG, shufflePeriodMs: 2000, replyTimeoutMs: 500 })
    assert.deepEqual(config.overlay.introducer, { id: 'http://intro.example:4000', address: 'http://intro.example:4000' })
    assert.deepEqual(config.overlay.seeds, [{ id: 'agent-9', address: 'http://agent-9.example:4001' }])
    assert.equal(config.overlay.metadata.labels.site, 'lab')
    assert.equal(config.overlay.transport.queueLimitPerPeer, 4)
    assert.equal(config.overlay.transport.concurrencyPerPeer, 2)
  })

  it('names every field at fault', () => {
    const message = refusal([
      'id: "agent 1"',
      'listen: { port: 70000 }',
      'security: { clusterKey: short }',
      'overlay:',
      '  cyclon: { cacheSize: many, shufflePeriodMs: 1000 }',
      '  metadata: { colour: blue }',
      '  seeds: [{ address: "http://x:1" }]'
    ].join('\n'))
    for (const field of ['id:', 'listen.port:', 'security.clusterKey:', 'overlay.cyclon.cacheSize:', 'overlay.metadata:', 'overlay.seeds.0.id:']) {
      assert.ok(message.includes(`  - ${field}`), `${field} in ${message}`)
    }
    assert.match(message, /^agent\.yaml: invalid configuration:/)
  })

  it('refuses Cyclon parameters that do not fit together, a missing authentication, and unknown fields', () => {
    assert.match(refusal(`id: a\nlisten: { port: 1 }\nsecurity: { clusterKey: "${KEY}" }\noverlay: { cyclon: { shufflePeriodMs: 100, replyTimeoutMs: 200 } }`), /overlay\.cyclon: replyTimeoutMs must be positive and shorter than shufflePeriodMs/)
    assert.match(refusal('id: a\nlisten: { port: 1 }\nsecurity: {}'), /security: agents must authenticate each other/)
    assert.match(refusal('id: a\nlisten: { port: 1 }'), /security:/)
    assert.match(refusal(`id: a\nlisten: { port: 1 }\nsecurity: { clusterKey: "${KEY}" }\nproxi: {}`), /\(top level\): Unrecognized key: "proxi"/)
    assert.match(refusal(`id: a\nlisten: { port: 1 }\nsecurity: { clusterKey: "${KEY}" }\nidentity: { provider: "http://127.0.0.1:5000" }`), /identity: the service proxy needs the cloudlet it fronts/)
    assert.match(refusal(`id: a\nlisten: { port: 1 }\nsecurity: { clusterKey: "${KEY}" }\nproxy: { listTimeoutMs: -1 }`), /proxy\.listTimeoutMs/)
    assert.match(refusal(`id: a\nlisten: { port: 1 }\nsecurity: { clusterKey: "${KEY}", tls: { caFile: a, certFile: b, keyFile: c } }\ncloudlet: { authUrl: "http://127.0.0.1:1/identity", password: p }\nidentity: { provider: "http://127.0.0.1:2" }`), /security\.tls: the service proxy/)
    assert.match(refusal(`id: a\nlisten: { host: 0.0.0.0, port: 1 }\nsecurity: { clusterKey: "${KEY}" }`), /advertisedAddress: required when listen\.host is a wildcard/)
    assert.match(refusal('id: [unclosed\n'), /not valid YAML/)
  })

  it('reads the key and the TLS files relative to the config file, and names the one it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2pstack-agent-config-'))
    after(() => { rmSync(dir, { recursive: true, force: true }) })
    writeFileSync(join(dir, 'cluster.key'), `${KEY}\n`)
    writeFileSync(join(dir, 'ca.pem'), 'CA')
    writeFileSync(join(dir, 'agent.pem'), 'CERT')
    writeFileSync(join(dir, 'agent.yaml'), 'id: a\nlisten: { port: 0 }\nsecurity: { clusterKeyFile: cluster.key }\n')
    assert.equal(loadAgentConfig(join(dir, 'agent.yaml')).security.clusterKey, KEY)
    const tls = 'id: a\nlisten: { port: 0 }\nadvertisedAddress: https://a.example:4001\nsecurity: { tls: { caFile: ca.pem, certFile: agent.pem, keyFile: agent-key.pem } }\n'
    assert.match(refusal(tls, dir), /security\.tls\.keyFile: cannot read .*agent-key\.pem \(ENOENT\)/)
    writeFileSync(join(dir, 'agent-key.pem'), 'KEY')
    assert.deepEqual(parse(tls, dir).security.tls, { ca: 'CA', cert: 'CERT', key: 'KEY' })
    assert.match(refusal(tls.replace('https://', 'http://'), dir), /advertisedAddress: must be an https:\/\/ URL when security\.tls is set/)
    assert.throws(() => loadAgentConfig(join(dir, 'missing.yaml')), { code: 'P2P_ERR_CONFIG_INVALID' })
  })
})
