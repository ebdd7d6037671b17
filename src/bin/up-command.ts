/**
 * `p2pstack up`: the embedded default. For now it runs one emulated cloudlet with its state in
 * the data directory and writes a clouds.yaml entry named `p2pstack`; the agent issue turns it
 * into the whole system (services node, several cloudlets, their agents).
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { DEFAULT_CLOUDLET_CONFIG } from '../emulator/cloudlet-config.ts'
import { port } from './options.ts'
import { untilSignal } from './signals.ts'

interface UpOptions {
  host: string
  port: number
  dataDir: string
  writeCloudsYaml: string
  logLevel: string
}

export function upCommand (): Command {
  return new Command('up')
    .description('Start p2pstack on its embedded default (an emulated cloudlet, state kept in the data directory) and write a clouds.yaml entry "p2pstack".')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 8000)
    .option('--data-dir <dir>', 'where the state is kept; a second run resumes from it', 'p2pstack-data')
    .option('--write-clouds-yaml <path>', 'where to write the clouds.yaml entry', 'clouds.yaml')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('warn'))
    .action(async (options: UpOptions) => {
      // Loaded only when the command runs, so that `p2pstack <other command>` starts fast.
      const { writeCloudsYaml } = await import('../agent/clouds-yaml.ts')
      const { startCloudletProcess } = await import('../agent/cloudlet-process.ts')
      const { createLogger } = await import('../runtime/logger.ts')
      const dataDir = resolve(options.dataDir)
      mkdirSync(dataDir, { recursive: true })
      const config = { ...DEFAULT_CLOUDLET_CONFIG, name: 'cloudlet-1' }
      const running = await startCloudletProcess({
        host: options.host,
        port: options.port,
        config,
        stateFile: join(dataDir, 'cloudlet-1.sqlite'),
        logger: createLogger({ level: options.logLevel, name: 'p2pstack' })
      })
      const cloudsYaml = resolve(options.writeCloudsYaml)
      writeCloudsYaml(cloudsYaml, {
        p2pstack: { authUrl: `${running.url}/identity`, username: config.admin.user, password: config.admin.password, projectName: config.admin.project, region: config.region }
      })
      process.stdout.write([
        `p2pstack is up on ${running.url} (state in ${dataDir}).`,
        `clouds.yaml written to ${cloudsYaml}. Use it with:`,
        '',
        '  export OS_CLOUD=p2pstack',
        '  openstack server list',
        '',
        `Admin user: ${config.admin.user} / ${config.admin.password}, project ${config.admin.project}. Ctrl-C stops it.`,
        ''
      ].join('\n'))
      await untilSignal()
      await running.stop()
    })
}
