/** Parsers for command-line option values, with errors that name the option. */
import { InvalidArgumentError } from 'commander'
import { computeVersionRange } from '../openstack/compute/microversions.ts'

export function positiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer')
  return n
}

export function nonNegativeInt (value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer')
  return n
}

export function port (value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number (0 picks a free one)')
  return n
}

export function positiveNumber (value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number')
  return n
}

/** A compute microversion the emulated Nova can stop at (2.1 … 2.79). */
export function computeMicroversion (value: string): string {
  try {
    computeVersionRange(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
  return value
}
