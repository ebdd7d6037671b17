/**
 * A thin client for the emulated Neutron's tests: JSON calls under /networking/v2.0 with a
 * token, and shorthands to create the usual resources. It takes the test cloudlet's `call`
 * function, so it needs nothing from test/ itself. For tests only.
 */

export interface CallResult {
  readonly status: number
  readonly headers: Record<string, string>
  readonly text: string
  json<T = any>(): T
}

export type CallFunction = (method: string, path: string, options?: {
  token?: string
  json?: unknown
  body?: string
  headers?: Record<string, string>
}) => Promise<CallResult>

export class NeutronClient {
  readonly #call: CallFunction
  readonly token: string

  constructor (call: CallFunction, token: string) {
    this.#call = call
    this.token = token
  }

  /** A call to /networking<path> as this client. */
  async request (method: string, path: string, options: { json?: unknown, body?: string, headers?: Record<string, string> } = {}): Promise<CallResult> {
    return await this.#call(method, `/networking${path}`, { token: this.token, ...options })
  }

  async get (path: string): Promise<CallResult> {
    return await this.request('GET', `/v2.0${path}`)
  }

  async post (path: string, json: unknown): Promise<CallResult> {
    return await this.request('POST', `/v2.0${path}`, { json })
  }

  async put (path: string, json: unknown, headers: Record<string, string> = {}): Promise<CallResult> {
    return await this.request('PUT', `/v2.0${path}`, { json, headers })
  }

  async delete (path: string): Promise<CallResult> {
    return await this.request('DELETE', `/v2.0${path}`)
  }

  /** Creates one resource and returns its body, failing the test with the response if it was not a 201. */
  async create (collection: string, resource: string, body: Record<string, unknown>): Promise<any> {
    const r = await this.post(`/${collection}`, { [resource]: body })
    if (r.status !== 201) throw new Error(`POST /${collection} answered ${r.status}: ${r.text}`)
    return r.json()[resource]
  }

  async network (body: Record<string, unknown> = {}): Promise<any> {
    return await this.create('networks', 'network', { name: 'net', ...body })
  }

  async subnet (networkId: string, cidr: string, body: Record<string, unknown> = {}): Promise<any> {
    const ipVersion = cidr.includes(':') ? 6 : 4
    return await this.create('subnets', 'subnet', { network_id: networkId, cidr, ip_version: ipVersion, ...body })
  }

  async port (networkId: string, body: Record<string, unknown> = {}): Promise<any> {
    return await this.create('ports', 'port', { network_id: networkId, ...body })
  }

  /** The ids of a list, in the order returned. */
  async ids (path: string): Promise<string[]> {
    const r = await this.get(path)
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text}`)
    const body = r.json() as Record<string, Array<{ id: string }>>
    const key = Object.keys(body).find(k => !k.endsWith('_links')) as string
    return (body[key] ?? []).map(item => item.id)
  }
}
