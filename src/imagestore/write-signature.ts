/**
 * Who may write to the image store: agents, and only agents. A write (an upload or a delete)
 * carries X-P2pstack-Image-Store-Auth: `<agent>;<timestampMs>;<nonce>` and
 * X-P2pstack-Image-Store-Signature: the cluster key's `sha256=<hex>` HMAC of a canonical text
 * that binds those three to the method and the path with its query. The store checks the
 * signature, that the timestamp is within a window of its clock, and that the nonce was not
 * seen before (so a captured request cannot be sent again). This is the scheme of the
 * agents' forwarded calls (agent/forwarded-call.ts), with the same key and nonce cache; the
 * canonical text starts with its own purpose line, which neither a peer message (a JSON
 * envelope) nor a forward directive (base64url) can start with, so a signature made for one
 * use is worthless for another.
 *
 * The HMAC itself is not here (this layer has no crypto): it comes through the
 * MessageAuthenticator port, which runtime/peer-cluster-key.ts's ClusterKey satisfies, and the
 * nonces through ReplayGuard, which runtime/peer-nonce-cache.ts's NonceCache satisfies.
 *
 * What it does not do: bind the body (an upload is streamed, and its checksums are known only
 * at the end; the x-expected-* headers, when sent, are checked instead), or prove which agent
 * signed (any holder of the cluster key may name any agent; the name is for the logs).
 */
import { randomToken } from '../core/ids.ts'
import type { Clock, Random } from '../core/ports.ts'

export const WRITE_AUTH_HEADER = 'x-p2pstack-image-store-auth'
export const WRITE_SIGNATURE_HEADER = 'x-p2pstack-image-store-signature'

const PURPOSE = 'p2pstack image store write v1'
const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/
const NONCE = /^[A-Za-z0-9_-]{16,64}$/
const TIMESTAMP = /^\d{1,16}$/
const MAX_TARGET_CHARS = 8_192
const NONCE_CHARS = 22

/** An HMAC under a shared key: `sign` gives a header value, `verify` checks one in constant time. */
export interface MessageAuthenticator {
  sign(text: string): string
  verify(text: string, signature: string | undefined): boolean
}

/** The nonces seen within the window: each may pass once. */
export interface ReplayGuard {
  check(nonce: string): 'fresh' | 'replayed' | 'full'
}

export type WriteCheck =
  | { readonly ok: true, readonly agent: string }
  | { readonly ok: false, readonly status: 401 | 403 | 503, readonly problem: string }

export interface WriteSigner {
  /** The two headers that let `agent` make the call `method target` (target: path and query, as sent). */
  headers(agent: string, method: string, target: string): Record<string, string>
}

export interface WriteVerifier {
  /** Whether a call `method target` with `headers` was signed by a holder of the key, recently, and only once. */
  check(method: string, target: string, headers: Readonly<Record<string, string | undefined>>): WriteCheck
}

export function createWriteSigner (key: MessageAuthenticator, clock: Clock, random: Random): WriteSigner {
  return {
    headers: (agent, method, target) => {
      if (!AGENT_ID.test(agent)) throw new Error(`an agent id for the image store is 1 to 128 of [A-Za-z0-9._:-], not ${JSON.stringify(agent)}`)
      const timestamp = String(Math.trunc(clock.wallClockMs()))
      const nonce = randomToken(random, NONCE_CHARS)
      return {
        [WRITE_AUTH_HEADER]: `${agent};${timestamp};${nonce}`,
        [WRITE_SIGNATURE_HEADER]: key.sign(canonicalText(agent, method, target, timestamp, nonce))
      }
    }
  }
}

export function createWriteVerifier (key: MessageAuthenticator, clock: Clock, replay: ReplayGuard, options: { windowMs: number }): WriteVerifier {
  return {
    check: (method, target, headers) => {
      const auth = headers[WRITE_AUTH_HEADER]
      if (auth === undefined) return { ok: false, status: 401, problem: 'writes to the image store must be signed by an agent (no X-P2pstack-Image-Store-Auth header)' }
      const parts = auth.split(';')
      const [agent, timestamp, nonce] = parts
      if (parts.length !== 3 || agent === undefined || timestamp === undefined || nonce === undefined ||
        !AGENT_ID.test(agent) || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || target.length > MAX_TARGET_CHARS) {
        return { ok: false, status: 401, problem: 'malformed X-P2pstack-Image-Store-Auth header (expected <agent>;<timestampMs>;<nonce>)' }
      }
      if (!key.verify(canonicalText(agent, method, target, timestamp, nonce), headers[WRITE_SIGNATURE_HEADER])) {
        return { ok: false, status: 403, problem: `the signature of agent ${agent} is not valid for ${method} ${target}` }
      }
      if (Math.abs(clock.wallClockMs() - Number(timestamp)) > options.windowMs) {
        return { ok: false, status: 403, problem: `the signature of agent ${agent} is outside the time window of ${options.windowMs / 1000} s (clocks apart?)` }
      }
      const verdict = replay.check(nonce)
      if (verdict === 'replayed') return { ok: false, status: 403, problem: `a signed call of agent ${agent} was sent again (replayed nonce)` }
      if (verdict === 'full') return { ok: false, status: 503, problem: 'too many signed calls within the time window (nonce cache full); try again later' }
      return { ok: true, agent }
    }
  }
}

function canonicalText (agent: string, method: string, target: string, timestamp: string, nonce: string): string {
  return [PURPOSE, agent, method.toUpperCase(), target, timestamp, nonce].join('\n')
}
