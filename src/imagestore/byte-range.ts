/**
 * The Range header of a blob read (RFC 9110 §14): one byte range, `bytes=first-last`,
 * `bytes=first-` or `bytes=-suffix`. A header that is not a single well-formed byte range is
 * ignored (the whole blob is served, as RFC 9110 allows for any Range a server does not
 * support); a well-formed range that starts at or past the end is unsatisfiable (416).
 */
import type { ByteRange } from '../core/ports.ts'

export type RangeRequest =
  | { readonly kind: 'whole' }
  | { readonly kind: 'range', readonly range: ByteRange }
  | { readonly kind: 'unsatisfiable' }

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i

/** What a GET with `header` asks for of a blob of `size` bytes. */
export function parseRange (header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' }
  const match = SINGLE_RANGE.exec(header)
  if (match === null) return { kind: 'whole' }
  const [, firstText = '', lastText = ''] = match
  if (firstText === '' && lastText === '') return { kind: 'whole' }
  if (firstText === '') {
    // A suffix: the last n bytes.
    const suffix = safeNumber(lastText) ?? Number.POSITIVE_INFINITY
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } }
  }
  // Digits past 2^53 are beyond any blob: as a first byte unsatisfiable, as a last byte "to the end".
  const first = safeNumber(firstText) ?? Number.POSITIVE_INFINITY
  const last = lastText === '' ? Number.POSITIVE_INFINITY : safeNumber(lastText) ?? Number.POSITIVE_INFINITY
  if (last < first) return { kind: 'whole' }
  if (first >= size) return { kind: 'unsatisfiable' }
  return { kind: 'range', range: { start: first, end: Math.min(last, size - 1) } }
}

/** The Content-Range value of a partial answer, or of a 416 (`range` null). */
export function contentRange (range: ByteRange | null, size: number): string {
  return range === null ? `bytes */${size}` : `bytes ${range.start}-${range.end}/${size}`
}

/** Digits as a safe integer; null past 2^53, where the arithmetic would not be exact. */
function safeNumber (digits: string): number | null {
  const n = Number(digits)
  return Number.isSafeInteger(n) ? n : null
}
