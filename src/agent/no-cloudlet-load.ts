/**
 * The load of an agent that has no cloudlet behind it (an introducer, a test agent): no
 * capacity of any class, so nothing fits and placement never chooses it, while the agent still
 * takes part in walks and places for others.
 */
import type { CloudletLoad } from '../protocol/placement/cloudlet-load.ts'

export const NO_CLOUDLET_LOAD: CloudletLoad = {
  vcpus: { capacity: 0, used: 0 },
  memoryMb: { capacity: 0, used: 0 },
  diskGb: { capacity: 0, used: 0 }
}
