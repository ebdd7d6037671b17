/**
 * The agent's configuration file (YAML), its schema and its loading: who the agent is, where it
 * listens and how peers reach it, how agents authenticate each other, and the overlay's
 * settings (contacts, Cyclon parameters, metadata, transport limits), placement's policy, and
 * the cloudlet behind the agent. Sections are per concern, so later ones (the cloudlet proxy, state) are added beside `overlay` without
 * touching it. Unknown fields are refused, so a typo is an error, not a silent default; every
 * error names the field. Relative file paths are taken from the config file's directory.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse, YAMLParseError } from 'yaml'
import { z } from 'zod'
import { cyclonConfigProblems, LARGE_CLUSTER_CYCLON_CONFIG, SMALL_CLUSTER_CYCLON_CONFIG } from '../protocol/cyclon/cyclon-config.ts'
import type { CyclonConfig } from '../protocol/cyclon/cyclon-config.ts'
import { DEFAULT_PLACEMENT_CONFIG, placementConfigProblems } from '../protocol/placement/placement-config.ts'
import type { PlacementConfig, PlacementPolicy } from '../protocol/placement/placement-config.ts'
import { CLUSTER_KEY_MIN_LENGTH } from '../runtime/peer-cluster-key.ts'
import { peerAddressSchema, peerIdSchema } from '../runtime/peer-envelope.ts'
import { DEFAULT_MAX_PEER_BODY_BYTES, DEFAULT_TIMESTAMP_WINDOW_MS } from '../runtime/peer-message-handler.ts'
import type { PeerTlsMaterial } from '../runtime/peer-tls-server.ts'
import { CLOUDLET_FEDERATION_MODES } from './identity/trusted-claim-headers.ts'
import type { CloudletFederationMode } from './identity/trusted-claim-headers.ts'
import { OVERLAY_MESSAGE_LIMITS } from './overlay-message-schema.ts'

const L = OVERLAY_MESSAGE_LIMITS
const positiveMs = z.number().positive()
const count = z.int().min(1)

/** An introducer is often known by its address alone; its id then only names it in logs. */
const introducerSchema = z.strictObject({
  id: peerIdSchema.optional(),
  address: peerAddressSchema
})

/** Seeds go into the cache as they are, so their ids must be their real ones. */
const seedSchema = z.strictObject({
  id: peerIdSchema,
  address: peerAddressSchema
})

const cyclonSchema = z.strictObject({
  /** Which defaults the other fields override: `small` (tens of cloudlets) or `large` (thousands). */
  preset: z.enum(['small', 'large']).default('small'),
  cacheSize: count.optional(),
  shuffleLength: count.optional(),
  shufflePeriodMs: positiveMs.optional(),
  replyTimeoutMs: positiveMs.optional(),
  joinWalkLength: z.int().min(0).max(L.maxWalkTtl).optional(),
  rejoinBackoffMs: positiveMs.optional(),
  maxPendingShuffles: count.optional()
})

const transportSchema = z.strictObject({
  connectTimeoutMs: positiveMs.default(1_000),
  requestTimeoutMs: positiveMs.default(2_000),
  queueLimitPerPeer: count.default(16),
  concurrencyPerPeer: count.default(2),
  maxPeers: count.default(256),
  keepAliveMs: positiveMs.default(10_000),
  timestampWindowMs: positiveMs.default(DEFAULT_TIMESTAMP_WINDOW_MS),
  maxBodyBytes: count.default(DEFAULT_MAX_PEER_BODY_BYTES),
  maxNonces: count.default(65_536)
})

/**
 * Placement (issue 4): `policy` is p2c (d = 2), choices (with `d`), random, round-robin or
 * least-loaded; `loadSource` fresh (asked at decision time) or board (refreshed every
 * loadRefreshMs); the rest override DEFAULT_PLACEMENT_CONFIG.
 */
