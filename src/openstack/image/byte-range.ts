/**
 * The Range header of GET /v2/images/{id}/file, as Glance (through webob) reads it: one
 * "bytes=a-b", "bytes=a-" or "bytes=-n" range; several ranges are a 400, an unreadable range or
 * one starting past the end a 416; an end past the data is clipped to it.
 */
import { BadRequest } from '../faults.ts'
import { WebobDetailFault } from './webob-fault.ts'

export interface ServedRange {
  /** First byte served. */
  readonly offset: number
  /** Last byte served, included. */
  readonly last: number
}

/** The bytes to serve of `size`, or null for the whole; throws Glance's fault for a bad header. */
export function servedRange (header: string | undefined, size: number): ServedRange | null {
  if (header === undefined) return null
  if (header.includes(',')) {
    throw new BadRequest('Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.')
  }
  const match = /^bytes *= *(\d*) *- *(\d*)/i.exec(header)
  if (match === null || (match[1] === '' && match[2] === '')) throw new WebobDetailFault(416, 'Invalid Range header.')
  let start: number
  let end: number | null
  if (match[1] === '') {
    start = -Number(match[2])
    end = null
  } else {
    start = Number(match[1])
    end = match[2] === '' ? null : Number(match[2]) + 1
    if (end !== null && start >= end) throw new WebobDetailFault(416, 'Invalid Range header.')
  }
  if (start >= size) {
    throw new WebobDetailFault(416, `Invalid start position in Range header. Start position MUST be in the inclusive range [0, ${size - 1}].`)
  }
  const offset = start >= 0 ? start : Math.abs(start) < size ? size + start : 0
  if (end !== null && end < size) return { offset, last: end - 1 }
  return { offset, last: size - 1 }
}
