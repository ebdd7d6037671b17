/**
 * The settings of an emulated cloudlet, with the defaults of a small devstack-like OpenStack:
 * region RegionOne, availability zone nova, Nova's default allocation ratios and reserved
 * host memory, one-hour tokens.
 */
import type { FederationFrontEnd } from './identity/federation-auth.ts'

export interface HostCapacity {
  readonly count: number
  readonly vcpus: number
  readonly ramMb: number
  readonly diskGb: number
}

export interface CloudletConfig {
  /** Names the cloudlet: host names are `<name>-host-<n>`. */
  readonly name: string
  readonly region: string
  readonly availabilityZone: string
  /** Base of catalog URLs; null means "the origin each client used". */
  readonly publicUrl: string | null
  readonly admin: { readonly user: string, readonly password: string, readonly project: string }
  readonly hosts: HostCapacity
  /** Nova's initial_*_allocation_ratio. */
  readonly allocationRatios: { readonly vcpu: number, readonly ramMb: number, readonly diskGb: number }
  /** Nova's reserved_host_memory_mb and reserved_host_disk_mb (in GB here). */
  readonly reserved: { readonly ramMb: number, readonly diskGb: number }
  /** How long a server build, an action or an image import takes. */
  readonly transitionDelayMs: number
  readonly tokenTtlMs: number
  /** Hosts that Glance web-download may fetch from (exact host names or `*.suffix`); empty allows none. */
  readonly webDownloadAllowedHosts: readonly string[]
  /** Seed the devstack flavors m1.tiny … m1.xlarge (ids 1–5). */
  readonly defaultFlavors: boolean
  /** The highest compute microversion served (an older Nova's); null: the emulator's highest. */
  readonly computeMaxMicroversion: string | null
  /**
   * What checks federated logins in front of Keystone: `oidc-bearer` (mod_auth_openidc, the
   * default) or `trusted-headers` (nothing, as a real Keystone under uwsgi: OIDC-* headers are
   * the assertion). See identity/federation-auth.ts.
   */
  readonly federationFrontEnd?: FederationFrontEnd
}

export const DEFAULT_CLOUDLET_CONFIG: CloudletConfig = {
  name: 'cloudlet',
  region: 'RegionOne',
  availabilityZone: 'nova',
  publicUrl: null,
  admin: { user: 'admin', password: 'secret', project: 'admin' },
  hosts: { count: 2, vcpus: 8, ramMb: 16_384, diskGb: 200 },
  allocationRatios: { vcpu: 4.0, ramMb: 1.0, diskGb: 1.0 },
  reserved: { ramMb: 512, diskGb: 0 },
  transitionDelayMs: 1000,
  tokenTtlMs: 3_600_000,
  webDownloadAllowedHosts: [],
  defaultFlavors: true,
  computeMaxMicroversion: null
}
