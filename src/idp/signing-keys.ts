/**
 * The identity provider's signing keys: one current key signs every new token; a rotation
 * makes a new current key and retires the old one, which stays published in the JWKS until
 * every token it can have signed has expired (retirement + the longest token lifetime), then
 * is dropped. Keys live in the Store, so a restart keeps them (and the tokens they signed).
 * Rotation happens on demand and, when a period is set, lazily once the current key is that
 * old — checked whenever a key is needed, so the pure layer needs no timer.
 */
import { hexId } from '../core/ids.ts'
import type { Clock, Random, Store, TokenSigner } from '../core/ports.ts'
import { Table } from '../emulator/table.ts'

export interface SigningKeyRow {
  /** The kid. */
  readonly id: string
  readonly createdAtMs: number
  /** When it stopped signing; null for the current key. */
  readonly retiredAtMs: number | null
  readonly privateJwk: Readonly<Record<string, string>>
  readonly publicJwk: Readonly<Record<string, string>>
}

export interface SigningKeySettings {
  /** The longest lifetime of a token: a retired key is published this long after its retirement. */
  readonly tokenTtlMs: number
  /** Rotate once the current key is this old; null: only on demand. */
  readonly rotationPeriodMs: number | null
}

/** A public key as the JWKS publishes it. */
export interface PublishedJwk extends Readonly<Record<string, string>> {
  readonly kid: string
  readonly alg: 'ES256'
  readonly use: 'sig'
}

export class SigningKeys {
  readonly #keys: Table<SigningKeyRow>
  readonly #store: Store
  readonly #clock: Clock
  readonly #random: Random
  readonly #signer: TokenSigner
  readonly #settings: SigningKeySettings
  #rotating: Promise<SigningKeyRow> | null = null

  constructor (ports: { store: Store, clock: Clock, random: Random, signer: TokenSigner }, settings: SigningKeySettings) {
    this.#keys = new Table(ports.store, 'idp.signing_key')
    this.#store = ports.store
    this.#clock = ports.clock
    this.#random = ports.random
    this.#signer = ports.signer
    this.#settings = settings
  }

  /** The key that signs now: made on first use, rotated when the period says so. */
  async current (): Promise<SigningKeyRow> {
    const current = this.#current()
    const period = this.#settings.rotationPeriodMs
    if (current !== undefined && (period === null || this.#clock.wallClockMs() - current.createdAtMs < period)) return current
    return await this.rotate()
  }

  /** Makes a new current key and retires the old one; concurrent calls share one rotation. */
  async rotate (): Promise<SigningKeyRow> {
    this.#rotating ??= this.#rotateNow().finally(() => { this.#rotating = null })
    return await this.#rotating
  }

  /** Every key still published, the current one first, after dropping those no token can need. */
  published (): SigningKeyRow[] {
    this.prune()
    return [...this.#keys.values()].sort((a, b) => (a.retiredAtMs === null ? 0 : 1) - (b.retiredAtMs === null ? 0 : 1) || b.createdAtMs - a.createdAtMs)
  }

  /** The JWKS document: the public keys still published. */
  jwks (): { keys: PublishedJwk[] } {
    return { keys: this.published().map(k => ({ ...k.publicJwk, kid: k.id, alg: 'ES256', use: 'sig' })) }
  }

  /** Drops retired keys whose tokens have all expired. */
  prune (): void {
    const now = this.#clock.wallClockMs()
    for (const key of this.#keys.filter(k => k.retiredAtMs !== null && k.retiredAtMs + this.#settings.tokenTtlMs <= now)) {
      this.#keys.delete(key.id)
    }
  }

  /** Signs `claims` with the current key. */
  async sign (claims: Readonly<Record<string, unknown>>): Promise<string> {
    const key = await this.current()
    return await this.#signer.sign(claims, key.id, key.privateJwk)
  }

  #current (): SigningKeyRow | undefined {
    let current: SigningKeyRow | undefined
    for (const key of this.#keys.values()) {
      if (key.retiredAtMs === null && (current === undefined || key.createdAtMs > current.createdAtMs)) current = key
    }
    return current
  }

  async #rotateNow (): Promise<SigningKeyRow> {
    const pair = await this.#signer.generateKeyPair()
    const now = this.#clock.wallClockMs()
    const key: SigningKeyRow = { id: hexId(this.#random), createdAtMs: now, retiredAtMs: null, privateJwk: pair.privateJwk, publicJwk: pair.publicJwk }
    this.#store.transaction(() => {
      for (const k of this.#keys.filter(k => k.retiredAtMs === null)) this.#keys.put({ ...k, retiredAtMs: now })
      this.#keys.put(key)
    })
    this.prune()
    return key
  }
}
