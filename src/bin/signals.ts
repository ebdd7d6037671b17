/** Waiting for Ctrl-C (SIGINT) or SIGTERM, the way every long-running subcommand ends. */
export async function untilSignal (): Promise<void> {
  await new Promise<void>(resolve => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