const placementSchema = z.strictObject({
  policy: z.enum(['p2c', 'choices', 'random', 'round-robin', 'least-loaded']).default('p2c'),
  d: z.int().min(1).max(16).optional(),
  loadSource: z.enum(['fresh', 'board']).default('fresh'),
  sampler: z.enum(['walk', 'view']).default('walk'),
  walkLength: z.int().min(0).max(L.maxWalkTtl).optional(),
  walkExtraHops: z.int().min(0).max(L.maxWalkTtl).optional(),
  samplePoolSize: z.int().min(0).max(1_024).optional(),
  sampleMaxAgeMs: positiveMs.optional(),
  queryTimeoutMs: positiveMs.optional(),
  maxAttempts: count.max(16).optional(),
  reservationTtlMs: positiveMs.optional(),
  loadRefreshMs: count.optional(),
  maxPendingPlacements: count.optional()
}).refine(p => p.d === undefined || p.policy === 'choices', { message: 'd is only for policy "choices"', path: ['d'] })

/**
 * The cloudlet behind this agent: its Keystone and the admin credentials the agent uses for
 * its own calls (for now: the load from Placement). Without it the agent has no capacity.
 */
const cloudletSchema = z.strictObject({
  authUrl: z.url({ protocol: /^https?$/ }),
  username: z.string().min(1).default('admin'),
  password: z.string().min(1).optional(),
  passwordFile: z.string().min(1).optional(),
  project: z.string().min(1).default('admin'),
  userDomain: z.string().min(1).default('Default'),
  projectDomain: z.string().min(1).default('Default'),
  region: z.string().min(1).optional(),
  loadRefreshMs: positiveMs.default(2_000),
  /**
   * How the agent logs users in to the cloudlet's Keystone (docs/IDENTITY.md): `bearer` (the
   * user's JWT as OIDC bearer token, verified in front of Keystone, e.g. by mod_auth_openidc) or
   * `trusted-headers` (the agent passes the claims it verified as OIDC-* headers; only while
   * nothing but the agent can reach that Keystone).
   */
  federation: z.enum(CLOUDLET_FEDERATION_MODES, { error: issue => `must be one of ${CLOUDLET_FEDERATION_MODES.join(', ')} (got ${JSON.stringify(issue.input)}): bearer when something in front of Keystone verifies the bearer token (mod_auth_openidc), trusted-headers when only this agent can reach Keystone` }).default('bearer')
}).refine(c => (c.password === undefined) !== (c.passwordFile === undefined), 'give password or passwordFile (one of them)')

/**
 * The identity provider (issue 5): where users' tokens come from. Agents check tokens locally
 * with its public keys (`issuer` names it; by default `<provider>/identity`), and forward
 * logins and identity management to it.
 */
const identitySchema = z.strictObject({
  provider: z.url({ protocol: /^https?$/ }),
  issuer: z.url({ protocol: /^https?$/ }).optional(),
  /** A user of the provider with the admin or service role: the agent reads revocation events with it. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  passwordFile: z.string().min(1).optional(),
  project: z.string().min(1).default('service'),
  /** How often revocation events are read from the provider: the bound on honouring a revocation made elsewhere. */
  revocationPollMs: positiveMs.max(3_600_000).default(5_000)
}).refine(i => !(i.password !== undefined && i.passwordFile !== undefined), 'give password or passwordFile, not both')
  .refine(i => (i.username === undefined) === (i.password === undefined && i.passwordFile === undefined), 'give username with password or passwordFile (the credentials for revocation events), or none of them')

/** The service proxy (issue 6): how long a list waits for a cloudlet, and a forwarded call for an answer. */
const proxySchema = z.strictObject({
  listTimeoutMs: positiveMs.max(60_000).default(2_000),
  forwardTimeoutMs: positiveMs.max(600_000).default(60_000),
  /** The base URL clients use for this agent (catalog, links); default: the advertised address. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional()
})

/** The image store of the services node (issue 7): where image bytes go; writes are signed with the cluster key. */
const imageStoreSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ })
})

