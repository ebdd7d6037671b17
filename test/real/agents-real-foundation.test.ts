/**
 * Issue 8 §3: the foundation's whole `openstack` CLI scenario (test/fixtures/foundation-cli-scenario.ts)
 * through agent A of two agents in front of two REAL cloudlets (real-agents-fixture.ts), with the
 * services node's image store: the flavor, keypair, image (its bytes through the store, imported
 * into the real Glance by web-download), network, subnet, security group and rule made through
 * agent A; the servers go where the scheduler puts them, their global objects copied into that
 * real cloudlet first (an image by web-download from the store, a network with its own slice of
 * the subnet's pool); lists, actions, hypervisor statistics, quotas, limits and deletes as one
 * cloud's. `npm run test:real`; P2PSTACK_REAL_REUSE_RUNNING=1 and P2PSTACK_REAL_DEBUG=1 as in
 * agents-real.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/core/ports.ts'
import { createLogger } from '../../src/runtime/logger.ts'
import { foundationCliScenario } from '../fixtures/foundation-cli-scenario.ts'
import { openstackCli } from '../fixtures/openstack-cli.ts'
import { REAL_REGION, startRealAgents } from './real-agents-fixture.ts'

const MINUTE = 60_000

foundationCliScenario('the foundation CLI scenario through agent A over two real cloudlets', async () => {
  const logger = process.env.P2PSTACK_REAL_DEBUG === '1' ? createLogger({ level: 'debug', name: 'agents-real-foundation' }) : silentLogger
  const times: string[] = []
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now()
    const result = await work()
    times.push(`${what}: ${Date.now() - started} ms`)
    return result
  }
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-real-foundation-'))
  const real = await startRealAgents({ logger, timed, imageStore: true })
  const cli = openstackCli(dir, 5 * MINUTE)
  const agentA = real.agents[0]
  if (agentA === undefined) throw new Error('agent A did not start')
  const user = { authUrl: `${agentA.publicUrl}/identity`, user: 'admin', password: 'secret', project: 'admin', region: REAL_REGION }
  const seeded = [...new Set(real.clouds.map(c => c.description.seed.image.name))]
  return {
    target: {
      dir,
      openstack: async args => await cli.text(user, args),
      openstackJson: async args => await cli.json(user, args),
      stop: async () => {
        await real.stop()
        rmSync(dir, { recursive: true, force: true })
        console.log(`# wall times:\n${times.map(t => `#   ${t}`).join('\n')}`)
      }
    },
    // One fake-driver compute host per real cloudlet; the agents offer no placement endpoint.
    expected: { catalog: ['compute', 'identity', 'image', 'network'], hypervisors: real.clouds.length, imagesBefore: seeded }
  }
}, { timeout: 60 * MINUTE })
