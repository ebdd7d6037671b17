/**
 * Forwarded calls between agents: agent A sends a user's call to agent B (A → B → cloudlet B)
 * with the user's own token, so B checks the caller itself, and with a directive that only an
 * agent can give: "serve this from your own cloudlet" (a by-id call or one cloudlet's part of a
 * list), or "create this here, the scheduler chose you" (with the reservation to give back),
 * and the public base URL the client used, so that B's links point at A.
 *
 * The directive travels in X-P2pstack-Forward (base64url JSON) and is signed with the cluster
 * key in X-P2pstack-Forward-Signature, bound to the method and path, with a timestamp checked
 * against a window. A "placed" directive also carries a nonce that is remembered, so a create
 * cannot be replayed; a "local" one is not remembered: replaying it gains nothing that the
 * user's token, which travels with it, does not already allow, and remembering every by-id call
 * and list part would fill any bounded nonce cache at a few thousand forwarded calls a second
 * (measured: bench/agent-proxy.ts). A client that sends these headers itself gets them
 * ignored: without a valid signature a call is an ordinary client call.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Clock } from '../core/ports.ts'
import type { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { NonceCache } from '../runtime/peer-nonce-cache.ts'

export const FORWARD_HEADER = 'x-p2pstack-forward'
export const FORWARD_SIGNATURE_HEADER = 'x-p2pstack-forward-signature'
/** The agents a call has passed through, comma-separated, oldest first: a call never goes back to one of them. */
export const VISITED_HEADER = 'x-p2pstack-visited'

const MAX_HEADER_CHARS = 4_096

const directiveSchema = z.strictObject({
  v: z.literal(1),
  /** The agent that forwards, and the one that must serve. */
  from: z.string().min(1).max(128),
  to: z.string().min(1).max(128),
  /** local: serve from your own cloudlet; placed: the scheduler chose you for this create. */
  mode: z.enum(['local', 'placed']),
  reservationId: z.string().min(1).max(128).optional(),
  /** The public base URL the client called (links in the answer point there). */
  publicBase: z.string().min(1).max(512),
  method: z.string().min(1).max(16),
  /** Path and query, as sent. */
  target: z.string().min(1).max(MAX_HEADER_CHARS),
  timestampMs: z.number().int(),
  nonce: z.string().min(16).max(64)
})

export type ForwardDirective = z.infer<typeof directiveSchema>

export interface ForwardSigner {
  /** The headers that carry `directive` (without its time and nonce, which are added here). */
  headers(directive: Omit<ForwardDirective, 'v' | 'timestampMs' | 'nonce'>): Record<string, string>
  /**
   * The directive a call carries, if its signature is valid, it is addressed to `self`, matches
   * the call's method and path, is recent, and was not seen before; otherwise why not (null when
   * the call carries none).
   */
  check(self: string, method: string, target: string, headers: Readonly<Record<string, string | undefined>>): { ok: true, directive: ForwardDirective } | { ok: false, problem: string } | null
}

export function createForwardSigner (key: ClusterKey, clock: Clock, options: { windowMs: number, maxNonces: number }): ForwardSigner {
  const nonces = new NonceCache(clock, { windowMs: options.windowMs, maxEntries: options.maxNonces })
  return {
    headers: directive => {
      const full: ForwardDirective = { v: 1, ...directive, timestampMs: clock.wallClockMs(), nonce: randomBytes(12).toString('base64url') }
      const value = Buffer.from(JSON.stringify(full)).toString('base64url')
      return { [FORWARD_HEADER]: value, [FORWARD_SIGNATURE_HEADER]: key.sign(value) }
    },
    check: (self, method, target, headers) => {
      const value = headers[FORWARD_HEADER]
      if (value === undefined) return null
      if (value.length > MAX_HEADER_CHARS * 2) return { ok: false, problem: 'directive too long' }
      if (!key.verify(value, headers[FORWARD_SIGNATURE_HEADER])) return { ok: false, problem: 'bad signature' }
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
      } catch {
        return { ok: false, problem: 'not JSON' }
      }
      const result = directiveSchema.safeParse(parsed)
      if (!result.success) return { ok: false, problem: 'malformed directive' }
      const d = result.data
      if (d.to !== self) return { ok: false, problem: `addressed to ${d.to}` }
      if (d.method !== method || d.target !== target) return { ok: false, problem: 'for another call' }
      if (Math.abs(clock.wallClockMs() - d.timestampMs) > options.windowMs) return { ok: false, problem: 'outside the time window' }
      if (d.mode === 'placed') {
        const verdict = nonces.check(d.nonce)
        if (verdict !== 'fresh') return { ok: false, problem: verdict === 'replayed' ? 'replayed' : 'nonce cache full' }
      }
      return { ok: true, directive: d }
    }
  }
}
