/**
 * `p2pstack up`: the embedded default and the README's main job. It starts the services node
 * (identity provider, introducer), N emulated cloudlets of varied sizes and their N agents on
 * loopback (src/agent/local-cluster.ts), waits until the overlay has converged, showing
 * progress, writes clouds.yaml entries for an admin and a member user, and runs until Ctrl-C,
 * which stops everything. A second run on the same data directory resumes with everything that
 * was there.
 */
import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { port } from './options.ts'
import { untilSignal } from './signals.ts'

interface UpOptions {
  host: string
  port: number
  cloudlets: number
  dataDir: string
  writeCloudsYaml: string
  adminPassword: string
  demoPassword: string
  logLevel: string
}

const MAX_CLOUDLETS = 64

function cloudletCount (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_CLOUDLETS) throw new Error(`--cloudlets must be an integer from 1 to ${MAX_CLOUDLETS}`)
  return n
}

export function upCommand (): Command {
  return new Command('up')
    .description('Start p2pstack on its embedded default: an identity provider, N emulated cloudlets and their agents on loopback, as one OpenStack cloud; writes clouds.yaml entries "p2pstack" (admin) and "p2pstack-demo" (member).')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', `agent 1's port (where users start); agent i listens on port+i−1, the services on port+100 to port+102, cloudlet i on port+200+i`, port, 8000)
    .option('--cloudlets <n>', `how many cloudlets (1–${MAX_CLOUDLETS})`, cloudletCount, 4)
    .option('--data-dir <dir>', 'where the state is kept; a second run resumes from it', 'p2pstack-data')
    .option('--write-clouds-yaml <path>', 'where to write the clouds.yaml entries', 'clouds.yaml')
    .option('--admin-password <password>', 'the admin user\'s password (first run only)', 'secret')
    .option('--demo-password <password>', 'the member user "demo"\'s password (first run only)', 'demo-secret')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('warn'))
    .action(async (options: UpOptions) => {
      // Loaded only when the command runs, so that `p2pstack <other command>` starts fast.
      const { writeCloudsYaml } = await import('../agent/clouds-yaml.ts')
      const { startLocalCluster } = await import('../agent/local-cluster.ts')
      const { createLogger } = await import('../runtime/logger.ts')
      const dataDir = resolve(options.dataDir)
      const say = (text: string): void => { process.stdout.write(`${text}\n`) }
      const cluster = await startLocalCluster({
        host: options.host,
        basePort: options.port,
        cloudlets: options.cloudlets,
        dataDir,
        adminPassword: options.adminPassword,
        demoPassword: options.demoPassword,
        logger: createLogger({ level: options.logLevel, name: 'p2pstack' }),
        progress: text => { say(`  ${text}`) }
      })
      try {
        await cluster.converged(120_000)
      } catch (error) {
        say(`  ${(error as Error).message}; going on, it will converge shortly`)
      }
      const cloudsYaml = resolve(options.writeCloudsYaml)
      const authUrl = `${cluster.entryUrl}/identity`
      writeCloudsYaml(cloudsYaml, {
        p2pstack: { authUrl, username: 'admin', password: options.adminPassword, projectName: 'admin', region: cluster.region },
        'p2pstack-demo': { authUrl, username: 'demo', password: options.demoPassword, projectName: 'demo', region: cluster.region }
      })
      say([
        '',
        `p2pstack is up: ${options.cloudlets} cloudlets behind ${options.cloudlets} agents, one cloud at ${cluster.entryUrl} (state in ${dataDir}).`,
        `  services: identity provider ${cluster.idp.url}, image store ${cluster.imageStore.url}`,
        ...cluster.members.map(m => `  ${m.name}: agent ${m.agent?.publicUrl ?? '(stopped)'}`),
        `clouds.yaml written to ${cloudsYaml}. Use it with:`,
        '',
        '  export OS_CLOUD=p2pstack        # admin; OS_CLOUD=p2pstack-demo for the member user "demo"',
        '  openstack server create --flavor m1.tiny --image cirros vm1',
        '  openstack server list',
        '',
        'Ctrl-C stops everything; running this again on the same data directory resumes.',
        ''
      ].join('\n'))
      await untilSignal()
      say('stopping…')
      await cluster.stop()
    })
}
