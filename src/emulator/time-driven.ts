/**
 * TimeDriven: a part of the emulator whose state changes with time (a server finishing its
 * build, an import completing). The cloudlet calls advance() before it handles each request,
 * so changes happen exactly when a client could observe them, with no timers.
 */
export interface TimeDriven {
  /** Applies every change due at or before `wallClockMs`. Never throws for a client's doing. */
  advance(wallClockMs: number): void
}
