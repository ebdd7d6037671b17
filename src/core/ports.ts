/**
 * The ports: every source of nondeterminism and every kind of I/O that the pure layers need,
 * as small interfaces. The runtime implements them with Node.js; the simulator and the tests
 * implement them deterministically. Nothing outside src/runtime may reach the real clock,
 * randomness, disk or network except through these.
 */

/** Time, as two timelines. */
export interface Clock {
  /** Milliseconds on a monotonic timeline: virtual in the simulator, process uptime in the agent. */
  nowMs(): number
  /** Milliseconds since the Unix epoch, for timestamps that users see and that survive a restart. */
  wallClockMs(): number
}

/** The only randomness the pure layers may use. Seeded in the simulator and in tests. */
export interface Random {
  /** Uniform integer in [0, maxExclusive). `maxExclusive` is a positive safe integer. */
  int(maxExclusive: number): number
  /** `length` uniform random bytes. */
  bytes(length: number): Uint8Array
  /** An independent child stream; `label` says who uses it (e.g. 'cyclon', 'node-4711'). */
  fork(label: string): Random
}

/** Where a peer is: its id and the address its transport reaches it at. */
export interface PeerAddress {
  readonly id: string
  readonly address: string
}

/**
 * Best-effort, fire-and-forget delivery of one message to one peer: the network between agents.
 * Never throws and never blocks for network faults (a lost message is the protocol's business);
 * the real implementation authenticates, serialises and bounds its queues, the simulated one
 * adds latency, loss and partitions.
 */
export interface Transport<M> {
  send(to: PeerAddress, message: M): void
}

/**
 * Durable records, by kind and id, with JSON-serialisable values. Synchronous, because the
 * state machines that use it run to completion; implementations are an in-memory map and SQLite.
 * A write that returns has happened; `transaction` makes several writes atomic.
 */
export interface Store {
  /** Every record of `kind`, in no particular order. */
  entries(kind: string): Array<[id: string, value: unknown]>
  /** Inserts or replaces one record. */
  put(kind: string, id: string, value: unknown): void
  /** Removes one record; removing an absent record is not an error. */
  delete(kind: string, id: string): void
  /** Runs `fn` so that all its writes happen, or none (when it throws). Nests. */
  transaction<T>(fn: () => T): T
}

/** A byte range, both ends included, as HTTP Range has it. */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

/**
 * Large byte objects (image data), streamed in and out so that none ever sits in memory whole.
 * Keys are chosen by the caller and are opaque to the store.
 */
export interface BlobStore {
  /** Streams `body` into a blob stored under `key`, replacing any blob there. Resolves with its size once durable. Rejects, leaving no blob, if `body` fails. */
  write(key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number }>
  /** The bytes of a blob (or of `range` of it), or null if there is none under `key`. */
  read(key: string, range?: ByteRange): AsyncIterable<Uint8Array> | null
  /** The size of a blob in bytes, or null if there is none under `key`. */
  size(key: string): number | null
  /** Removes a blob; removing an absent blob is not an error. */
  delete(key: string): Promise<void>
}

/** A hash computed over a stream, chunk by chunk. */
export interface IncrementalHash {
  update(chunk: Uint8Array): void
  /** The digest as lowercase hex; call once, after the last update. */
  digestHex(): string
}

/** Hash functions and password hashing, which need native crypto to be fast and safe. */
export interface Hashing {
  create(algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha512'): IncrementalHash
  /** A salted, memory-hard hash of `password`, self-describing (it names its parameters). */
  hashPassword(password: string): string
  /** True if `password` matches a hash that `hashPassword` made; constant time in the hash. */
  verifyPassword(password: string, hash: string): boolean
}

/** Key generation, which needs native crypto. */
export interface KeyGenerator {
  /** A new RSA key pair: the private key as PKCS#1 PEM, and the public modulus and exponent as big-endian bytes. */
  rsaKeyPair(bits: number): { privateKeyPem: string, modulus: Uint8Array, publicExponent: Uint8Array }
}

/** A signing key pair as JSON Web Keys: the private one (with `d`) is kept, the public one published. */
export interface SigningKeyPair {
  readonly privateJwk: Readonly<Record<string, string>>
  readonly publicJwk: Readonly<Record<string, string>>
}

/**
 * Signing tokens as JWS (ES256, P-256), which needs native crypto. Which key is current, and
 * for how long a key is published, is the caller's business: the keys are plain JSON it stores.
 */
export interface TokenSigner {
  /** A new P-256 key pair. */
  generateKeyPair(): Promise<SigningKeyPair>
  /** `claims` as a compact JWS signed with `privateJwk`; the protected header is {alg: ES256, typ: JWT, kid}. */
  sign(claims: Readonly<Record<string, unknown>>, kid: string, privateJwk: Readonly<Record<string, string>>): Promise<string>
}

/** Structured logging, a subset of pino's interface, so the runtime can pass pino itself. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/** A logger that drops everything, for tests and tools that print nothing. */
export const silentLogger: Logger = {
  debug () {},
  info () {},
  warn () {},
  error () {}
}
