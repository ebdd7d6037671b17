/**
 * A real OpenStack cloudlet (Debian's Keystone, Nova, Placement, Glance, Neutron) for the
 * `real` test suite: starts it with `scripts/real-cloudlet start N`, reads the cloudlet.json the
 * script writes, and runs the real `/usr/bin/openstack` CLI against it as admin. stop() stops
 * what this fixture started, by the PIDs the script recorded (`scripts/real-cloudlet stop N`).
 *
 * With P2PSTACK_REAL_CLOUDLET_JSON=<path to a cloudlet.json> the fixture uses a cloudlet that is
 * already running and leaves it running. P2PSTACK_REAL_CLOUDLET_INDEX picks N (default 0);
 * P2PSTACK_REAL_DIR moves the script's state (default /tmp/p2pstack-real).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const REAL_CLOUDLET_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/real-cloudlet')

/** What scripts/real-cloudlet writes to <dir>/cloudlet-N/cloudlet.json (the fields used here). */
export interface RealCloudletDescription {
  readonly index: number
  readonly name: string
  readonly region: string
  readonly auth_url: string
  readonly admin: { readonly username: string, readonly password: string, readonly project_name: string, readonly user_domain_name: string, readonly project_domain_name: string }
  readonly endpoints: Readonly<Record<'identity' | 'compute' | 'placement' | 'image' | 'network', string>>
  readonly ports: Readonly<Record<string, number>>
  readonly pids: Readonly<Record<string, number>>
  readonly compute_host: string
  readonly seed: {
    readonly flavor: string
    readonly flavors: readonly string[]
    readonly image: { readonly name: string, readonly id: string }
    readonly network: { readonly name: string, readonly id: string }
    readonly subnet: { readonly name: string, readonly id: string, readonly cidr: string }
  }
  readonly paths: Readonly<Record<string, string>>
  readonly start_seconds: number
}

export interface RealCloudlet {
  readonly description: RealCloudletDescription
  /** True when this fixture started the cloudlet (and stop() will stop it). */
  readonly startedHere: boolean
  /** Wall time of `scripts/real-cloudlet start` in ms (0 when an already running one was used). */
  readonly startMs: number
  /** The environment that points the `openstack` CLI at this cloudlet as admin. */
  readonly env: Readonly<Record<string, string>>
  /** Runs `openstack <args>` and returns stdout; rejects with stderr in the message on failure. */
  openstack(args: readonly string[], options?: { timeoutMs?: number }): Promise<string>
  /** Runs `openstack <args> -f json` and parses the output. */
  openstackJson<T = any>(args: readonly string[], options?: { timeoutMs?: number }): Promise<T>
  stop(): Promise<void>
}

async function script (args: readonly string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run(REAL_CLOUDLET_SCRIPT, [...args], { timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024 })
    return stdout
  } catch (error) {
    const e = error as { stderr?: string, message: string }
    throw new Error(`scripts/real-cloudlet ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`, { cause: error })
  }
}

/** Installs the Debian packages if missing (a no-op when they are there). */
export async function installRealCloudletPackages (timeoutMs = 20 * 60_000): Promise<void> {
  await script(['install'], timeoutMs)
}

/** `jsonPath`: use the cloudlet already running there (and leave it running), as P2PSTACK_REAL_CLOUDLET_JSON does. */
export async function startRealCloudlet (options: { index?: number, startTimeoutMs?: number, jsonPath?: string } = {}): Promise<RealCloudlet> {
  const given = options.jsonPath ?? process.env.P2PSTACK_REAL_CLOUDLET_JSON
  const index = options.index ?? Number(process.env.P2PSTACK_REAL_CLOUDLET_INDEX ?? '0')
  let jsonPath: string
  let startMs = 0
  if (given !== undefined && given !== '') {
    jsonPath = given
  } else {
    const started = Date.now()
    try {
      jsonPath = (await script(['start', String(index)], options.startTimeoutMs ?? 15 * 60_000)).trim().split('\n').pop() ?? ''
    } catch (error) {
      // a start killed by the timeout cannot clean up after itself
      await script(['stop', String(index)], 120_000).catch(() => undefined)
      throw error
    }
    startMs = Date.now() - started
  }
  const description = JSON.parse(readFileSync(jsonPath, 'utf8')) as RealCloudletDescription
  const home = mkdtempSync(join(tmpdir(), 'p2pstack-real-cli-'))
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: home,
    OS_AUTH_URL: description.auth_url,
    OS_USERNAME: description.admin.username,
    OS_PASSWORD: description.admin.password,
    OS_PROJECT_NAME: description.admin.project_name,
    OS_USER_DOMAIN_NAME: description.admin.user_domain_name,
    OS_PROJECT_DOMAIN_NAME: description.admin.project_domain_name,
    OS_REGION_NAME: description.region,
    OS_IDENTITY_API_VERSION: '3',
    OS_INTERFACE: 'public'
  }
  const openstack = async (args: readonly string[], runOptions: { timeoutMs?: number } = {}): Promise<string> => {
    try {
      // /usr/bin/openstack runs Debian's /usr/bin/python3, which has the client libraries.
      const { stdout } = await run('/usr/bin/openstack', [...args], { env, cwd: home, timeout: runOptions.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 })
      return stdout
    } catch (error) {
      const e = error as { stderr?: string, stdout?: string, message: string }
      throw new Error(`openstack ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`, { cause: error })
    }
  }
  const startedHere = given === undefined || given === ''
  let stopped = false
  return {
    description,
    startedHere,
    startMs,
    env,
    openstack,
    openstackJson: async <T>(args: readonly string[], runOptions: { timeoutMs?: number } = {}): Promise<T> =>
      JSON.parse(await openstack([...args, '-f', 'json'], runOptions)) as T,
    stop: async () => {
      if (stopped) return
      stopped = true
      rmSync(home, { recursive: true, force: true })
      if (startedHere) await script(['stop', String(description.index)], 120_000)
    }
  }
}
