/**
 * assert() for programmer errors and broken invariants: the only correct answer to corrupt
 * code is to stop (CONVENTIONS.md, error rule 1). Expected conditions — bad client input, a
 * silent peer — are never asserted; they are ordinary branches or typed faults.
 */

export class AssertionError extends Error {
  readonly code = 'P2P_ERR_ASSERTION'
}

export function assert (condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message)
}
