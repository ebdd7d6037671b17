/**
 * Issue 7 §6: the foundation's whole `openstack` CLI scenario (test/fixtures/foundation-cli-scenario.ts)
 * through agent A of 4 agents over 4 emulated cloudlets — the embedded default with its image
 * store, in this process. Flavor, keypair, image (uploaded through the store), network, subnet,
 * security group and rule are made through agent A wherever they land; the two servers go where
 * the scheduler puts them, with whatever they need copied there; lists, shows by name, actions,
 * hypervisor statistics, quotas, limits and deletes answer as one cloud's would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_IMAGE, HOST_COUNTS, startLocalCluster } from '../../src/agent/local-cluster.ts'
import { silentLogger } from '../../src/core/ports.ts'
import { foundationCliScenario } from '../fixtures/foundation-cli-scenario.ts'
import { openstackCli } from '../fixtures/openstack-cli.ts'

const CLOUDLETS = 4

foundationCliScenario('the foundation CLI scenario through agent A over 4 cloudlets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-foundation-agents-'))
  const cluster = await startLocalCluster({ host: '127.0.0.1', basePort: 0, cloudlets: CLOUDLETS, dataDir: join(dir, 'data'), adminPassword: 'secret', demoPassword: null, logger: silentLogger, transitionDelayMs: 200, cyclon: { shufflePeriodMs: 300, replyTimeoutMs: 250 } })
  try {
    await cluster.converged(60_000)
  } catch (error) {
    await cluster.stop()
    throw error
  }
  const cli = openstackCli(dir, 300_000)
  const user = { authUrl: `${cluster.entryUrl}/identity`, user: 'admin', password: 'secret', project: 'admin', region: cluster.region }
  return {
    target: {
      dir,
      openstack: async args => await cli.text(user, args),
      openstackJson: async args => await cli.json(user, args),
      stop: async () => {
        await cluster.stop()
        rmSync(dir, { recursive: true, force: true })
      }
    },
    expected: { catalog: ['compute', 'identity', 'image', 'network'], hypervisors: Array.from({ length: CLOUDLETS }, (_, i) => HOST_COUNTS[i % HOST_COUNTS.length] ?? 2).reduce((a, b) => a + b, 0), imagesBefore: [DEFAULT_IMAGE.name] }
  }
})
