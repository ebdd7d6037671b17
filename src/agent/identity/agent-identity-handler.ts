/**
 * The agent's Keystone (paths under /identity): what a client sees as the cloud's identity
 * service. Version documents name the agent. Token validation (GET/HEAD /v3/auth/tokens) and
 * the catalog (/v3/auth/catalog) are answered locally from the verified JWT, so they keep
 * working while the identity provider is down. Everything that needs the provider — issuing
 * tokens, revoking them, users, projects, roles, assignments, /v3/auth/projects … — is forwarded
 * to it (`<idp>/identity/v3/…`) unchanged, and its answer passed back with the provider's URLs
 * rewritten to the agent's and, for a new token, the catalog replaced by the agent's: one
 * region, every endpoint on this agent. The agent's own faults use Keystone's envelope; a call
 * that needs the unreachable provider is a 503.
 */
import { readBody } from '../../core/http.ts'
import type { HttpHandler, HttpRequest, HttpResponse } from '../../core/http.ts'
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import type { Logger } from '../../core/ports.ts'
import { BadRequest, Forbidden, NotFound, OpenStackFault, ServiceUnavailable, Unauthorized } from '../../openstack/faults.ts'
import { renderIdentityFault } from '../../openstack/identity/fault-body.ts'
import { identityVersionDocument, identityVersionsDocument } from '../../openstack/identity/versions.ts'
import { agentCatalog } from './agent-catalog.ts'
import type { AgentCatalogService } from './agent-catalog.ts'
import type { RevokedTokens } from './revoked-tokens.ts'
import { isScoped, tokenBody } from './token-body.ts'
import { InvalidUserTokenError } from './user-token-verifier.ts'
import type { UserTokenVerifier, VerifiedUserToken } from './user-token-verifier.ts'

export interface AgentIdentityDeps {
  /** The agent's URL as users reach it, e.g. http://agent-1.example:4001. */
  readonly agentUrl: string
  /** The one region of the catalog. */
  readonly region: string
  /** The identity provider's base URL; its Keystone API is at `<idpUrl>/identity/v3`. */
  readonly idpUrl: string
  /** The provider's base URL as it writes it into its answers, when it differs from idpUrl. */
  readonly idpPublicUrl?: string
  /** Reaches the identity provider. */
  readonly idp: HttpHandler
  readonly verifier: UserTokenVerifier
  /** A token deleted through this agent is refused here at once. */
  readonly revoked?: RevokedTokens
  readonly logger: Logger
  readonly catalogServices?: readonly AgentCatalogService[]
}

const PREFIX = '/identity'
const MAX_IDP_BODY_BYTES = 16 * 1024 * 1024
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'trailer', 'proxy-authorization', 'proxy-authenticate', 'host', 'content-length'])

