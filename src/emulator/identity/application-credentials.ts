/**
 * ApplicationCredentials: what several parts of the emulated Keystone need to do with
 * application credentials — hash and check secrets, delete a credential (its tokens go with
 * it), and clean up after a user. Secrets are hashed with the Hashing port's password hash;
 * since that is slow by design and `POST /v3/auth/tokens` is on every CLI command's path, the
 * SHA-256 of the last secret that verified is remembered per credential, in memory only.
 */
import { randomToken } from '../../core/ids.ts'
import type { Hashing, Random } from '../../core/ports.ts'
import type { AccessRuleRow, ApplicationCredentialRow, RoleRow } from '../../openstack/identity/model.ts'
import type { IdentityState } from './identity-state.ts'
import type { TokenService } from './token-service.ts'

/** Keystone generates 64 random bytes, URL-safe base64 without padding: 86 characters. */
const GENERATED_SECRET_LENGTH = 86
const VERIFIED_CACHE_MAX = 10_000

export class ApplicationCredentials {
  readonly #state: IdentityState
  readonly #tokens: TokenService
  readonly #hashing: Hashing
  readonly #random: Random
  readonly #verified = new Map<string, string>()

  constructor (state: IdentityState, tokens: TokenService, hashing: Hashing, random: Random) {
    this.#state = state
    this.#tokens = tokens
    this.#hashing = hashing
    this.#random = random
  }

  generateSecret (): string {
    return randomToken(this.#random, GENERATED_SECRET_LENGTH)
  }

  hashSecret (secret: string): string {
    return this.#hashing.hashPassword(secret)
  }

  /** True if `secret` is the credential's. */
  verifySecret (credential: ApplicationCredentialRow, secret: string): boolean {
    const digest = this.#sha256(secret)
    if (this.#verified.get(credential.id) === digest) return true
    if (!this.#hashing.verifyPassword(secret, credential.secretHash)) return false
    if (this.#verified.size >= VERIFIED_CACHE_MAX) this.#verified.clear()
    this.#verified.set(credential.id, digest)
    return true
  }

  rolesOf (credential: ApplicationCredentialRow): RoleRow[] {
    return credential.roleIds.map(id => this.#state.roles.get(id)).filter(r => r !== undefined)
  }

  accessRulesOf (credential: ApplicationCredentialRow): AccessRuleRow[] {
    return credential.accessRuleIds.map(id => this.#state.accessRules.get(id)).filter(r => r !== undefined)
  }

  /** Deletes a credential and revokes every token made with it. Its access rules stay, as in Keystone. */
  delete (credentialId: string): void {
    this.#state.applicationCredentials.delete(credentialId)
    this.#verified.delete(credentialId)
    this.#tokens.revokeApplicationCredential(credentialId)
  }

  /** A deleted or disabled user loses every credential and access rule. */
  deleteAllOf (userId: string): void {
    for (const c of this.#state.applicationCredentials.filter(c => c.userId === userId)) this.delete(c.id)
    for (const r of this.#state.accessRules.filter(r => r.userId === userId)) this.#state.accessRules.delete(r.id)
  }

  #sha256 (text: string): string {
    const hash = this.#hashing.create('sha256')
    hash.update(new TextEncoder().encode(text))
    return hash.digestHex()
  }
}
