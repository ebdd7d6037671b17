/**
 * The agent's side of the image store (src/imagestore): uploads an image's bytes as they
 * arrive — from the user's `image create --file`, a snapshot — signed with the cluster key,
 * and gets back the blob's size, md5, sha256 and sha512 and the URL a cloudlet's Glance
 * fetches it from; deletes blobs; reads them back. Bodies stream both ways through the agent's
 * outbound HttpHandler (runtime/http-client.ts, undici): nothing is held in memory whole.
 */
import { z } from 'zod'
import { bodyStream, discardBody, httpRequest, readBody } from '../core/http.ts'
import type { HttpBodyStream, HttpHandler, HttpResponse } from '../core/http.ts'
import type { ByteRange, Clock, Random } from '../core/ports.ts'
import { BLOBS_PATH, SHA512_PATH } from '../imagestore/image-store.ts'
import type { StoredBlob } from '../imagestore/image-store.ts'
import { EXPECTED_HEADERS } from '../imagestore/upload-meter.ts'
import type { ExpectedDigests } from '../imagestore/upload-meter.ts'
import { createWriteSigner } from '../imagestore/write-signature.ts'
import type { MessageAuthenticator } from '../imagestore/write-signature.ts'

export type { ExpectedDigests } from '../imagestore/upload-meter.ts'
export type { StoredBlob } from '../imagestore/image-store.ts'

export interface ImageStoreClientOptions {
  /** The store's base URL, as the agents and the cloudlets reach it (e.g. http://127.0.0.1:8102). */
  readonly url: string
  /** This agent's id, named in its signatures (the store logs it). */
  readonly agentId: string
  /** The cluster key (runtime/peer-cluster-key.ts's ClusterKey). */
  readonly key: MessageAuthenticator
  /** The agent's outbound HTTP. */
  readonly http: HttpHandler
  readonly clock: Clock
  readonly random: Random
}

/** A blob's bytes, or a range of them, as a stream to read once. */
export interface BlobDownload {
  readonly status: 200 | 206
  /** The whole blob's size. */
  readonly size: number
  /** The bytes in `body`. */
  readonly length: number
  readonly body: HttpBodyStream
}

export interface ImageStoreClient {
  /**
   * Streams `body` into the store. `expected` values (when given) are checked by the store,
   * which keeps nothing if one differs. Rejects with ImageStoreError: 400 for a mismatch, 413
   * beyond the store's limit, 401/403 when the store refuses the signature, 0 when unreachable.
   */
  upload(body: AsyncIterable<Uint8Array>, expected?: ExpectedDigests, signal?: AbortSignal): Promise<StoredBlob>
  /** Removes a blob: true if it was there, false if not. */
  delete(sha256: string): Promise<boolean>
  /** The URL of a blob (what a cloudlet's Glance is given to fetch). */
  urlOf(sha256: string): string
  /** The URL of the blob whose sha512 (an image's os_hash_value) is `sha512`, if the store holds it; else null. */
  findBySha512(sha512: string): Promise<string | null>
  /** A blob's bytes (or one range of them), streaming; null if there is no such blob. Rejects with ImageStoreError for a range beyond its end (416). */
  download(sha256: string, range?: ByteRange, signal?: AbortSignal): Promise<BlobDownload | null>
}

/** The store refused or failed a call (status 0: it could not be reached). */
export class ImageStoreError extends Error {
  readonly code = 'P2P_ERR_IMAGE_STORE'
  readonly status: number
  constructor (status: number, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.status = status
  }
}

