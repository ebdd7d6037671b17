/**
 * The compute microversion range the agent advertises in front of several cloudlets: a version
 * is usable only if every cloudlet a call may land on honours it, so the range is the
 * intersection — max = the smallest of the maxima, min = the largest of the minima. Read from
 * each cloudlet's compute version document (GET /compute/v2.1: {"version": {"min_version",
 * "version", …}}). An empty intersection (or no cloudlet) is null: the caller keeps its last
 * range or refuses to start. The agents tell each other their cloudlet's range in their overlay
 * metadata ('2.1-2.79'), and the version documents clients read are rewritten to the intersection.
 */
import type { Microversion, MicroversionRange } from '../openstack/microversion.ts'
import { compareMicroversions, formatMicroversion, parseMicroversion } from '../openstack/microversion.ts'

export function intersectMicroversionRanges (ranges: readonly MicroversionRange[]): MicroversionRange | null {
  let min: Microversion | null = null
  let max: Microversion | null = null
  for (const range of ranges) {
    if (min === null || compareMicroversions(range.min, min) > 0) min = range.min
    if (max === null || compareMicroversions(range.max, max) < 0) max = range.max
  }
  if (min === null || max === null || compareMicroversions(min, max) > 0) return null
  return { min, max }
}

/**
 * The range of one compute version document — {"version": {...}} of GET /v2.1 or one entry of
 * {"versions": [...]} at the root; null if it names none (a v2.0 entry has empty strings).
 */
export function computeVersionRange (document: unknown): MicroversionRange | null {
  const wrapped = document !== null && typeof document === 'object' ? (document as { version?: unknown }).version : undefined
  const entry = wrapped !== null && typeof wrapped === 'object' ? wrapped : document
  if (entry === null || typeof entry !== 'object') return null
  const { min_version: minText, version: maxText } = entry as Record<string, unknown>
  if (typeof minText !== 'string' || typeof maxText !== 'string') return null
  const min = parseMicroversion(minText)
  const max = parseMicroversion(maxText)
  if (min === null || max === null || compareMicroversions(min, max) > 0) return null
  return { min, max }
}

/** The agent's range from the cloudlets' version documents; documents without a range are skipped. */
export function advertisedComputeRange (documents: readonly unknown[]): MicroversionRange | null {
  const ranges: MicroversionRange[] = []
  for (const document of documents) {
    const range = computeVersionRange(document)
    if (range !== null) ranges.push(range)
  }
  return intersectMicroversionRanges(ranges)
}

/** A range as the agents' metadata carries it: '2.1-2.79'. */
export function formatMicroversionRange (range: MicroversionRange): string {
  return `${formatMicroversion(range.min)}-${formatMicroversion(range.max)}`
}

/** The range of a '2.1-2.79' text; null if it is not one. */
export function parseMicroversionRange (text: string): MicroversionRange | null {
  const [minText, maxText, extra] = text.split('-')
  if (minText === undefined || maxText === undefined || extra !== undefined) return null
  const min = parseMicroversion(minText)
  const max = parseMicroversion(maxText)
  if (min === null || max === null || compareMicroversions(min, max) > 0) return null
  return { min, max }
}

/**
 * A compute version document (GET /compute/ or /compute/v2.1, as text) saying `range` instead of
 * the one cloudlet's: the v2.1 entry's min_version and version. Anything else is left as it is.
 */
export function withComputeRange (text: string, range: MicroversionRange): string {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    return text
  }
  if (document === null || typeof document !== 'object') return text
  const set = (entry: unknown): void => {
    if (entry === null || typeof entry !== 'object') return
    const e = entry as Record<string, unknown>
    if (e.id !== 'v2.1' || typeof e.version !== 'string' || e.version === '') return
    e.version = formatMicroversion(range.max)
    e.min_version = formatMicroversion(range.min)
  }
  const d = document as { version?: unknown, versions?: unknown }
  set(d.version)
  if (Array.isArray(d.versions)) d.versions.forEach(set)
  return JSON.stringify(document)
}
