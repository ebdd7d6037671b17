/**
 * Measuring an upload while it streams: its size, md5, sha256 and sha512 are computed chunk by
 * chunk as the bytes pass on to the BlobStore, never from the whole body in memory. The
 * values the uploader expects (x-expected-* headers and Content-Length) are checked inside the
 * stream: a size limit or an expected size is enforced as soon as it is passed, and the
 * checksums after the last chunk but before the stream ends — so a mismatch makes the stream
 * fail, and a BlobStore keeps nothing of a stream that fails.
 */
import type { HttpHeaders } from '../core/http.ts'
import type { Hashing, IncrementalHash } from '../core/ports.ts'

/** What a blob is: its size and digests (lowercase hex). */
export interface BlobDigests {
  readonly size: number
  readonly md5: string
  readonly sha256: string
  readonly sha512: string
}

/** The values an uploader says its bytes have; each is checked when given. */
export interface ExpectedDigests {
  readonly size?: number
  readonly md5?: string
  readonly sha256?: string
  readonly sha512?: string
}

export const EXPECTED_HEADERS = {
  size: 'x-expected-size',
  md5: 'x-expected-md5',
  sha256: 'x-expected-sha256',
  sha512: 'x-expected-sha512'
} as const

const HEX_LENGTH = { md5: 32, sha256: 64, sha512: 128 } as const

/** The upload went past the store's size limit. */
export class UploadTooLargeError extends Error {
  readonly code = 'P2P_ERR_UPLOAD_TOO_LARGE'
  readonly limitBytes: number
  constructor (limitBytes: number) {
    super(`the upload is larger than the image store's limit of ${limitBytes} bytes`)
    this.limitBytes = limitBytes
  }
}

/** The bytes are not what the uploader said they would be. */
export class UploadMismatchError extends Error {
  readonly code = 'P2P_ERR_UPLOAD_MISMATCH'
  readonly what: keyof ExpectedDigests
  constructor (what: keyof ExpectedDigests, expected: string, actual: string) {
    super(what === 'size'
      ? `the upload's size is ${actual} bytes, not the ${expected} bytes announced`
      : `checksum mismatch: the upload's ${what} is ${actual}, not the ${expected} expected`)
    this.what = what
  }
}

/** Reading the upload failed (the client went away, the connection broke). */
export class UploadInterruptedError extends Error {
  readonly code = 'P2P_ERR_UPLOAD_INTERRUPTED'
  constructor (cause: unknown) {
    super(`the upload was interrupted: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/** The expectations a request's headers state, or what is wrong with them. */
export function expectedFromHeaders (headers: HttpHeaders): { ok: true, expected: ExpectedDigests } | { ok: false, problem: string } {
  const expected: { size?: number, md5?: string, sha256?: string, sha512?: string } = {}
  const sizes: Array<[string, string]> = []
  const contentLength = headers['content-length']
  if (contentLength !== undefined) sizes.push(['Content-Length', contentLength])
  const expectedSize = headers[EXPECTED_HEADERS.size]
  if (expectedSize !== undefined) sizes.push([EXPECTED_HEADERS.size, expectedSize])
  for (const [name, value] of sizes) {
    const trimmed = value.trim()
    const n = Number(trimmed)
    if (!/^\d{1,16}$/.test(trimmed) || !Number.isSafeInteger(n)) return { ok: false, problem: `${name} must be a whole number of bytes, not ${JSON.stringify(value)}` }
    if (expected.size !== undefined && expected.size !== n) return { ok: false, problem: `Content-Length (${expected.size}) and ${EXPECTED_HEADERS.size} (${n}) disagree` }
    expected.size = n
  }
  for (const algorithm of ['md5', 'sha256', 'sha512'] as const) {
    const value = headers[EXPECTED_HEADERS[algorithm]]
    if (value === undefined) continue
    const hex = value.trim().toLowerCase()
    if (hex.length !== HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(hex)) {
      return { ok: false, problem: `${EXPECTED_HEADERS[algorithm]} must be ${HEX_LENGTH[algorithm]} hexadecimal digits` }
    }
    expected[algorithm] = hex
  }
  return { ok: true, expected }
}

/**
 * Passes `source` through, measuring it; fails with UploadTooLargeError past `limitBytes`,
 * with UploadMismatchError when it is not what `expected` says, and with
 * UploadInterruptedError when reading the source fails. The source is read with
 * next() only and never given up (return()), so an HTTP request whose body was refused midway
 * can still be answered: the server closes the connection after the answer.
 */
export class UploadMeter {
  readonly #hashes: { md5: IncrementalHash, sha256: IncrementalHash, sha512: IncrementalHash }
  readonly #expected: ExpectedDigests
  readonly #limitBytes: number
  #size = 0
  #digests: BlobDigests | null = null

  constructor (hashing: Hashing, expected: ExpectedDigests, limitBytes: number) {
    this.#hashes = { md5: hashing.create('md5'), sha256: hashing.create('sha256'), sha512: hashing.create('sha512') }
    this.#expected = expected
    this.#limitBytes = limitBytes
  }

  /** The measured values, once the stream has ended and passed every check; null before. */
  get digests (): BlobDigests | null {
    return this.#digests
  }

  /** `source`, measured and checked as it passes. Iterate it once. */
  async * stream (source: AsyncIterable<Uint8Array> | null): AsyncGenerator<Uint8Array> {
    if (source !== null) {
      const iterator = source[Symbol.asyncIterator]()
      for (;;) {
        let next: IteratorResult<Uint8Array>
        try {
          next = await iterator.next()
        } catch (error) {
          throw new UploadInterruptedError(error)
        }
        if (next.done === true) break
        this.#add(next.value)
        yield next.value
      }
    }
    this.#digests = this.#finish()
  }

  #add (chunk: Uint8Array): void {
    this.#size += chunk.byteLength
    if (this.#size > this.#limitBytes) throw new UploadTooLargeError(this.#limitBytes)
    const expectedSize = this.#expected.size
    if (expectedSize !== undefined && this.#size > expectedSize) throw new UploadMismatchError('size', String(expectedSize), `more than ${expectedSize}`)
    this.#hashes.md5.update(chunk)
    this.#hashes.sha256.update(chunk)
    this.#hashes.sha512.update(chunk)
  }

  #finish (): BlobDigests {
    const digests: BlobDigests = {
      size: this.#size,
      md5: this.#hashes.md5.digestHex(),
      sha256: this.#hashes.sha256.digestHex(),
      sha512: this.#hashes.sha512.digestHex()
    }
    for (const what of ['size', 'md5', 'sha256', 'sha512'] as const) {
      const expected = this.#expected[what]
      if (expected !== undefined && String(expected) !== String(digests[what])) throw new UploadMismatchError(what, String(expected), String(digests[what]))
    }
    return digests
  }
}
