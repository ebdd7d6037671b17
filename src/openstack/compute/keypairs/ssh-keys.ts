/**
 * OpenSSH public keys as Nova handles them: checking an imported key (type, base64 blob whose
 * first field names the same type), its MD5 fingerprint in colon-separated hex, and writing
 * the public half of a generated RSA key in OpenSSH form ("ssh-rsa AAAA… Generated-by-Nova").
 */
import type { Hashing } from '../../../core/ports.ts'

const KEY_TYPES = new Set(['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'])

/** The decoded blob of a valid OpenSSH public key line, or null when it is not one. */
export function parseSshPublicKey (line: string): Uint8Array | null {
  const [type, data] = line.trim().split(/\s+/)
  if (type === undefined || data === undefined || !KEY_TYPES.has(type)) return null
  let blob: Uint8Array
  try {
    blob = Uint8Array.from(atob(data), c => c.charCodeAt(0))
  } catch {
    return null
  }
  if (blob.byteLength < 4) return null
  const length = ((blob[0] ?? 0) << 24) | ((blob[1] ?? 0) << 16) | ((blob[2] ?? 0) << 8) | (blob[3] ?? 0)
  if (length <= 0 || 4 + length > blob.byteLength) return null
  const embedded = new TextDecoder().decode(blob.subarray(4, 4 + length))
  return embedded === type ? blob : null
}

/** Nova's fingerprint: MD5 of the key blob, as colon-separated lowercase hex. */
export function sshFingerprint (blob: Uint8Array, hashing: Hashing): string {
  const md5 = hashing.create('md5')
  md5.update(blob)
  return md5.digestHex().match(/../g)?.join(':') ?? ''
}

/** The OpenSSH line of an RSA public key given its exponent and modulus (big-endian bytes). */
export function rsaPublicKeyLine (publicExponent: Uint8Array, modulus: Uint8Array, comment: string): { line: string, blob: Uint8Array } {
  const parts = [new TextEncoder().encode('ssh-rsa'), mpint(publicExponent), mpint(modulus)]
  const size = parts.reduce((n, p) => n + 4 + p.byteLength, 0)
  const blob = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    blob[offset] = (part.byteLength >>> 24) & 0xff
    blob[offset + 1] = (part.byteLength >>> 16) & 0xff
    blob[offset + 2] = (part.byteLength >>> 8) & 0xff
    blob[offset + 3] = part.byteLength & 0xff
    blob.set(part, offset + 4)
    offset += 4 + part.byteLength
  }
  let binary = ''
  for (const byte of blob) binary += String.fromCharCode(byte)
  return { line: `ssh-rsa ${btoa(binary)} ${comment}`, blob }
}

/** SSH mpint: big-endian, no leading zeros, a zero byte added when the top bit is set. */
function mpint (bytes: Uint8Array): Uint8Array {
  let start = 0
  while (start < bytes.byteLength - 1 && bytes[start] === 0) start++
  const trimmed = bytes.subarray(start)
  if (((trimmed[0] ?? 0) & 0x80) === 0) return trimmed
  const padded = new Uint8Array(trimmed.byteLength + 1)
  padded.set(trimmed, 1)
  return padded
}
