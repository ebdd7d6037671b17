/**
 * The process logger: pino, JSON lines on stderr (stdout is for what a command prints for its
 * user). Level from the caller, 'info' by default.
 */
import { pino } from 'pino'
import type { Logger } from '../core/ports.ts'

export function createLogger (options: { level?: string, name?: string } = {}): Logger {
  return pino({ level: options.level ?? 'info', name: options.name ?? 'p2pstack' }, pino.destination(2))
}
