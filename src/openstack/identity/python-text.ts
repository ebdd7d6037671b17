/**
 * The pieces of Python text behaviour that Keystone's mapping engine shows its users beyond
 * repr() and str() (../python-text.ts): str.format() with positional fields, ast.literal_eval() of a
 * list literal, urllib.parse.quote() and str.lstrip(chars). A mapping whose "{0}" expands to
 * several values yields the Python repr of a list ("['a', 'b']"), which Keystone then parses
 * back; to give the same users, groups and ids, the emulator must spell them the same way.
 */
import { pyRepr, pyStr } from '../python-text.ts'

/** Why str.format() failed: an index past the arguments (Python's IndexError), or anything else. */
export class PyFormatError extends Error {
  readonly kind: 'index' | 'other'
  constructor (kind: 'index' | 'other', message: string) {
    super(message)
    this.kind = kind
  }
}

/**
 * Python's `template.format(*args)` for positional fields: "{0}", "{}", "{0!r}", "{{" and
 * "}}". A field beyond `args` is an 'index' error; named fields, unbalanced braces and
 * mixed numbering are 'other' errors, as they are exceptions in Python too.
 */
export function pyFormat (template: string, args: readonly unknown[]): string {
  let out = ''
  let auto = 0
  let numbering: 'auto' | 'manual' | null = null
  let i = 0
  while (i < template.length) {
    const ch = template[i] as string
    if (ch === '{') {
      if (template[i + 1] === '{') { out += '{'; i += 2; continue }
      const close = template.indexOf('}', i)
      if (close === -1) throw new PyFormatError('other', "Single '{' encountered in format string")
      const field = template.slice(i + 1, close)
      const match = /^(\d*)(?:!([rsa]))?(?::.*)?$/.exec(field)
      if (match === null) throw new PyFormatError('other', `unsupported format field {${field}}`)
      let index: number
      if (match[1] === '') {
        if (numbering === 'manual') throw new PyFormatError('other', 'cannot switch from manual field specification to automatic field numbering')
        numbering = 'auto'
        index = auto++
      } else {
        if (numbering === 'auto') throw new PyFormatError('other', 'cannot switch from automatic field numbering to manual field specification')
        numbering = 'manual'
        index = Number(match[1])
      }
      if (index >= args.length) throw new PyFormatError('index', 'Replacement index out of range for positional args tuple')
      const arg = args[index]
      out += match[2] === 'r' || match[2] === 'a' ? pyRepr(arg) : pyStr(arg)
      i = close + 1
    } else if (ch === '}') {
      if (template[i + 1] === '}') { out += '}'; i += 2; continue }
      throw new PyFormatError('other', "Single '}' encountered in format string")
    } else {
      out += ch
      i++
    }
  }
  return out
}

/**
 * ast.literal_eval() restricted to what a mapping produces: the elements of a list literal of
 * strings, numbers, booleans and None; null when `text` is not a list literal.
 */
export function pyLiteralList (text: string): unknown[] | null {
  const parser = new LiteralParser(text)
  try {
    parser.skipSpace()
    const value = parser.value()
    parser.skipSpace()
    if (!parser.atEnd() || !Array.isArray(value)) return null
    return value
  } catch {
    return null
  }
}

class LiteralParser {
  readonly #text: string
  #at = 0

  constructor (text: string) {
    this.#text = text
  }

  atEnd (): boolean {
    return this.#at >= this.#text.length
  }

  skipSpace (): void {
    while (this.#at < this.#text.length && /\s/.test(this.#text[this.#at] as string)) this.#at++
  }

  value (): unknown {
    const ch = this.#text[this.#at]
    if (ch === '[' || ch === '(') return this.#sequence(ch === '[' ? ']' : ')')
    if (ch === "'" || ch === '"') return this.#string(ch)
    const word = /^(True|False|None|[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)/.exec(this.#text.slice(this.#at))
    if (word === null) throw new Error('not a literal')
    this.#at += (word[1] as string).length
    if (word[1] === 'True') return true
    if (word[1] === 'False') return false
    if (word[1] === 'None') return null
    return Number(word[1])
  }

  #sequence (close: string): unknown[] {
    this.#at++
    const items: unknown[] = []
    for (;;) {
      this.skipSpace()
      if (this.#text[this.#at] === close) { this.#at++; return items }
      items.push(this.value())
      this.skipSpace()
      const next = this.#text[this.#at]
      if (next === ',') { this.#at++; continue }
      if (next === close) { this.#at++; return items }
      throw new Error('expected , or end of sequence')
    }
  }

  #string (quote: string): string {
    this.#at++
    let out = ''
    for (;;) {
      const ch = this.#text[this.#at]
      if (ch === undefined) throw new Error('unterminated string')
      this.#at++
      if (ch === quote) return out
      if (ch !== '\\') { out += ch; continue }
      const esc = this.#text[this.#at++]
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0' }
      if (esc !== undefined && simple[esc] !== undefined) out += simple[esc]
      else if (esc === 'x') {
        out += String.fromCharCode(parseInt(this.#text.slice(this.#at, this.#at + 2), 16))
        this.#at += 2
      } else if (esc === 'u') {
        out += String.fromCharCode(parseInt(this.#text.slice(this.#at, this.#at + 4), 16))
        this.#at += 4
      } else out += `\\${esc ?? ''}`
    }
  }
}

const QUOTE_SAFE = /[A-Za-z0-9_.\-~/]/

/** urllib.parse.quote(text) with its default safe='/': UTF-8, percent-encoded, uppercase hex. */
export function pyQuote (text: string): string {
  let out = ''
  for (const ch of text) {
    if (QUOTE_SAFE.test(ch)) {
      out += ch
      continue
    }
    for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Python's str.lstrip(chars): drops leading characters that are in `chars`. */
export function pyLstrip (text: string, chars: string): string {
  let i = 0
  while (i < text.length && chars.includes(text[i] as string)) i++
  return text.slice(i)
}
