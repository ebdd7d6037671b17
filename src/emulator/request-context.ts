/**
 * RequestContext: one request as a handler sees it — route parameters, query, the caller
 * (from the token), the microversion, and helpers to read a JSON body within the service's
 * limit and validate it. Handlers never touch the raw request for these.
 */
import { BodyTooLargeError, readBody } from '../core/http.ts'
import type { HttpRequest } from '../core/http.ts'
import type { z } from 'zod'
import type { AuthContext } from '../openstack/identity/auth-context.ts'
import { isAdmin } from '../openstack/identity/auth-context.ts'
import { RequestEntityTooLarge, Unauthorized } from '../openstack/faults.ts'
import type { OpenStackFault } from '../openstack/faults.ts'
import type { Microversion } from '../openstack/microversion.ts'
import type { RouteSpec } from '../openstack/route-table.ts'
import { validate } from '../openstack/validation.ts'
import type { ValidationProblem } from '../openstack/validation.ts'

/** Marks the 413 of the body size limit, which oslo.middleware renders as a plain WebOb error in every service. */
export const BODY_LIMIT = 'sizelimit'
export const BODY_LIMIT_MESSAGE = 'Request is too large.'

export interface BodyRules {
  readonly maxBodyBytes: number
  /** The fault for a body that is not JSON. */
  malformed(detail: string): OpenStackFault
  /** The fault for a body that does not match the schema. */
  invalid(problem: ValidationProblem): OpenStackFault
}

export class RequestContext {
  readonly request: HttpRequest
  readonly route: RouteSpec
  readonly params: Readonly<Record<string, string>>
  readonly requestId: string
  /** Scheme, host and service prefix as the client addressed them, e.g. 'http://127.0.0.1:8000/compute'. */
  readonly serviceUrl: string
  readonly microversion: Microversion
  readonly #auth: AuthContext | null
  readonly #rules: BodyRules

  constructor (init: {
    request: HttpRequest
    route: RouteSpec
    params: Readonly<Record<string, string>>
    requestId: string
    serviceUrl: string
    microversion: Microversion
    auth: AuthContext | null
    rules: BodyRules
  }) {
    this.request = init.request
    this.route = init.route
    this.params = init.params
    this.requestId = init.requestId
    this.serviceUrl = init.serviceUrl
    this.microversion = init.microversion
    this.#auth = init.auth
    this.#rules = init.rules
  }

  get query (): URLSearchParams {
    return this.request.url.searchParams
  }

  /** A route parameter; the route table guarantees it exists. */
  param (name: string): string {
    const value = this.params[name]
    if (value === undefined) throw new Error(`route ${this.route.path} has no parameter ${name}`)
    return value
  }

  header (name: string): string | undefined {
    return this.request.headers[name]
  }

  /** The caller, or null on a route that needs no token and got none. */
  get authOrNull (): AuthContext | null {
    return this.#auth
  }

  /** The caller; 401 if the request carried no valid token. */
  get auth (): AuthContext {
    if (this.#auth === null) throw new Unauthorized()
    return this.#auth
  }

  get isAdmin (): boolean {
    return this.#auth !== null && isAdmin(this.#auth)
  }

  /** The whole body as bytes, within the service's limit (413 past it). */
  async bodyBytes (): Promise<Uint8Array> {
    const length = this.request.headers['content-length']
    if (length !== undefined && Number(length) > this.#rules.maxBodyBytes) throw new RequestEntityTooLarge(BODY_LIMIT_MESSAGE, { type: BODY_LIMIT })
    try {
      return await readBody(this.request.body, this.#rules.maxBodyBytes)
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new RequestEntityTooLarge(BODY_LIMIT_MESSAGE, { type: BODY_LIMIT, cause: error })
      throw error
    }
  }

  /** The body parsed as JSON (undefined when empty); the service's 400 when it is not JSON. */
  async jsonBody (): Promise<unknown> {
    const bytes = await this.bodyBytes()
    if (bytes.byteLength === 0) return undefined
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw this.#rules.malformed(error instanceof Error ? error.message : String(error))
    }
  }

  /** The body parsed as JSON and checked against `schema`; the service's 400 on either failure. */
  async body<T> (schema: z.ZodType<T>): Promise<T> {
    const value = await this.jsonBody()
    const result = validate(schema, value)
    if (!result.ok) throw this.#rules.invalid(result.problem)
    return result.value
  }

  /** Checks a value (a query, a sub-document) against a schema; the service's 400 on failure. */
  check<T> (schema: z.ZodType<T>, value: unknown): T {
    const result = validate(schema, value)
    if (!result.ok) throw this.#rules.invalid(result.problem)
    return result.value
  }
}
