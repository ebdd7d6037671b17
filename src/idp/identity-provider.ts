/**
 * The identity provider (`p2pstack idp`): the emulated Keystone v3 — users, projects, domains,
 * groups, roles, assignments, application credentials, all through the same API, so the
 * `openstack` CLI works against it unchanged — whose tokens are ES256 JWTs (Keystone has a JWS
 * token provider too). Every token it issues carries the p2pstack claims
 * (openstack/identity/p2pstack-token-claims.ts), so agents check it locally with the published
 * keys; the provider itself still accepts its tokens as X-Auth-Token, revocation included.
 * Beside Keystone's API it serves the OIDC discovery document and JWKS (its identity endpoint
 * is the issuer), OS-REVOKE events, and its signing keys' admin API; password logins are
 * subject to Keystone's account lockout. Served under /identity, on the ports only.
 */
import type { HttpHandler, HttpRequest } from '../core/http.ts'
import { jsonResponse } from '../core/http.ts'
import type { Clock, Hashing, Logger, Random, Store, TokenSigner } from '../core/ports.ts'
import { createEmulatedIdentity } from '../emulator/identity/keystone-emulator.ts'
import type { EmulatedIdentity } from '../emulator/identity/keystone-emulator.ts'
import type { RouteHandler, ServiceApi } from '../emulator/service-host.ts'
import { serveService } from '../emulator/service-host.ts'
import { BadRequest } from '../openstack/faults.ts'
import { hasRole } from '../openstack/identity/auth-context.ts'
import { claimsFromAuthContext, p2pstackTokenClaimsSchema } from '../openstack/identity/p2pstack-token-claims.ts'
import { IDENTITY_ROUTES } from '../openstack/identity/routes.ts'
import { compileRoutes } from '../openstack/route-table.ts'
import { isoMicrosZ, parseIsoTimestamp } from '../openstack/timestamps.ts'
import { forbidden, requireAdmin } from '../emulator/identity/identity-deps.ts'
import { AccountLockout } from './account-lockout.ts'
import type { LockoutSettings } from './account-lockout.ts'
import { bootstrapIdp } from './idp-bootstrap.ts'
import type { IdpBootstrapSettings } from './idp-bootstrap.ts'
import { IDP_ROUTES } from '../openstack/identity/idp-routes.ts'
import { oidcDiscoveryDocument } from './oidc-discovery.ts'
import { RevocationEvents, revocationEventView } from './revocation-events.ts'
import { SigningKeys } from './signing-keys.ts'
import type { SigningKeyRow } from './signing-keys.ts'

export interface IdpPorts {
  readonly clock: Clock
  readonly random: Random
  readonly hashing: Hashing
  readonly store: Store
  readonly logger: Logger
  readonly signer: TokenSigner
  /** Outbound HTTP, only if the provider is itself made to trust OIDC providers (OS-FEDERATION); default: none. */
  readonly outbound?: HttpHandler
}

export interface IdpSettings {
  /** The base URL clients reach the provider at; the issuer is `<publicUrl>/identity`. */
  readonly publicUrl: string
  readonly region: string
  /** Keystone's [token] expiration; also how long a retired signing key stays published. */
  readonly tokenTtlMs: number
  /** Rotate the signing key once it is this old; null: only on demand. */
  readonly keyRotationPeriodMs: number | null
  readonly lockout: LockoutSettings
  readonly bootstrap: IdpBootstrapSettings
}

export interface IdentityProvider {
  readonly handler: HttpHandler
  /** The `iss` of its tokens: `<publicUrl>/identity`. */
  readonly issuer: string
  readonly identity: EmulatedIdentity
  readonly keys: SigningKeys
  readonly revocations: RevocationEvents
  readonly lockout: AccountLockout
}

/** How often expired tokens, keys and events are forgotten (on the next request after it). */
const PURGE_INTERVAL_MS = 60_000

