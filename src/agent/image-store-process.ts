/**
 * Runs the image store (src/imagestore) as a real service of the services node: blobs in a
 * FileBlobStore on a directory (the default backend), or, given `backendUrl`, on a plain HTTP
 * server that takes WebDAV's PUT, GET, HEAD, DELETE and MOVE (HttpBlobStore; its index of blob
 * sizes kept in `backendStateDir`, by default the directory; the server checked at start);
 * the agents' signatures checked with the cluster key and a nonce cache, an HTTP server on the
 * given address, and an orderly stop. This is what `p2pstack imagestore` and `p2pstack up` start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../core/ports.ts'
import { DEFAULT_MAX_BLOB_BYTES, createImageStore } from '../imagestore/image-store.ts'
import { createWriteVerifier } from '../imagestore/write-signature.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { FileBlobStore } from '../runtime/file-blob-store.ts'
import { HttpBlobStore } from '../runtime/http-blob-store.ts'
import type { HttpBlobAuth } from '../runtime/http-blob-store.ts'
import { startHttpServer } from '../runtime/http-server.ts'
import { NodeHashing } from '../runtime/node-hashing.ts'
import { ClusterKey } from '../runtime/peer-cluster-key.ts'
import { NonceCache } from '../runtime/peer-nonce-cache.ts'
import { SystemClock } from '../runtime/system-clock.ts'

export interface ImageStoreProcessOptions {
  readonly host: string
  readonly port: number
  /** Where the blobs are kept (with `backendUrl`: the default place of its index); null: a temporary directory, removed on stop. */
  readonly dir: string | null
  /** Keep the blobs on this WebDAV server (base URL; user:password in it is basic auth) instead of in `dir`; null or absent: `dir`. */
  readonly backendUrl?: string | null
  /** With `backendUrl`: the directory of its local index of blob sizes; null or absent: `dir`. */
  readonly backendStateDir?: string | null
  /** With `backendUrl`: its credentials, overriding any in the URL. */
  readonly backendAuth?: HttpBlobAuth | null
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
  /** The directory of the blobs (with a WebDAV backend: the default place of its index). */
  readonly dir: string
  /** Where the blobs are: the directory, or the WebDAV server's base URL (without credentials). */
  readonly backend: string
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
  let blobs: FileBlobStore | HttpBlobStore
  let handler
  try {
    blobs = await openBlobStore(options, dir)
  } catch (error) {
    removeDir()
    throw error
  }
  const closeBlobs = async (): Promise<void> => { if (blobs instanceof HttpBlobStore) await blobs.close() }
  const backend = blobs instanceof HttpBlobStore ? blobs.url : dir
  try {
    handler = createImageStore({
      blobs,
      hashing: new NodeHashing(),
      random: new CryptoRandom(),
      logger: options.logger,
      writes: createWriteVerifier(key, clock, new NonceCache(clock, { windowMs, maxEntries: options.maxNonces ?? 100_000 }), { windowMs })
    }, { maxBlobBytes, publicUrl: options.publicUrl })
  } catch (error) {
    await closeBlobs()
    removeDir()
    throw error
  }
  let server
  try {
    server = await startHttpServer({ host: options.host, port: options.port, handler, logger: options.logger })
  } catch (error) {
    await closeBlobs()
    removeDir()
    throw error
  }
  options.logger.info({ url: server.url, backend, maxBlobBytes }, 'image store listening')
  return {
    url: server.url,
    dir,
    backend,
    stop: async () => {
      try {
        await server.close()
      } finally {
        await closeBlobs()
        removeDir()
      }
    }
  }
}

/** The directory's FileBlobStore, or an HttpBlobStore whose server has answered every method it needs. */
async function openBlobStore (options: ImageStoreProcessOptions, dir: string): Promise<FileBlobStore | HttpBlobStore> {
  const url = options.backendUrl ?? null
  if (url === null) return new FileBlobStore(dir)
  const store = new HttpBlobStore({ url, stateDir: options.backendStateDir ?? dir, ...(options.backendAuth == null ? {} : { auth: options.backendAuth }) })
  try {
    await store.check()
  } catch (error) {
    await store.close()
    throw new Error(`the image store's WebDAV backend at ${store.url} does not work: ${(error as Error).message}`, { cause: error })
  }
  return store
}
