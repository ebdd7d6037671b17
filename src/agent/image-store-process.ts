/**
 * Runs the image store (src/imagestore) as a real service of the services node: blobs in a
 * FileBlobStore on a directory (the default backend; another one — S3-compatible, plain HTTP —
 * would be another BlobStore here, nothing else changes), the agents' signatures checked with
 * the cluster key and a nonce cache, an HTTP server on the given address, and an orderly stop.
 * This is what `p2pstack imagestore` and `p2pstack up` start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../core/ports.ts'
import { DEFAULT_MAX_BLOB_BYTES, createImageStore } from '../imagestore/image-store.ts'
import { createWriteVerifier } from '../imagestore/write-signature.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { FileBlobStore } from '../runtime/file-blob-store.ts'
import { startHttpServer } from '../runtime/http-server.ts'
import { NodeHashing } from '../runtime/node-hashing.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { NonceCache } from '../runtime/peer-nonce-cache.ts'
import { SystemClock } from '../runtime/system-clock.ts'

export interface ImageStoreProcessOptions {
  readonly host: string
  readonly port: number
  /** Where the blobs are kept; null: a temporary directory, removed on stop. */
  readonly dir: string | null
  /** The cluster secret the agents sign their writes with. */
  readonly clusterKey: string
  /** The largest blob accepted, in bytes; default 1 TiB (Glance's image_size_cap). */
  readonly maxBlobBytes?: number
  /** Base of the blob URLs given out (what cloudlets fetch); null: the address each agent called. */
  readonly publicUrl: string | null
  readonly logger: Logger
  /** How far a signature's time may be from the store's clock; default 60 s, as between agents. */
  readonly timestampWindowMs?: number
  /** Nonces remembered within the window; default 100,000. */
  readonly maxNonces?: number
}

export interface RunningImageStore {
  /** The listening URL. */
  readonly url: string
  /** The directory of the blobs. */
  readonly dir: string
  stop(): Promise<void>
}

export async function startImageStoreProcess (options: ImageStoreProcessOptions): Promise<RunningImageStore> {
  const key = new ClusterKey(options.clusterKey)
  const temporary = options.dir === null
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'p2pstack-images-'))
  const removeDir = (): void => { if (temporary) rmSync(dir, { recursive: true, force: true }) }
  const clock = new SystemClock()
  const windowMs = options.timestampWindowMs ?? 60_000
  const maxBlobBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES
  let handler
  try {
    handler = createImageStore({
      blobs: new FileBlobStore(dir),
      hashing: new NodeHashing(),
      random: new CryptoRandom(),
      logger: options.logger,
      writes: createWriteVerifier(key, clock, new NonceCache(clock, { windowMs, maxEntries: options.maxNonces ?? 100_000 }), { windowMs })
    }, { maxBlobBytes, publicUrl: options.publicUrl })
  } catch (error) {
    removeDir()
    throw error
  }
  let server
  try {
    server = await startHttpServer({ host: options.host, port: options.port, handler, logger: options.logger })
  } catch (error) {
    removeDir()
    throw error
  }
  options.logger.info({ url: server.url, dir, maxBlobBytes }, 'image store listening')
  return {
    url: server.url,
    dir,
    stop: async () => {
      await server.close()
      removeDir()
    }
  }
}