export function agentIdentityHandler (deps: AgentIdentityDeps): HttpHandler {
  const agentBase = deps.agentUrl.replace(/\/+$/, '')
  const identityUrl = `${agentBase}${PREFIX}`
  const idpBase = deps.idpUrl.replace(/\/+$/, '')
  const idpIdentityPublic = `${(deps.idpPublicUrl ?? deps.idpUrl).replace(/\/+$/, '')}${PREFIX}`
  const catalog = agentCatalog({ agentUrl: agentBase, region: deps.region, ...(deps.catalogServices !== undefined ? { services: deps.catalogServices } : {}) })

  const rewrite = (text: string): string => text.split(idpIdentityPublic).join(identityUrl)

  /** The caller's verified token (X-Auth-Token); 401 otherwise. */
  const caller = async (request: HttpRequest): Promise<VerifiedUserToken> => {
    const token = request.headers['x-auth-token']
    if (token === undefined || token === '') throw new Unauthorized()
    try {
      return await deps.verifier.verifyToken(token)
    } catch (error) {
      if (error instanceof InvalidUserTokenError) throw new Unauthorized()
      throw error
    }
  }

  /** The verified subject token (X-Subject-Token); 404 otherwise, as Keystone answers. */
  const subject = async (request: HttpRequest): Promise<VerifiedUserToken & { token: string }> => {
    const token = request.headers['x-subject-token'] ?? ''
    try {
      if (token === '') throw new InvalidUserTokenError('no subject token')
      return { ...await deps.verifier.verifyToken(token), token }
    } catch (error) {
      if (error instanceof InvalidUserTokenError) throw new NotFound(`Could not find token: ${token}.`)
      throw error
    }
  }

  /** Forwards the request to the provider; the answer's body is read, and rewritten by `edit` when JSON. */
  const forward = async (request: HttpRequest, rest: string, edit?: (body: any) => void): Promise<HttpResponse> => {
    const url = new URL(`${idpBase}${PREFIX}${rest}${request.url.search}`)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
    }
    if (request.headers['content-length'] !== undefined) headers['content-length'] = request.headers['content-length']
    let response: HttpResponse
    let bytes: Uint8Array
    try {
      response = await deps.idp({ method: request.method, url, headers, body: request.body })
      bytes = await readBody(response.body, MAX_IDP_BODY_BYTES)
    } catch (error) {
      deps.logger.warn({ url: url.href, err: error }, 'identity provider unreachable')
      throw new ServiceUnavailable('The identity provider is unreachable; please try again later.', { cause: error })
    }
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (HOP_BY_HOP.has(name)) continue
      out[name] = name === 'location' || name === 'www-authenticate' ? rewrite(value) : value
    }
    if (bytes.byteLength === 0 || request.method === 'HEAD') return { status: response.status, headers: out, body: request.method === 'HEAD' ? null : bytes }
    if (!/json/i.test(response.headers['content-type'] ?? '')) return { status: response.status, headers: out, body: bytes }
    let text = rewrite(new TextDecoder().decode(bytes))
    if (edit !== undefined) {
      try {
        const body = JSON.parse(text) as unknown
        edit(body)
        text = JSON.stringify(body)
      } catch (error) {
        deps.logger.warn({ url: url.href, err: error }, 'identity provider answered JSON that could not be edited')
      }
    }
    return { status: response.status, headers: out, body: text }
  }

  const withAgentCatalog = (request: HttpRequest) => (body: any): void => {
    const token = body?.token
    if (token === null || typeof token !== 'object') return
    const scoped = token.project !== undefined || token.domain !== undefined || token.system !== undefined
    if (scoped && !request.url.searchParams.has('nocatalog')) token.catalog = catalog
    else delete token.catalog
  }

  const route = async (request: HttpRequest, rest: string): Promise<HttpResponse> => {
    const method = request.method
    if (rest === '' || rest === '/') {
      if (method !== 'GET' && method !== 'HEAD') throw new NotFound('The resource could not be found.')
      return jsonResponse(300, identityVersionsDocument(identityUrl), { location: `${identityUrl}/v3/` })
    }
    if (rest === '/v3' || rest === '/v3/') {
      if (method !== 'GET' && method !== 'HEAD') throw new NotFound('The resource could not be found.')
      return jsonResponse(200, identityVersionDocument(identityUrl), { vary: 'X-Auth-Token' })
    }
    if (!rest.startsWith('/v3/')) throw new NotFound('The resource could not be found.')
    const path = rest.replace(/\/+$/, '')

    if (path === '/v3/auth/tokens') {
      if (method === 'POST') {
        const answer = await forward(request, rest, withAgentCatalog(request))
        // Verifying the new token at once loads the provider's keys, so it can be checked here
        // even if the provider goes away right after; a failure only means a later retry.
        const issued = answer.headers['x-subject-token']
        if (answer.status === 201 && issued !== undefined) {
          await deps.verifier.verify(issued).catch((error: unknown) => {
            deps.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'a token the identity provider just issued does not verify at this agent')
          })
        }
        return answer
      }
      if (method === 'DELETE') {
        const revoking = await subject(request).catch(() => null)
        const answer = await forward(request, rest)
        if (answer.status === 204 && revoking !== null) {
          deps.revoked?.add({ auditId: revoking.auth.auditId, issuedBeforeMs: revoking.auth.issuedAtMs })
          deps.verifier.forget(revoking.token)
        }
        return answer
      }
      if (method === 'GET' || method === 'HEAD') {
        const me = await caller(request)
        const them = await subject(request)
        const allowed = them.auth.userId === me.auth.userId || me.auth.roles.includes('admin') || me.auth.roles.includes('service')
        if (!allowed) throw new Forbidden('You are not authorized to perform the requested action: identity:validate_token.')
        if (method === 'HEAD') return emptyResponse(200, { 'x-subject-token': them.token, vary: 'X-Auth-Token' })
        const body = tokenBody(them.auth, them.claims, request.url.searchParams.has('nocatalog') ? null : catalog)
        return jsonResponse(200, body, { 'x-subject-token': them.token, vary: 'X-Auth-Token' })
      }
      return methodNotAllowed()
    }
    if (path === '/v3/auth/catalog') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed()
      const me = await caller(request)
      if (!isScoped(me.auth)) throw new BadRequest('The service catalog cannot be provided for an unscoped token.')
      return jsonResponse(200, { catalog, links: { self: `${identityUrl}/v3/auth/catalog`, previous: null, next: null } }, { vary: 'X-Auth-Token' })
    }
    return await forward(request, rest)
  }

  return async request => {
    const path = request.url.pathname
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return renderIdentityFault(new NotFound('The resource could not be found.'), identityUrl)
    try {
      return await route(request, path.slice(PREFIX.length))
    } catch (error) {
      if (error instanceof OpenStackFault) return withHeaders(renderIdentityFault(error, identityUrl), error.headers)
      deps.logger.error({ err: error, path }, 'identity request failed')
      return renderIdentityFault(new OpenStackFault(500, 'An unexpected error prevented the server from fulfilling your request.'), identityUrl)
    }
  }
}

function methodNotAllowed (): never {
  throw new OpenStackFault(405, 'The method is not allowed for the requested URL.')
}

function withHeaders (response: HttpResponse, headers: Record<string, string>): HttpResponse {
  return { ...response, headers: { ...response.headers, ...headers } }
}
