/**
 * FileBlobStore: the BlobStore port on a directory. A write streams into a temporary file and
 * is renamed into place only when complete, so a reader never sees half a blob and a failed
 * upload leaves nothing behind. Keys are hashed into file names, so any key is safe.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, renameSync, statSync, rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { BlobStore, ByteRange } from '../core/ports.ts'

export class FileBlobStore implements BlobStore {
  readonly #dir: string

  constructor (dir: string) {
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
  }

  async write (key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    const target = this.#path(key)
    const temp = `${target}.partial-${randomBytes(8).toString('hex')}`
    let size = 0
    const counted = Readable.from((async function * () {
      for await (const chunk of body) {
        size += chunk.byteLength
        yield chunk
      }
    })())
    try {
      await pipeline(counted, createWriteStream(temp))
      renameSync(temp, target)
    } catch (error) {
      rmSync(temp, { force: true })
      throw error
    }
    return { size }
  }

  read (key: string, range?: ByteRange): AsyncIterable<Uint8Array> | null {
    if (this.size(key) === null) return null
    return createReadStream(this.#path(key), range === undefined ? {} : { start: range.start, end: range.end })
  }

  size (key: string): number | null {
    try {
      return statSync(this.#path(key)).size
    } catch {
      return null
    }
  }

  /** Moves a complete blob to another key (a rename: no copy), replacing what was there. */
  async move (from: string, to: string): Promise<void> {
    renameSync(this.#path(from), this.#path(to))
  }

  async delete (key: string): Promise<void> {
    await rm(this.#path(key), { force: true })
  }

  #path (key: string): string {
    return join(this.#dir, createHash('sha256').update(key).digest('hex'))
  }
}