const text = z.string().max(L.textLength)

const metadataSchema = z.strictObject({
  cloudlet: text.default(''),
  region: text.default(''),
  availabilityZone: text.default(''),
  labels: z.record(z.string().min(1).max(L.labelKeyLength), z.string().max(L.labelValueLength))
    .refine(labels => Object.keys(labels).length <= L.labelCount, `at most ${L.labelCount} labels`)
    .default({})
})

const agentConfigFileSchema = z.strictObject({
  id: peerIdSchema,
  listen: z.strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(65_535)
  }),
  /** How peers reach this agent; by default the listening URL (which needs a specific host). */
  advertisedAddress: peerAddressSchema.optional(),
  security: z.strictObject({
    clusterKey: z.string().min(CLUSTER_KEY_MIN_LENGTH).optional(),
    clusterKeyFile: z.string().min(1).optional(),
    tls: z.strictObject({ caFile: z.string().min(1), certFile: z.string().min(1), keyFile: z.string().min(1) }).optional()
  }).refine(s => !(s.clusterKey !== undefined && s.clusterKeyFile !== undefined), 'give clusterKey or clusterKeyFile, not both')
    .refine(s => s.clusterKey !== undefined || s.clusterKeyFile !== undefined || s.tls !== undefined, 'agents must authenticate each other: give clusterKey, clusterKeyFile or tls'),
  overlay: z.strictObject({
    introducer: introducerSchema.optional(),
    seeds: z.array(seedSchema).max(64).default([]),
    cyclon: cyclonSchema.prefault({}),
    metadata: metadataSchema.prefault({}),
    transport: transportSchema.prefault({})
  }).prefault({}),
  placement: placementSchema.prefault({}),
  cloudlet: cloudletSchema.optional(),
  identity: identitySchema.optional(),
  proxy: proxySchema.prefault({}),
  imageStore: imageStoreSchema.optional(),
  /** Where the agent keeps its state (locations, footprint); relative to the config file. Without it the state is in memory. */
  dataDir: z.string().min(1).optional()
})

type AgentConfigFile = z.infer<typeof agentConfigFileSchema>

export interface PeerContact {
  readonly id: string
  readonly address: string
}

/** A checked configuration, with its defaults filled in and its secrets read. */
export interface AgentConfig {
  readonly id: string
  readonly listen: { readonly host: string, readonly port: number }
  readonly advertisedAddress: string | null
  readonly security: {
    readonly clusterKey: string | null
    readonly tls: PeerTlsMaterial | null
  }
  readonly overlay: {
    readonly introducer: PeerContact | null
    readonly seeds: readonly PeerContact[]
    readonly cyclon: CyclonConfig
    readonly metadata: AgentConfigFile['overlay']['metadata']
    readonly transport: AgentConfigFile['overlay']['transport']
  }
  readonly placement: PlacementConfig
  readonly cloudlet: CloudletConnection | null
  readonly identity: IdentityConnection | null
  readonly proxy: { readonly listTimeoutMs: number, readonly forwardTimeoutMs: number, readonly publicUrl: string | null }
  /** The image store; null: images stay in the cloudlet they were made in. */
  readonly imageStore: { readonly url: string } | null
  /** Absolute; null keeps the state in memory. */
  readonly dataDir: string | null
}

/** The identity provider, and the agent's credentials there (for revocation events), if any. */
export interface IdentityConnection {
  readonly provider: string
  readonly issuer: string
  readonly credentials: { readonly username: string, readonly password: string, readonly project: string } | null
  readonly revocationPollMs: number
}

/** The credentials of a CloudletConnection, as KeystonePasswordTokenSource takes them. */
export function cloudletAdminCredentials (cloudlet: CloudletConnection): { authUrl: string, user: string, password: string, project: string, userDomain: string, projectDomain: string } {
  return { authUrl: cloudlet.authUrl, user: cloudlet.username, password: cloudlet.password, project: cloudlet.project, userDomain: cloudlet.userDomain, projectDomain: cloudlet.projectDomain }
}

