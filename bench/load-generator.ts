/**
 * A closed-loop HTTP load generator on undici: `connections` keep-alive connections, each
 * sending its next request as soon as the previous answer is read, for `durationMs`. Reports
 * requests per second and latency percentiles. Used by the benchmarks so they need nothing
 * outside npm; wrk, when installed, is used beside it as a cross-check.
 */
import { Pool } from 'undici'

export interface LoadOptions {
  readonly url: string
  readonly path: string | (() => string)
  readonly method?: 'GET' | 'POST'
  readonly headers?: Record<string, string>
  readonly body?: () => string
  readonly connections: number
  readonly durationMs: number
  /** Status every answer must have; anything else counts as an error. */
  readonly expectStatus: number
}

export interface LoadResult {
  readonly requests: number
  readonly errors: number
  readonly seconds: number
  readonly perSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly bytes: number
}

export async function runLoad (options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1 })
  const latencies: number[] = []
  let errors = 0
  let bytes = 0
  const start = performance.now()
  const end = start + options.durationMs
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now()
      try {
        const response = await pool.request({
          origin: options.url,
          path: typeof options.path === 'string' ? options.path : options.path(),
          method: options.method ?? 'GET',
          headers: options.headers ?? {},
          body: options.body?.() ?? null
        })
        for await (const chunk of response.body) bytes += (chunk as Buffer).length
        if (response.statusCode !== options.expectStatus) errors++
      } catch {
        errors++
      }
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: options.connections }, worker))
  const seconds = (performance.now() - start) / 1000
  await pool.close()
  latencies.sort((a, b) => a - b)
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  return { requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), bytes }
}
