/**
 * The foundation's acceptance scenario (test/fixtures/foundation-cli-scenario.ts) with the real
 * `openstack` CLI against a freshly started emulated cloudlet on loopback.
 */
import { startCliCloudlet } from '../fixtures/cli-cloudlet.ts'
import { foundationCliScenario } from '../fixtures/foundation-cli-scenario.ts'

foundationCliScenario('openstack CLI scenario against an emulated cloudlet', async () => {
  const cloud = await startCliCloudlet()
  return { target: cloud, expected: { catalog: ['compute', 'identity', 'image', 'network', 'placement'], hypervisors: 2, imagesBefore: [] } }
})
