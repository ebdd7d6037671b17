/**
 * The emulated Neutron v2.0 (networks, subnets with IPAM, ports, security groups and rules,
 * extensions, quotas, auto-allocated topology), served under /networking, and the
 * ComputeNetworking it offers the emulated Nova.
 */
import type { Clock, Logger, Random, Store } from '../../core/ports.ts'
import type { TimeDriven } from '../time-driven.ts'
import type { ServiceApi } from '../service-host.ts'
import { unbuilt, unbuiltService } from '../unbuilt-service.ts'
import type { ComputeNetworking } from './compute-networking.ts'

export interface NetworkEmulatorPorts {
  readonly clock: Clock
  readonly random: Random
  readonly store: Store
  readonly logger: Logger
}

export interface NetworkEmulatorSettings {
  /** The availability zone of the cloudlet (network availability_zones, port device_owner). */
  readonly availabilityZone: string
}

export interface EmulatedNetwork {
  readonly api: ServiceApi
  readonly forCompute: ComputeNetworking
  readonly timeDriven: TimeDriven | null
}

export function createEmulatedNetwork (_ports: NetworkEmulatorPorts, _settings: NetworkEmulatorSettings): EmulatedNetwork {
  return {
    api: unbuiltService('network'),
    forCompute: {
      allocateForServer: () => unbuilt('networking'),
      validateForServer: () => unbuilt('networking'),
      deallocateForServer: () => unbuilt('networking'),
      portsOfServer: () => [],
      securityGroupNamesOfServer: () => [],
      resolveSecurityGroups: () => unbuilt('networking')
    },
    timeDriven: null
  }
}
