/**
 * GETs the emulated Glance makes itself (web-download imports, http locations), through the
 * outbound HttpHandler port: every URL — the first and each redirect target — must pass the
 * cloudlet's allow-list (import-uri.ts), at most five redirects are followed, and anything but
 * a 2xx in the end is a failure. The body is returned as a stream, never buffered.
 */
import { bodyStream, discardBody, httpRequest } from '../../core/http.ts'
import type { HttpBodyStream, HttpResponse } from '../../core/http.ts'
import { isFetchAllowed } from '../../openstack/image/import-uri.ts'
import type { ImageDeps } from './image-deps.ts'

const MAX_REDIRECTS = 5

export class FetchRefusedError extends Error {
  readonly code = 'P2P_ERR_FETCH_REFUSED'
  readonly url: string
  constructor (url: string) { super(`fetching ${url} is not allowed`); this.url = url }
}

export class FetchFailedError extends Error {
  readonly code = 'P2P_ERR_FETCH_FAILED'
  readonly status: number
  constructor (url: string, status: number) { super(`GET ${url} answered ${status}`); this.status = status }
}

export async function fetchAllowed (deps: ImageDeps, url: string): Promise<{ body: HttpBodyStream | null, headers: Record<string, string> }> {
  let current = url
  for (let redirects = 0; ; redirects++) {
    if (!isFetchAllowed(current, deps.settings.webDownloadAllowedHosts)) throw new FetchRefusedError(current)
    const response = await deps.outbound(httpRequest('GET', current, { headers: { accept: '*/*', 'user-agent': 'p2pstack-glance' } }))
    const location = response.headers.location
    if (response.status >= 300 && response.status < 400 && location !== undefined && redirects < MAX_REDIRECTS) {
      await discard(response)
      current = new URL(location, current).href
      continue
    }
    if (response.status < 200 || response.status >= 300) {
      await discard(response)
      throw new FetchFailedError(current, response.status)
    }
    return { body: bodyStream(response.body), headers: response.headers }
  }
}

/** Lets go of a response body without reading it. */
async function discard (response: HttpResponse): Promise<void> {
  await discardBody(response.body)
}
