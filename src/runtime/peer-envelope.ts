/**
 * The envelope every message between agents travels in, and the schemas that check it at the
 * boundary: the protocol version, the sender's id and address, a timestamp and a nonce (against
 * replay), and the message itself. The transport is generic over the messages it carries: the
 * protocol's schemas come in as a PeerMessageCodec (src/runtime may not import src/protocol),
 * and a message whose kind the codec does not know is a newer agent's, to be counted and ignored.
 */
import { z } from 'zod'

/** The path peers POST envelopes to. Part of the wire: changing it breaks every older agent. */
export const PEER_MESSAGES_PATH = '/p2p/v1/messages'

/** The header carrying the HMAC of the body in cluster-key mode, as `sha256=<hex>`. Part of the wire. */
export const PEER_SIGNATURE_HEADER = 'x-p2p-signature'

/** An agent's id: short, printable, usable as a certificate CN and in logs. */
export const peerIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1–128 characters of letters, digits and . _ : @ -, starting with a letter or digit')

/** Where a peer listens: an http(s) URL of at most 256 characters, without credentials or query. */
export const peerAddressSchema = z.string().max(256).refine(isPeerAddress, 'must be an http:// or https:// URL with no user, query or fragment')

export function isPeerAddress (text: string): boolean {
  if (!URL.canParse(text)) return false
  const url = new URL(text)
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === ''
}

/** The URL messages to a peer at `address` are posted to. */
export function peerMessagesUrl (address: string): string {
  return `${address.replace(/\/+$/, '')}${PEER_MESSAGES_PATH}`
}

export interface PeerEnvelope<M> {
  /** The sender's protocol version (CYCLON_PROTOCOL_VERSION for the overlay). */
  readonly version: number
  readonly sender: { readonly id: string, readonly address: string }
  /** The sender's wall clock when it sent the envelope, in milliseconds since the Unix epoch. */
  readonly timestampMs: number
  /** Random, base64url, never used twice by an honest sender. */
  readonly nonce: string
  readonly message: M
}

/** The envelope before its message is checked: the message is only known to have a kind. */
const envelopeSchema = z.object({
  version: z.int().min(1).max(1_000_000),
  sender: z.object({ id: peerIdSchema, address: peerAddressSchema }),
  timestampMs: z.int().min(0),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  message: z.looseObject({ kind: z.string().min(1).max(64) })
})

/**
 * What the transport knows of the protocol it carries: its version and, per message kind, the
 * schema a message of that kind must pass. Kinds are only ever added, so a kind missing here
 * comes from a newer agent and is ignored.
 */
export interface PeerMessageCodec<M> {
  readonly protocolVersion: number
  /** Checks a message of a known kind; null when the kind is unknown. */
  schemaFor(kind: string): z.ZodType<M> | null
  /** The agent a checked message says it comes from, if it says (it must be the envelope's sender), else null. */
  claimedSender(message: M): string | null
}

/** An envelope whose message so far is only known to have a kind. */
export type UncheckedEnvelope = PeerEnvelope<{ readonly kind: string }>

/** Parses an envelope (already authenticated as bytes); its message is checked later, by checkMessage. */
export function parseEnvelope (text: string): { readonly ok: true, readonly envelope: UncheckedEnvelope } | { readonly ok: false, readonly problem: string } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, problem: 'the body is not JSON' }
  }
  const result = envelopeSchema.safeParse(json)
  if (!result.success) return { ok: false, problem: firstProblem(result.error) }
  return { ok: true, envelope: result.data }
}

export type CheckedMessage<M> =
  | { readonly ok: true, readonly message: M }
  | { readonly ok: false, readonly reason: 'malformed', readonly problem: string }
  | { readonly ok: false, readonly reason: 'unknown-kind' }

/** Checks an envelope's message against the schema of its kind. */
export function checkMessage<M> (codec: PeerMessageCodec<M>, message: { readonly kind: string }): CheckedMessage<M> {
  const schema = codec.schemaFor(message.kind)
  if (schema === null) return { ok: false, reason: 'unknown-kind' }
  const result = schema.safeParse(message)
  if (!result.success) return { ok: false, reason: 'malformed', problem: `message.${firstProblem(result.error)}` }
  return { ok: true, message: result.data }
}

/** The body of an envelope, exactly as it is signed and sent. */
export function encodeEnvelope<M> (envelope: PeerEnvelope<M>): string {
  return JSON.stringify(envelope)
}

function firstProblem (error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'invalid'
  const path = issue.path.map(String).join('.')
  return `${path === '' ? '(envelope)' : path}: ${issue.message}`
}
