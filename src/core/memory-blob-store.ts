/**
 * MemoryBlobStore: the BlobStore port in memory, for tests and the simulator, where blobs are
 * small. Production uses FileBlobStore, which never holds a blob in memory.
 */
import type { BlobStore, ByteRange } from './ports.ts'

export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, Uint8Array>()

  async write (key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of body) {
      chunks.push(chunk.slice())
      size += chunk.byteLength
    }
    const all = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      all.set(chunk, offset)
      offset += chunk.byteLength
    }
    this.#blobs.set(key, all)
    return { size }
  }

  read (key: string, range?: ByteRange): AsyncIterable<Uint8Array> | null {
    const blob = this.#blobs.get(key)
    if (blob === undefined) return null
    const bytes = range === undefined ? blob : blob.subarray(range.start, range.end + 1)
    return (async function * () { yield bytes })()
  }

  size (key: string): number | null {
    return this.#blobs.get(key)?.byteLength ?? null
  }

  async delete (key: string): Promise<void> {
    this.#blobs.delete(key)
  }
}
