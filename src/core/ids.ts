/**
 * Identifiers: UUIDs made from the Random port (so that seeded runs make the same ids), in
 * the two spellings OpenStack uses — dashed (Nova, Neutron, Glance) and 32 hex digits (Keystone).
 */
import type { Random } from './ports.ts'

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** A version-4 UUID, dashed: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
export function uuid (random: Random): string {
  const b = random.bytes(16)
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[b[i] ?? 0]
  }
  return s
}

/** A version-4 UUID as 32 hex digits, as Keystone spells its ids. */
export function hexId (random: Random): string {
  return uuid(random).replaceAll('-', '')
}

/** `length` random characters of the URL-safe base64 alphabet (secrets, tokens, passwords). */
export function randomToken (random: Random, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const bytes = random.bytes(length)
  let s = ''
  for (const byte of bytes) s += alphabet[byte & 63]
  return s
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

/** True for a UUID in either spelling, any case. */
export function isUuidLike (value: string): boolean {
  return UUID_RE.test(value)
}
