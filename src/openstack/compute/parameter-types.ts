/**
 * Nova's parameter types (nova/api/validation/parameter_types.py) as zod schemas: the building
 * blocks of every compute request schema, with Nova's lenient spellings (booleans as "True",
 * integers as digit strings) accepted where Nova accepts them.
 */
import { z } from 'zod'
import { isUuidLike } from '../../core/ids.ts'

/** 1–255 printable characters with no leading or trailing whitespace (format 'name'). */
export const name = z.string().min(1).max(255).regex(/^(?!\s)[^\p{C}]*(?<!\s)$/u, 'is not a valid name')

const TRUE_STRINGS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes']
const FALSE_STRINGS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']

/** Nova's boolean: true/false or one of its accepted strings. */
export const booleanLike = z.union([z.boolean(), z.enum([...TRUE_STRINGS, ...FALSE_STRINGS] as [string, ...string[]])])

export function toBoolean (value: boolean | string): boolean {
  return typeof value === 'boolean' ? value : TRUE_STRINGS.includes(value)
}

/** An integer ≥ `minimum`, or a string of digits of one. */
export function integerLike (minimum: number): z.ZodType<number | string> {
  return z.union([
    z.int().min(minimum),
    z.string().regex(/^[0-9]+$/).refine(s => Number(s) >= minimum, `must be at least ${minimum}`)
  ])
}

export const uuid = z.string().refine(isUuidLike, 'is not a \'uuid\'')

export const description = z.string().max(255).regex(/^[^\p{Cc}]*$/u).nullable()

/** Server tags: 1–60 characters, no '/' and no ','. */
export const tag = z.string().min(1).max(60).regex(/^[^,/]*$/)

/** Metadata: keys of [a-zA-Z0-9-_:. ]{1,255}, string values up to 255 characters, nothing else. */
export const metadata = z.record(
  z.string().regex(/^[a-zA-Z0-9-_:. ]{1,255}$/, 'does not match any of the regexes: \'^[a-zA-Z0-9-_:. ]{1,255}$\''),
  z.string().max(255)
)

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

export function isIpv4 (text: string): boolean {
  return IPV4.test(text)
}

export function isIpv6 (text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return false
  const parts = text.split('::')
  if (parts.length > 2) return false
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'))
  const all = [...groups(parts[0] ?? ''), ...groups(parts[1] ?? '')]
  let count = 0
  for (const [i, g] of all.entries()) {
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIpv4(g)) return false
      count += 2
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false
      count += 1
    }
  }
  return parts.length === 2 ? count < 8 : count === 8
}

export const ipAddress = z.string().refine(s => isIpv4(s) || isIpv6(s), 'is not a \'ipv4\' or \'ipv6\'')
export const ipv4 = z.string().refine(s => s === '' || isIpv4(s), 'is not a \'ipv4\'')
export const ipv6 = z.string().refine(s => s === '' || isIpv6(s), 'is not a \'ipv6\'')

/** Base64 as Python's base64.b64decode(strict) accepts it. */
export const base64 = z.string().regex(/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'is not a \'base64\'')
