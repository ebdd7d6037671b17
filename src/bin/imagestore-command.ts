/**
 * `p2pstack imagestore`: the image store of the services node — where image bytes live, outside
 * every cloudlet — on one port, until Ctrl-C. Agents upload and delete with writes signed by
 * the cluster key; anyone may read a blob by its sha256 (that is how a cloudlet's Glance
 * fetches it). The blobs are kept in `--dir`, or, with `--backend-url`, on a plain HTTP server
 * that takes WebDAV's PUT, GET, HEAD, DELETE and MOVE (e.g. nginx with its dav module), with
 * the index of their sizes in `--backend-state` (default: `--dir`) and the server's
 * credentials in `--backend-auth-file`.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import type { HttpBlobAuth } from '../runtime/http-blob-store.ts'
import { port } from './options.ts'
import { untilSignal } from './signals.ts'

interface ImageStoreOptions {
  host: string
  port: number
  dir: string
  clusterKeyFile: string
  maxSize: number
  publicUrl?: string
  backendUrl?: string
  backendState?: string
  backendAuthFile?: string
  logLevel: string
}

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }

/** A size in bytes, with an optional binary suffix: 1073741824, 1G, 512M, 1T. */
export function byteSize (value: string): number {
  const match = /^(\d+)\s*([KMGT]?)(?:i?B)?$/i.exec(value.trim())
  const n = match === null ? Number.NaN : Number(match[1]) * (UNITS[(match[2] ?? '').toUpperCase()] ?? Number.NaN)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive size in bytes, optionally with K, M, G or T (binary)')
  return n
}

function httpUrl (value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http(s) URL')
  return value
}

/** A backend credentials file: `user:password` (HTTP basic) or `Bearer <token>`. */
export function backendAuthOf (text: string, file: string): HttpBlobAuth {
  const content = text.trim()
  const bearer = /^bearer\s+(\S+)$/i.exec(content)
  if (bearer !== null) return { bearer: bearer[1] as string }
  const colon = content.indexOf(':')
  if (colon > 0 && !/[\r\n]/.test(content)) return { basic: { username: content.slice(0, colon), password: content.slice(colon + 1) } }
  throw new Error(`the backend credentials file ${file} must hold one line: user:password, or Bearer <token>`)
}

export function imagestoreCommand (): Command {
  return new Command('imagestore')
    .description('Run the image store of the services node: content-addressed image bytes (by sha256) in a directory or on a WebDAV server, uploaded and deleted by agents (signed with the cluster key), read by anyone who knows the sha256, with ranges.')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one; `p2pstack up` uses its port + 102)', port, 8102)
    .option('--dir <dir>', 'directory the blobs are kept in (with --backend-url: the index of their sizes, unless --backend-state)', 'p2pstack-images')
    .requiredOption('--cluster-key-file <file>', 'the cluster key the agents sign their writes with (the file `p2pstack up` keeps as <data-dir>/cluster.key)')
    .option('--max-size <bytes>', 'the largest blob accepted (K, M, G, T suffixes); Glance\'s image_size_cap default', byteSize, 1024 ** 4)
    .option('--public-url <url>', 'base URL the cloudlets reach the store at, written into the blob URLs (default: the address each agent called)', httpUrl)
    .option('--backend-url <url>', 'keep the blobs on this plain HTTP server instead of in --dir: it must take WebDAV\'s PUT, GET (Range), HEAD, DELETE and MOVE (nginx: dav_methods PUT DELETE MOVE; create_full_put_path on; client_max_body_size 0); user:password in it is basic auth, but --backend-auth-file keeps them out of the process list', httpUrl)
    .option('--backend-state <dir>', 'with --backend-url: the directory of the local index of blob sizes; keep it with the server\'s data (default: --dir)')
    .option('--backend-auth-file <file>', 'with --backend-url: a file holding the server\'s credentials, user:password (basic) or Bearer <token>')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (options: ImageStoreOptions) => {
      // Loaded only when the command runs, so that `p2pstack <other command>` starts fast.
      const { startImageStoreProcess } = await import('../agent/image-store-process.ts')
      const { createLogger } = await import('../runtime/logger.ts')
      let clusterKey: string
      try {
        clusterKey = readFileSync(resolve(options.clusterKeyFile), 'utf8').trim()
      } catch (error) {
        throw new Error(`cannot read the cluster key file ${options.clusterKeyFile}: ${(error as Error).message}`, { cause: error })
      }
      const dir = resolve(options.dir)
      if (options.backendUrl === undefined && (options.backendState !== undefined || options.backendAuthFile !== undefined)) {
        throw new Error('--backend-state and --backend-auth-file go with --backend-url')
      }
      let backendAuth: HttpBlobAuth | null = null
      if (options.backendAuthFile !== undefined) {
        let text: string
        try {
          text = readFileSync(resolve(options.backendAuthFile), 'utf8')
        } catch (error) {
          throw new Error(`cannot read the backend credentials file ${options.backendAuthFile}: ${(error as Error).message}`, { cause: error })
        }
        backendAuth = backendAuthOf(text, options.backendAuthFile)
      }
      const running = await startImageStoreProcess({
        host: options.host,
        port: options.port,
        dir,
        backendUrl: options.backendUrl ?? null,
        backendStateDir: options.backendState === undefined ? null : resolve(options.backendState),
        backendAuth,
        clusterKey,
        maxBlobBytes: options.maxSize,
        publicUrl: options.publicUrl ?? null,
        logger: createLogger({ level: options.logLevel, name: 'imagestore' })
      })
      const base = (options.publicUrl ?? running.url).replace(/\/+$/, '')
      process.stdout.write([
        `p2pstack image store listening on ${running.url}`,
        '',
        `Blobs:     ${base}/v1/blobs/<sha256>   (GET, HEAD with Range: anyone; PUT/POST ${base}/v1/blobs and DELETE: agents)`,
        options.backendUrl === undefined ? `Directory: ${dir}` : `Backend:   ${running.backend} (WebDAV; index of sizes in ${options.backendState === undefined ? dir : resolve(options.backendState)})`,
        `Max size:  ${options.maxSize} bytes`,
        '',
        'Let the cloudlets\' Glance fetch from it: add its host to their web-download allow-list',
        `(p2pstack cloudlet --web-download-allow ${new URL(base).host}). Ctrl-C stops it.`,
        ''
      ].join('\n'))
      await untilSignal()
      await running.stop()
    })
}
