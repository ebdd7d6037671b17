/**
 * Runs the identity provider as a real service: runtime ports (system clock, CSPRNG, scrypt,
 * jose ES256 signing, SQLite or memory state), an HTTP server on the given address, and an
 * orderly stop. Its public URL — the issuer is `<publicUrl>/identity` — defaults to the
 * listening URL, known only once the server listens, so the provider is built just after.
 * A timer sweeps now and then (key rotation and expiry) so that the JWKS stays right even when
 * nobody calls. This is what `p2pstack idp` starts.
 */
import type { HttpHandler } from '../core/http.ts'
import { jsonResponse } from '../core/http.ts'
import { MemoryStore } from '../core/memory-store.ts'
import type { Logger, Store } from '../core/ports.ts'
import { createIdentityProvider } from '../idp/identity-provider.ts'
import type { IdentityProvider, IdpSettings } from '../idp/identity-provider.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { startHttpServer } from '../runtime/http-server.ts'
import { JoseTokenSigner } from '../runtime/jose-token-signer.ts'
import { NodeHashing } from '../runtime/node-hashing.ts'
import { SqliteStore } from '../runtime/sqlite-store.ts'
import { SystemClock } from '../runtime/system-clock.ts'

export interface IdpProcessOptions {
  readonly host: string
  readonly port: number
  /** Everything but the public URL, which is `publicUrl` or else the listening URL. */
  readonly settings: Omit<IdpSettings, 'publicUrl'>
  readonly publicUrl: string | null
  /** SQLite file for the state; null keeps it in memory. */
  readonly stateFile: string | null
  readonly logger: Logger
  /** How often the keys are looked at without a request (default one minute). */
  readonly sweepIntervalMs?: number
}

export interface RunningIdp {
  /** The listening URL. */
  readonly url: string
  readonly idp: IdentityProvider
  stop(): Promise<void>
}

export async function startIdpProcess (options: IdpProcessOptions): Promise<RunningIdp> {
  let store: Store
  let closeStore = (): void => {}
  if (options.stateFile === null) {
    store = new MemoryStore()
  } else {
    const sqlite = new SqliteStore(options.stateFile)
    store = sqlite
    closeStore = () => { sqlite.close() }
  }
  let handler: HttpHandler = async () => jsonResponse(503, { error: { code: 503, title: 'Service Unavailable', message: 'The identity provider is starting.' } })
  const server = await startHttpServer({ host: options.host, port: options.port, handler: async request => await handler(request), logger: options.logger })
  let idp: IdentityProvider
  try {
    idp = await createIdentityProvider({
      clock: new SystemClock(),
      random: new CryptoRandom(),
      hashing: new NodeHashing(),
      store,
      logger: options.logger,
      signer: new JoseTokenSigner()
    }, { ...options.settings, publicUrl: options.publicUrl ?? server.url })
  } catch (error) {
    await server.close()
    closeStore()
    throw error
  }
  handler = idp.handler
  const sweep = setInterval(() => {
    idp.keys.current().then(() => { idp.keys.prune() }, (error: unknown) => { options.logger.error({ err: error }, 'signing key rotation failed') })
  }, options.sweepIntervalMs ?? 60_000)
  sweep.unref()
  options.logger.info({ url: server.url, issuer: idp.issuer }, 'identity provider listening')
  return {
    url: server.url,
    idp,
    stop: async () => {
      clearInterval(sweep)
      await server.close()
      closeStore()
    }
  }
}