export async function createIdentityProvider (ports: IdpPorts, settings: IdpSettings): Promise<IdentityProvider> {
  const publicUrl = settings.publicUrl.replace(/\/+$/, '')
  const issuer = `${publicUrl}/identity`
  const keys = new SigningKeys(
    { store: ports.store, clock: ports.clock, random: ports.random.fork('signing-keys'), signer: ports.signer },
    { tokenTtlMs: settings.tokenTtlMs, rotationPeriodMs: settings.keyRotationPeriodMs }
  )
  const revocations = new RevocationEvents({ store: ports.store, clock: ports.clock, random: ports.random.fork('revocation-events') }, settings.tokenTtlMs)
  const identity = createEmulatedIdentity(
    {
      clock: ports.clock,
      random: ports.random.fork('identity'),
      hashing: ports.hashing,
      store: ports.store,
      logger: ports.logger,
      outbound: ports.outbound ?? (async request => { throw new Error(`the identity provider makes no outbound request (${request.url.href})`) })
    },
    { region: settings.region, publicUrl, tokenTtlMs: settings.tokenTtlMs },
    {
      mint: async ({ auth, auditIds }) => {
        const claims = p2pstackTokenClaimsSchema.parse({ ...claimsFromAuthContext({ ...auth, token: '' }, issuer), audit_ids: [...auditIds] })
        return await keys.sign(claims)
      },
      revoked: revocation => { revocations.record(revocation) }
    }
  )
  ports.store.transaction(() => bootstrapIdp(identity.state, settings.bootstrap, ports.random.fork('bootstrap'), ports.hashing))
  await keys.current()

  const lockout = new AccountLockout(ports.store, ports.clock, settings.lockout)
  const password = identity.deps.authMethods.get('password')
  if (password === undefined) throw new Error('the emulated Keystone has no password method')
  identity.deps.authMethods.set('password', lockout.guard(password, identity.deps))

  const keystone = identity.api
  const updateUser = keystone.handlers['users:update']
  if (updateUser === undefined) throw new Error('the emulated Keystone has no users:update handler')
  const api: ServiceApi = {
    ...keystone,
    routes: compileRoutes([...IDENTITY_ROUTES, ...IDP_ROUTES], { headFromGet: true }),
    handlers: {
      ...keystone.handlers,
      'users:update': lockout.unlockOnUpdate(updateUser, identity.deps),
      ...idpHandlers(issuer, keys, revocations)
    }
  }
  const service = serveService(api, {
    random: ports.random.fork('request-ids'),
    logger: ports.logger,
    authenticate: token => identity.tokens.authenticate(token),
    identityUrl: () => issuer
  })

  let lastPurgeMs = Number.NEGATIVE_INFINITY
  const handler: HttpHandler = async (request: HttpRequest) => {
    const now = ports.clock.wallClockMs()
    if (now - lastPurgeMs >= PURGE_INTERVAL_MS) {
      lastPurgeMs = now
      identity.tokens.purgeExpired()
      revocations.prune()
    }
    await keys.current()
    const path = request.url.pathname
    if (path !== '/identity' && !path.startsWith('/identity/')) {
      return jsonResponse(404, { error: { code: 404, title: 'Not Found', message: `The identity provider serves only /identity, not ${path}.` } })
    }
    const rest = path.slice('/identity'.length)
    return await service(request, rest === '' ? '/' : rest, '/identity')
  }

  return { handler, issuer, identity, keys, revocations, lockout }
}

function idpHandlers (issuer: string, keys: SigningKeys, revocations: RevocationEvents): Record<string, RouteHandler> {
  const keyView = (key: SigningKeyRow, currentKid: string): Record<string, unknown> => ({
    kid: key.id,
    current: key.id === currentKid,
    created_at: isoMicrosZ(key.createdAtMs),
    retired_at: key.retiredAtMs === null ? null : isoMicrosZ(key.retiredAtMs),
    public_key: key.publicJwk
  })
  const keyList = (context: Parameters<RouteHandler>[0]): Record<string, unknown> => {
    const published = keys.published()
    const current = published[0]?.id ?? ''
    return { signing_keys: published.map(k => keyView(k, current)), links: { self: `${context.serviceUrl}/v3/OS-P2PSTACK/signing-keys`, previous: null, next: null } }
  }
  return {
    'idp:discovery': () => jsonResponse(200, oidcDiscoveryDocument(issuer), { 'cache-control': 'max-age=300' }),
    'idp:jwks': () => jsonResponse(200, keys.jwks(), { 'cache-control': 'max-age=60' }),

    'revoke:events': context => {
      // Keystone's policy identity:list_revoke_events is "rule:service_or_admin".
      if (!context.isAdmin && !hasRole(context.auth, 'service')) throw forbidden('list_revoke_events')
      const since = context.query.get('since')
      let sinceMs: number | null = null
      if (since !== null) {
        sinceMs = parseIsoTimestamp(since)
        if (sinceMs === null) throw new BadRequest(`invalid date format ${since}`)
      }
      return jsonResponse(200, {
        events: revocations.list(sinceMs).map(revocationEventView),
        links: { next: null, self: `${context.serviceUrl}/v3/OS-REVOKE/events`, previous: null }
      })
    },

    'idp:signing-keys:list': context => {
      requireAdmin(context, 'list_signing_keys')
      return jsonResponse(200, keyList(context))
    },

    'idp:signing-keys:rotate': async context => {
      requireAdmin(context, 'rotate_signing_key')
      const key = await keys.rotate()
      return jsonResponse(201, { signing_key: keyView(key, key.id) })
    }
  }
}