/** How the agent reaches its cloudlet as its admin. */
export interface CloudletConnection {
  readonly authUrl: string
  readonly username: string
  readonly password: string
  readonly project: string
  readonly userDomain: string
  readonly projectDomain: string
  readonly region: string | null
  readonly loadRefreshMs: number
  /** How users are logged in to the cloudlet's Keystone; absent: `bearer`. */
  readonly federation?: CloudletFederationMode
}

export class AgentConfigError extends Error {
  readonly code = 'P2P_ERR_CONFIG_INVALID'
}

/** Reads, parses and checks a config file; relative paths in it are from its directory. */
export function loadAgentConfig (path: string): AgentConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new AgentConfigError(`${path}: cannot read the file (${(error as Error).message})`)
  }
  return parseAgentConfig(text, { source: path, baseDir: dirname(resolve(path)) })
}

/** Parses and checks a config from YAML text; `source` names it in errors. */
export function parseAgentConfig (yamlText: string, options: { source: string, baseDir: string }): AgentConfig {
  const fail = (problems: string[]): never => {
    throw new AgentConfigError(`${options.source}: invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
  }
  let document: unknown
  try {
    document = parse(yamlText)
  } catch (error) {
    if (error instanceof YAMLParseError) fail([`not valid YAML: ${error.message.split('\n')[0] ?? ''}`])
    throw error
  }
  const result = agentConfigFileSchema.safeParse(document ?? {})
  if (!result.success) fail(result.error.issues.map(i => `${i.path.length === 0 ? '(top level)' : i.path.map(String).join('.')}: ${i.message}`))
  const file = (result as { data: AgentConfigFile }).data

  const { preset, ...overrides } = file.overlay.cyclon
  const cyclon: CyclonConfig = { ...(preset === 'large' ? LARGE_CLUSTER_CYCLON_CONFIG : SMALL_CLUSTER_CYCLON_CONFIG), ...definedOnly(overrides) }
  const problems = cyclonConfigProblems(cyclon).map(p => `overlay.cyclon: ${p}`)
  const placement = placementConfig(file.placement)
  problems.push(...placementConfigProblems(placement).map(p => `placement: ${p}`))
  if (file.advertisedAddress === undefined && ['0.0.0.0', '::', '[::]'].includes(file.listen.host)) {
    problems.push('advertisedAddress: required when listen.host is a wildcard address (peers cannot reach 0.0.0.0)')
  }
  const tlsFiles = file.security.tls
  if (tlsFiles !== undefined && file.advertisedAddress !== undefined && !file.advertisedAddress.startsWith('https:')) {
    problems.push('advertisedAddress: must be an https:// URL when security.tls is set')
  }
  if (tlsFiles === undefined && file.advertisedAddress !== undefined && !file.advertisedAddress.startsWith('http:')) {
    problems.push('advertisedAddress: must be an http:// URL without security.tls')
  }
  const read = (field: string, relative: string): string => {
    const full = resolve(options.baseDir, relative)
    try {
      return readFileSync(full, 'utf8')
    } catch (error) {
      problems.push(`${field}: cannot read ${full} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
      return ''
    }
  }
  let clusterKey = file.security.clusterKey ?? null
  if (file.security.clusterKeyFile !== undefined) {
    clusterKey = read('security.clusterKeyFile', file.security.clusterKeyFile).trim()
    if (clusterKey.length > 0 && clusterKey.length < CLUSTER_KEY_MIN_LENGTH) problems.push(`security.clusterKeyFile: the key needs at least ${CLUSTER_KEY_MIN_LENGTH} characters`)
  }
  const tls = tlsFiles === undefined
    ? null
    : { ca: read('security.tls.caFile', tlsFiles.caFile), cert: read('security.tls.certFile', tlsFiles.certFile), key: read('security.tls.keyFile', tlsFiles.keyFile) }
  const cloudletFile = file.cloudlet
  const cloudlet: CloudletConnection | null = cloudletFile === undefined
    ? null
    : {
        authUrl: cloudletFile.authUrl,
        username: cloudletFile.username,
        password: cloudletFile.passwordFile === undefined ? cloudletFile.password ?? '' : read('cloudlet.passwordFile', cloudletFile.passwordFile).trim(),
        project: cloudletFile.project,
        userDomain: cloudletFile.userDomain,
        projectDomain: cloudletFile.projectDomain,
        region: cloudletFile.region ?? null,
        loadRefreshMs: cloudletFile.loadRefreshMs,
        federation: cloudletFile.federation
      }
  const identityFile = file.identity
  const identity: IdentityConnection | null = identityFile === undefined
    ? null
    : {
        provider: stripSlash(identityFile.provider),
        issuer: stripSlash(identityFile.issuer ?? `${stripSlash(identityFile.provider)}/identity`),
        credentials: identityFile.username === undefined
          ? null
          : { username: identityFile.username, password: identityFile.passwordFile === undefined ? identityFile.password ?? '' : read('identity.passwordFile', identityFile.passwordFile).trim(), project: identityFile.project },
        revocationPollMs: identityFile.revocationPollMs
      }
  if (file.identity !== undefined && cloudletFile === undefined) problems.push('identity: the service proxy needs the cloudlet it fronts (cloudlet section)')
  if (file.identity !== undefined && file.security.tls !== undefined) problems.push('security.tls: the service proxy serves the OpenStack APIs on the agent\'s one listener, which mutual TLS would close to ordinary clients; use the cluster key with identity (mutual TLS for the proxy needs a separate API listener, not built yet)')
  if (file.imageStore !== undefined && clusterKey === null) problems.push('security: uploads to the image store are signed with the cluster key; give clusterKey or clusterKeyFile')
  if (file.identity !== undefined && clusterKey === null) problems.push('security: the service proxy forwards calls between agents signed with the cluster key; give clusterKey or clusterKeyFile')
  if (problems.length > 0) fail(problems)

  const contact = (c: { id?: string | undefined, address: string }): PeerContact => ({ id: c.id ?? c.address, address: c.address })
  return {
    id: file.id,
    listen: file.listen,
    advertisedAddress: file.advertisedAddress ?? null,
    security: { clusterKey, tls },
    overlay: {
      introducer: file.overlay.introducer === undefined ? null : contact(file.overlay.introducer),
      seeds: file.overlay.seeds.map(contact),
      cyclon,
      metadata: file.overlay.metadata,
      transport: file.overlay.transport
    },
    placement,
    cloudlet,
    identity,
    proxy: { listTimeoutMs: file.proxy.listTimeoutMs, forwardTimeoutMs: file.proxy.forwardTimeoutMs, publicUrl: file.proxy.publicUrl === undefined ? null : stripSlash(file.proxy.publicUrl) },
    imageStore: file.imageStore === undefined ? null : { url: stripSlash(file.imageStore.url) },
    dataDir: file.dataDir === undefined ? null : resolve(options.baseDir, file.dataDir)
  }
}

function stripSlash (url: string): string {
  return url.replace(/\/+$/, '')
}

function placementConfig (file: AgentConfigFile['placement']): PlacementConfig {
  const { policy: name, d, loadSource, sampler, ...overrides } = file
  const policy: PlacementPolicy = name === 'p2c'
    ? { kind: 'choices', d: 2 }
    : name === 'choices' ? { kind: 'choices', d: d ?? 2 } : { kind: name }
  return { ...DEFAULT_PLACEMENT_CONFIG, ...definedOnly(overrides), policy, loadSource, sampler }
}

function definedOnly<T extends object> (value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}
