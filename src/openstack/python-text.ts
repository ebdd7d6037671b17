/**
 * Python's repr() and str() of JSON values. OpenStack services build their messages with
 * Python's formatting, so a value a client sent appears as Python prints it (None, True,
 * 'text', ['a', 'b'], {'k': 1}); the emulator spells it the same way so messages match.
 */

/** Python's repr() of a JSON-like value (str, list, dict, int, bool, None). */
export function pyRepr (value: unknown): string {
  if (typeof value === 'string') return reprString(value)
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`
  }
  return String(value)
}

/** Python's str(): strings as they are, everything else as repr(). */
export function pyStr (value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

function pyFloat (value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  return String(value)
}

function reprString (s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}
