/**
 * lastGoodDocuments: an outbound HttpHandler for the identity provider's public documents (OIDC
 * discovery, JWKS) that remembers the last good answer per URL and serves it when the provider
 * cannot be reached or answers a 5xx. The OidcVerifier refetches keys when its cache ages out;
 * without this, the first refetch while the provider is down would make every token
 * unverifiable. With it, users keep working on the keys last seen, and a key rotation is still
 * picked up as soon as the provider answers again. Bounded: only a few small documents.
 */
import { readBody } from '../../core/http.ts'
import type { HttpHandler, HttpResponse } from '../../core/http.ts'
import type { Logger } from '../../core/ports.ts'

const MAX_DOCUMENTS = 32
const MAX_DOCUMENT_BYTES = 1024 * 1024

interface Remembered {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

export function lastGoodDocuments (outbound: HttpHandler, logger: Logger): HttpHandler {
  const remembered = new Map<string, Remembered>()
  const fallback = (url: string, reason: unknown): HttpResponse => {
    const last = remembered.get(url)
    if (last === undefined) throw reason instanceof Error ? reason : new Error(String(reason))
    logger.warn({ url, reason: reason instanceof Error ? reason.message : String(reason) }, 'identity provider unreachable; using its last good document')
    return { status: last.status, headers: { ...last.headers }, body: last.body }
  }
  return async request => {
    if (request.method !== 'GET') return await outbound(request)
    const url = request.url.href
    let response: HttpResponse
    try {
      response = await outbound(request)
    } catch (error) {
      return fallback(url, error)
    }
    if (response.status >= 500) return fallback(url, new Error(`${url} answered ${response.status}`))
    if (response.status !== 200) return response
    const body = await readBody(response.body, MAX_DOCUMENT_BYTES)
    remembered.delete(url)
    remembered.set(url, { status: 200, headers: response.headers, body })
    while (remembered.size > MAX_DOCUMENTS) {
      const oldest = remembered.keys().next().value
      if (oldest === undefined) break
      remembered.delete(oldest)
    }
    return { status: 200, headers: response.headers, body }
  }
}
