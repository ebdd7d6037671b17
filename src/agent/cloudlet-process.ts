/**
 * Runs one emulated cloudlet as a real service: runtime ports (system clock, CSPRNG, scrypt,
 * SQLite or memory state, a directory for image data), an HTTP server on the given address,
 * and an orderly stop. This is what `p2pstack cloudlet` and `p2pstack up` start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '../core/memory-store.ts'
import type { Logger, Store } from '../core/ports.ts'
import type { CloudletConfig } from '../emulator/cloudlet-config.ts'
import { createEmulatedCloudlet } from '../emulator/emulated-cloudlet.ts'
import type { EmulatedCloudlet } from '../emulator/emulated-cloudlet.ts'
import { CryptoRandom } from '../runtime/crypto-random.ts'
import { FileBlobStore } from '../runtime/file-blob-store.ts'
import { createHttpClient } from '../runtime/http-client.ts'
import { startHttpServer } from '../runtime/http-server.ts'
import { NodeHashing } from '../runtime/node-hashing.ts'
import { NodeKeyGenerator } from '../runtime/node-key-generator.ts'
import { SqliteStore } from '../runtime/sqlite-store.ts'
import { SystemClock } from '../runtime/system-clock.ts'

export interface CloudletProcessOptions {
  readonly host: string
  readonly port: number
  readonly config: CloudletConfig
  /** SQLite file for the state; null keeps it in memory. Image data goes beside it, in `<file>.images/`. */
  readonly stateFile: string | null
  readonly logger: Logger
  /** Every answer waits this long first: the network between an agent and a remote cloudlet, for benchmarks. Default 0. */
  readonly responseDelayMs?: number
}

export interface RunningCloudlet {
  readonly url: string
  readonly cloudlet: EmulatedCloudlet
  stop(): Promise<void>
}

export async function startCloudletProcess (options: CloudletProcessOptions): Promise<RunningCloudlet> {
  let store: Store
  let closeStore = (): void => {}
  let imagesDir: string
  let removeImagesDir = false
  if (options.stateFile === null) {
    store = new MemoryStore()
    imagesDir = mkdtempSync(join(tmpdir(), 'p2pstack-cloudlet-images-'))
    removeImagesDir = true
  } else {
    const sqlite = new SqliteStore(options.stateFile)
    store = sqlite
    closeStore = () => { sqlite.close() }
    imagesDir = `${options.stateFile}.images`
  }
  const outbound = createHttpClient()
  const cloudlet = createEmulatedCloudlet({
    clock: new SystemClock(),
    random: new CryptoRandom(),
    hashing: new NodeHashing(),
    keys: new NodeKeyGenerator(),
    store,
    blobs: new FileBlobStore(imagesDir),
    logger: options.logger,
    outbound
  }, options.config)
  const delayMs = options.responseDelayMs ?? 0
  const handler = delayMs <= 0
    ? cloudlet.handler
    : async (request: Parameters<typeof cloudlet.handler>[0]) => {
      await new Promise(resolve => setTimeout(resolve, delayMs))
      return await cloudlet.handler(request)
    }
  const server = await startHttpServer({ host: options.host, port: options.port, handler, logger: options.logger })
  return {
    url: server.url,
    cloudlet,
    stop: async () => {
      await server.close()
      // Background image work (imports, snapshots) finishes before the store it writes to closes.
      await cloudlet.image.idle()
      await outbound.close()
      closeStore()
      if (removeImagesDir) rmSync(imagesDir, { recursive: true, force: true })
    }
  }
}
