/**
 * One-way message latency in the simulated network, as a distribution drawn from the Random
 * port: a fixed delay, a uniform range, or a lognormal (the usual shape of wide-area delays:
 * a body around the median and a long right tail). Draws are reproducible from the stream.
 */
import type { Random } from '../core/ports.ts'

export type LatencyModel =
  | { readonly kind: 'fixed', readonly ms: number }
  | { readonly kind: 'uniform', readonly minMs: number, readonly maxMs: number }
  /** exp(N(ln medianMs, sigma²)): the median is `medianMs`; the 99th percentile is medianMs·e^(2.33·sigma). */
  | { readonly kind: 'lognormal', readonly medianMs: number, readonly sigma: number }

/** A wide-area default: median 40 ms, 99th percentile about 160 ms. */
export const DEFAULT_LATENCY_MODEL: LatencyModel = { kind: 'lognormal', medianMs: 40, sigma: 0.6 }

const TWO_POW_32 = 0x1_0000_0000

/** A uniform number in [0, 1) from the Random port. */
export function uniform01 (random: Random): number {
  return random.int(TWO_POW_32) / TWO_POW_32
}

/** A standard normal draw (Box–Muller; one draw per call, for simplicity over speed). */
export function standardNormal (random: Random): number {
  const u1 = (random.int(TWO_POW_32) + 1) / (TWO_POW_32 + 1)
  const u2 = uniform01(random)
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
}

/** Draws one latency in milliseconds (never negative). */
export function sampleLatencyMs (model: LatencyModel, random: Random): number {
  switch (model.kind) {
    case 'fixed': return model.ms
    case 'uniform': return model.minMs + (model.maxMs - model.minMs) * uniform01(random)
    case 'lognormal': return model.medianMs * Math.exp(model.sigma * standardNormal(random))
  }
}

/** The problems with a latency model (empty when sound). */
export function latencyModelProblems (model: LatencyModel): string[] {
  switch (model.kind) {
    case 'fixed': return model.ms >= 0 ? [] : ['fixed latency must be ≥ 0']
    case 'uniform': return model.minMs >= 0 && model.maxMs >= model.minMs ? [] : ['uniform latency needs 0 ≤ minMs ≤ maxMs']
    case 'lognormal': return model.medianMs > 0 && model.sigma >= 0 ? [] : ['lognormal latency needs medianMs > 0 and sigma ≥ 0']
  }
}
