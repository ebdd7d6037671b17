/**
 * Neutron builds its error messages with Python's % formatting, so a value the client sent
 * appears as Python prints it: None, True, 5, 'text' inside lists, {'a': 1}. These helpers
 * print JSON values the same way, so our messages match Neutron's character for character.
 */

/** Python's repr() of a JSON value. */
export function pyRepr (value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value)
  if (typeof value === 'string') return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value.replaceAll("'", "\\'")}'`
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`
  }
  return String(value)
}

/** Python's str() of a JSON value: strings bare, everything else as repr(). */
export function pyStr (value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

function pyFloat (value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  return String(value)
}
