/**
 * How the services' databases order the values of a column, for sorting lists: null (or
 * absent) first, booleans as 0/1, numbers by value, strings by code unit (ISO timestamps of one
 * format therefore by time). The emulator sorts its rows with it, and the agent merges the lists
 * of several cloudlets with it, so both order alike.
 */
export function compareColumnValues (a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1
  if (b === null || b === undefined) return 1
  const x = typeof a === 'boolean' ? Number(a) : a
  const y = typeof b === 'boolean' ? Number(b) : b
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0
  const s = typeof x === 'string' ? x : JSON.stringify(x)
  const t = typeof y === 'string' ? y : JSON.stringify(y)
  return s < t ? -1 : s > t ? 1 : 0
}
