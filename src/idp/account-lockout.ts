/**
 * Keystone's [security_compliance] account lockout for the identity provider: after
 * `lockout_failure_attempts` wrong passwords in a row a user is locked — every password login,
 * the right password included, gets 401 "The account is locked for user: <id>." — until
 * `lockout_duration` has passed since the last failure (then the count starts again), or for
 * good when no duration is set, until an admin updates the user and leaves them enabled
 * (`openstack user set --enable`). A successful login clears the count. As in Keystone
 * (identity/backends/sql.py: authenticate), the lock is checked before the password, and only a
 * wrong password counts: an unknown or disabled user does not. Counts are kept in the Store.
 */
import type { Clock, Store } from '../core/ports.ts'
import { Unauthorized } from '../openstack/faults.ts'
import type { AuthRequest } from '../openstack/identity/schemas.ts'
import type { AuthMethod, IdentityDeps } from '../emulator/identity/identity-deps.ts'
import type { RouteHandler } from '../emulator/service-host.ts'
import { Table } from '../emulator/table.ts'

export interface LockoutSettings {
  /** Keystone's lockout_failure_attempts; null (or 0) turns lockout off. */
  readonly failureAttempts: number | null
  /** Keystone's lockout_duration in milliseconds; null: locked until an admin re-enables the user. */
  readonly durationMs: number | null
}

interface FailedAuthRow {
  /** The user id. */
  readonly id: string
  readonly count: number
  readonly lastFailureMs: number
}

export class AccountLockout {
  readonly #failures: Table<FailedAuthRow>
  readonly #clock: Clock
  readonly #settings: LockoutSettings

  constructor (store: Store, clock: Clock, settings: LockoutSettings) {
    this.#failures = new Table(store, 'idp.failed_auth')
    this.#clock = clock
    this.#settings = settings
  }

  /** True while the user may not log in with a password; an expired lock is cleared here. */
  isLocked (userId: string): boolean {
    const max = this.#settings.failureAttempts
    const row = this.#failures.get(userId)
    if (max === null || max <= 0 || row === undefined || row.count < max) return false
    const duration = this.#settings.durationMs
    if (duration === null || row.lastFailureMs + duration > this.#clock.wallClockMs()) return true
    this.reset(userId)
    return false
  }

  recordFailure (userId: string): void {
    if (this.#settings.failureAttempts === null || this.#settings.failureAttempts <= 0) return
    const count = (this.#failures.get(userId)?.count ?? 0) + 1
    this.#failures.put({ id: userId, count, lastFailureMs: this.#clock.wallClockMs() })
  }

  reset (userId: string): void {
    this.#failures.delete(userId)
  }

  /** The password method with the lockout around it. */
  guard (password: AuthMethod, deps: IdentityDeps): AuthMethod {
    return (identity, context, auth) => {
      const user = userOf(deps, identity)
      if (user !== undefined && this.isLocked(user.id)) throw new Unauthorized(`The account is locked for user: ${user.id}.`)
      let proved
      try {
        proved = password(identity, context, auth)
      } catch (error) {
        // The method refuses a known, enabled user in an enabled domain only for a wrong password.
        const domain = user === undefined ? undefined : deps.state.domains.get(user.domainId)
        if (error instanceof Unauthorized && user !== undefined && user.enabled && user.passwordHash !== null && domain?.enabled === true) {
          this.recordFailure(user.id)
        }
        throw error
      }
      this.reset(proved.userId)
      return proved
    }
  }

  /** PATCH /v3/users/{id} that leaves the user enabled also unlocks them, as Keystone's update_user does. */
  unlockOnUpdate (update: RouteHandler, deps: IdentityDeps): RouteHandler {
    return async context => {
      const response = await update(context)
      const user = deps.state.users.get(context.param('user_id'))
      if (response.status === 200 && user?.enabled === true) this.reset(user.id)
      return response
    }
  }
}

/** The user a password section names, found as the password method finds it; undefined if none. */
function userOf (deps: IdentityDeps, identity: Record<string, unknown>): { id: string, domainId: string, enabled: boolean, passwordHash: string | null } | undefined {
  const section = identity.password as AuthRequest['auth']['identity']['password']
  const ref = section?.user
  if (ref === undefined) return undefined
  const state = deps.state
  if (ref.id !== undefined) return state.users.get(ref.id)
  if (ref.name === undefined || ref.domain === undefined) return undefined
  const domain = ref.domain.id !== undefined ? state.domains.get(ref.domain.id) : ref.domain.name !== undefined ? state.domainByName(ref.domain.name) : undefined
  return domain === undefined ? undefined : state.userByName(ref.name, domain.id)
}