const hex = (length: number): z.ZodString => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`))
const storedBlobSchema = z.object({
  sha256: hex(64),
  md5: hex(32),
  sha512: hex(128),
  size: z.number().int().nonnegative(),
  url: z.string().url()
})

const FAULT_LIMIT_BYTES = 65_536
const SHA256_HEX = /^[0-9a-f]{64}$/

export function createImageStoreClient (options: ImageStoreClientOptions): ImageStoreClient {
  const base = options.url.replace(/\/+$/, '')
  const signer = createWriteSigner(options.key, options.clock, options.random)
  const urlOf = (sha256: string): string => {
    if (!SHA256_HEX.test(sha256)) throw new ImageStoreError(400, `not a sha256: ${JSON.stringify(sha256)}`)
    return `${base}${BLOBS_PATH}/${sha256}`
  }
  const send = async (method: string, url: string, headers: Record<string, string>, body: HttpBodyStream | null, signal: AbortSignal | undefined): Promise<HttpResponse> => {
    const request = { ...httpRequest(method, url, { headers, body }), ...(signal === undefined ? {} : { signal }) }
    try {
      return await options.http(request)
    } catch (error) {
      throw new ImageStoreError(0, `the image store at ${base} could not be reached for ${method} ${new URL(url).pathname}: ${(error as Error).message}`, error)
    }
  }
  const signedHeaders = (method: string, url: string): Record<string, string> => {
    const u = new URL(url)
    return signer.headers(options.agentId, method, u.pathname + u.search)
  }

  return {
    urlOf,

    findBySha512: async sha512 => {
      if (!/^[0-9a-f]{128}$/.test(sha512)) return null
      const url = `${base}${SHA512_PATH}/${sha512}`
      const response = await send('HEAD', url, {}, null, undefined)
      await discardBody(response.body)
      if (response.status === 200) return url
      if (response.status === 404) return null
      throw new ImageStoreError(response.status, `the image store answered ${response.status} for HEAD ${SHA512_PATH}/…`)
    },

    upload: async (body, expected = {}, signal) => {
      const url = `${base}${BLOBS_PATH}`
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...signedHeaders('PUT', url) }
      if (expected.size !== undefined) {
        headers['content-length'] = String(expected.size)
        headers[EXPECTED_HEADERS.size] = String(expected.size)
      }
      for (const algorithm of ['md5', 'sha256', 'sha512'] as const) {
        const value = expected[algorithm]
        if (value !== undefined) headers[EXPECTED_HEADERS[algorithm]] = value.toLowerCase()
      }
      const response = await send('PUT', url, headers, body, signal)
      if (response.status !== 201) throw await faultOf(response, 'upload')
      const parsed = storedBlobSchema.safeParse(await readJsonBody(response))
      if (!parsed.success) throw new ImageStoreError(502, `the image store answered an upload with an unexpected body: ${parsed.error.issues[0]?.message ?? ''}`)
      return parsed.data
    },

    delete: async sha256 => {
      const url = urlOf(sha256)
      const response = await send('DELETE', url, signedHeaders('DELETE', url), null, undefined)
      if (response.status === 204) {
        await readBody(response.body, FAULT_LIMIT_BYTES).catch(() => {})
        return true
      }
      if (response.status === 404) {
        await readBody(response.body, FAULT_LIMIT_BYTES).catch(() => {})
        return false
      }
      throw await faultOf(response, 'delete')
    },

    download: async (sha256, range, signal) => {
      const url = urlOf(sha256)
      const headers: Record<string, string> = range === undefined ? {} : { range: `bytes=${range.start}-${range.end}` }
      const response = await send('GET', url, headers, null, signal)
      if (response.status === 404) {
        await readBody(response.body, FAULT_LIMIT_BYTES).catch(() => {})
        return null
      }
      if (response.status !== 200 && response.status !== 206) throw await faultOf(response, 'download')
      const length = Number(response.headers['content-length'])
      const size = response.status === 200 ? length : Number(/\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1])
      if (!Number.isSafeInteger(length) || !Number.isSafeInteger(size)) {
        await discardBody(response.body)
        throw new ImageStoreError(502, `the image store answered a download of ${sha256} without its length`)
      }
      const body = bodyStream(response.body) ?? (async function * () {})()
      return { status: response.status, size, length, body }
    }
  }
}

async function readJsonBody (response: HttpResponse): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(await readBody(response.body, FAULT_LIMIT_BYTES))) as unknown
  } catch {
    return null
  }
}

async function faultOf (response: HttpResponse, what: string): Promise<ImageStoreError> {
  const body = await readJsonBody(response)
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message
  return new ImageStoreError(response.status, `the image store refused the ${what} (${response.status}): ${typeof message === 'string' ? message : 'no message'}`)
}
