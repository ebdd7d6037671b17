/**
 * Nova's model as the emulated cloudlet keeps it: flavors, servers (with the copy of their
 * flavor and the network info cache Nova keeps on the instance), keypairs, quotas and
 * instance actions. camelCase here; the wire spelling is in the views.
 */

export interface FlavorRow {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly ramMb: number
  readonly diskGb: number
  readonly ephemeralGb: number
  readonly swapMb: number
  readonly rxtxFactor: number
  readonly isPublic: boolean
  readonly disabled: boolean
  readonly description: string | null
  readonly extraSpecs: Readonly<Record<string, string>>
  /** Projects given access to a private flavor. */
  readonly accessProjectIds: readonly string[]
  readonly createdAtMs: number
}

/** The flavor as the server keeps it (instance.flavor): later flavor changes do not touch it. */
export interface ServerFlavor {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly ramMb: number
  readonly diskGb: number
  readonly ephemeralGb: number
  readonly swapMb: number
  readonly extraSpecs: Readonly<Record<string, string>>
}

/** One NIC in the server's network info cache. */
export interface ServerNic {
  readonly portId: string
  readonly networkId: string
  readonly networkName: string
  readonly macAddress: string
  readonly fixedIps: ReadonlyArray<{ readonly subnetId: string, readonly ipAddress: string, readonly version: 4 | 6 }>
}

export type VmState = 'building' | 'active' | 'stopped' | 'paused' | 'suspended' | 'error' | 'deleted' | 'soft-delete' | 'rescued' | 'resized' | 'shelved' | 'shelved_offloaded'

/** What the server will do next, and when: the emulated compute's work in progress. */
export interface PendingTransition {
  readonly atMs: number
  readonly kind: 'build' | 'delete' | 'reboot' | 'stop' | 'start' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'snapshot'
  /** Build steps: 0 scheduling, 1 networking, 2 spawning; snapshot steps likewise. */
  readonly step: number
  readonly rebootType?: 'SOFT' | 'HARD'
}

export interface ServerFault {
  readonly code: number
  readonly message: string
  readonly details: string
  readonly createdAtMs: number
}

export interface ServerRow {
  readonly id: string
  /** Nova's integer instance id (instance_name is instance-%08x of it). */
  readonly internalId: number
  readonly name: string
  readonly projectId: string
  readonly userId: string
  readonly reservationId: string
  readonly launchIndex: number
  readonly vmState: VmState
  readonly taskState: string | null
  readonly powerState: number
  readonly flavor: ServerFlavor
  /** null when booted from volume. */
  readonly imageId: string | null
  readonly keyName: string | null
  readonly keyData: string | null
  readonly metadata: Readonly<Record<string, string>>
  readonly userData: string | null
  readonly description: string | null
  readonly tags: readonly string[]
  readonly availabilityZone: string
  /** The compute host, once scheduled; null if no host was found. */
  readonly host: string | null
  /** sha224(project id + host) as Nova computes it; '' without a host. */
  readonly hostId: string
  readonly hostname: string
  readonly nics: readonly ServerNic[]
  readonly securityGroups: readonly string[]
  readonly accessIPv4: string
  readonly accessIPv6: string
  readonly configDrive: string
  readonly diskConfig: 'MANUAL' | 'AUTO'
  readonly locked: boolean
  readonly lockedReason: string | null
  readonly createdAtMs: number
  readonly updatedAtMs: number
  readonly launchedAtMs: number | null
  readonly terminatedAtMs: number | null
  readonly deletedAtMs: number | null
  readonly fault: ServerFault | null
  readonly pending: PendingTransition | null
  /** Changes with every change of the row; views are cached by it. */
  readonly revision: number
  readonly schedulerHints: Readonly<Record<string, unknown>>
}

export interface KeypairRow {
  /** `<user id>/<name>`: names are unique per user. */
  readonly id: string
  readonly internalId: number
  readonly name: string
  readonly userId: string
  readonly publicKey: string
  readonly fingerprint: string
  readonly type: 'ssh' | 'x509'
  readonly createdAtMs: number
}

export const QUOTA_KEYS = [
  'instances', 'cores', 'ram', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members',
  'injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'
] as const

export type QuotaKey = typeof QUOTA_KEYS[number]

/** Nova's default quotas ([quota] section defaults). */
export const DEFAULT_QUOTAS: Readonly<Record<QuotaKey, number>> = {
  instances: 10,
  cores: 20,
  ram: 51_200,
  key_pairs: 100,
  metadata_items: 128,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10_240,
  injected_file_path_bytes: 255
}

export interface QuotaRow {
  /** The project id. */
  readonly id: string
  readonly limits: Readonly<Partial<Record<QuotaKey, number>>>
}

export interface InstanceActionRow {
  /** The request id that started the action. */
  readonly id: string
  readonly serverId: string
  readonly action: string
  readonly projectId: string
  readonly userId: string
  readonly startTimeMs: number
  readonly updatedAtMs: number
  readonly message: string | null
}
