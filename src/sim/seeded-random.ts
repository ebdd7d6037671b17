/**
 * SeededRandom: the Random port as a reproducible stream (sfc32, seeded by hashing a string
 * with cyrb128). Forking derives the child's seed from the parent's seed and the label, never
 * from how much the parent has drawn, so adding a draw in one subsystem does not reshuffle
 * any other.
 */
import type { Random } from '../core/ports.ts'

export class SeededRandom implements Random {
  readonly seed: string
  #a: number
  #b: number
  #c: number
  #d: number

  constructor (seed: string | number) {
    this.seed = String(seed)
    const [a, b, c, d] = cyrb128(this.seed)
    this.#a = a
    this.#b = b
    this.#c = c
    this.#d = d
    for (let i = 0; i < 12; i++) this.#next()
  }

  int (maxExclusive: number): number {
    if (!(maxExclusive > 0) || !Number.isSafeInteger(maxExclusive)) throw new RangeError(`int(${maxExclusive}): need a positive safe integer`)
    if (maxExclusive <= 0x1_0000_0000) {
      // Rejection sampling keeps the result uniform.
      const limit = Math.floor(0x1_0000_0000 / maxExclusive) * maxExclusive
      for (;;) {
        const x = this.#next()
        if (x < limit) return x % maxExclusive
      }
    }
    const high = this.int(Math.ceil(maxExclusive / 0x1_0000_0000))
    return (high * 0x1_0000_0000 + this.#next()) % maxExclusive
  }

  bytes (length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i += 4) {
      let x = this.#next()
      for (let j = i; j < Math.min(i + 4, length); j++) {
        out[j] = x & 0xff
        x >>>= 8
      }
    }
    return out
  }

  fork (label: string): Random {
    return new SeededRandom(`${this.seed}/${label}`)
  }

  #next (): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return t >>> 0
  }
}

function cyrb128 (text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0]
}
