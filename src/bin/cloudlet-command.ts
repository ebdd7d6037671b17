/**
 * `p2pstack cloudlet`: one emulated OpenStack cloudlet (Keystone, Nova, Glance, Neutron,
 * Placement) on one port, printing how to connect, until Ctrl-C.
 */
import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { DEFAULT_CLOUDLET_CONFIG } from '../emulator/cloudlet-config.ts'
import type { CloudletConfig } from '../emulator/cloudlet-config.ts'
import { computeMicroversion, nonNegativeInt, port, positiveInt, positiveNumber } from './options.ts'
import { untilSignal } from './signals.ts'

interface CloudletOptions {
  host: string
  port: number
  name: string
  region: string
  availabilityZone: string
  hosts: number
  vcpus: number
  ramMb: number
  diskGb: number
  cpuAllocationRatio: number
  ramAllocationRatio: number
  diskAllocationRatio: number
  reservedRamMb: number
  state?: string
  writeCloudsYaml?: string
  cloudName: string
  adminPassword: string
  delayMs: number
  webDownloadAllow: string[]
  defaultFlavors: boolean
  computeMaxMicroversion?: string
  publicUrl?: string
  logLevel: string
}

export function cloudletCommand (): Command {
  const d = DEFAULT_CLOUDLET_CONFIG
  return new Command('cloudlet')
    .description('Run one emulated OpenStack cloudlet (Keystone, Nova, Glance, Neutron, Placement) on one port, under /identity, /compute, /image, /networking and /placement.')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8000)
    .option('--name <name>', 'cloudlet name (host names are <name>-host-<n>)', d.name)
    .option('--region <region>', 'the region of the catalog', d.region)
    .option('--availability-zone <az>', 'the availability zone of every host', d.availabilityZone)
    .option('--hosts <k>', 'number of compute hosts', positiveInt, d.hosts.count)
    .option('--vcpus <v>', 'vCPUs per host', positiveInt, d.hosts.vcpus)
    .option('--ram-mb <r>', 'RAM per host, MB', positiveInt, d.hosts.ramMb)
    .option('--disk-gb <d>', 'disk per host, GB', positiveInt, d.hosts.diskGb)
    .option('--cpu-allocation-ratio <x>', 'Nova cpu_allocation_ratio', positiveNumber, d.allocationRatios.vcpu)
    .option('--ram-allocation-ratio <x>', 'Nova ram_allocation_ratio', positiveNumber, d.allocationRatios.ramMb)
    .option('--disk-allocation-ratio <x>', 'Nova disk_allocation_ratio', positiveNumber, d.allocationRatios.diskGb)
    .option('--reserved-ram-mb <mb>', 'Nova reserved_host_memory_mb', nonNegativeInt, d.reserved.ramMb)
    .option('--state <file>', 'keep the state in this SQLite file (survives a restart); image data goes in <file>.images/')
    .option('--write-clouds-yaml <path>', 'write a clouds.yaml entry for this cloudlet to <path>')
    .option('--cloud-name <name>', 'the name of the clouds.yaml entry', 'cloudlet')
    .option('--admin-password <password>', 'password of the admin user (set on first start)', d.admin.password)
    .option('--delay-ms <ms>', 'how long a server build, an action or an import takes', nonNegativeInt, d.transitionDelayMs)
    .option('--web-download-allow <host...>', 'hosts Glance web-download may fetch from (exact, or *.suffix)', [])
    .option('--no-default-flavors', 'do not create the devstack flavors m1.tiny … m1.xlarge')
    .option('--compute-max-microversion <version>', 'the highest compute microversion served, as an older Nova (default: 2.79)', computeMicroversion)
    .option('--public-url <url>', 'base URL of the catalog (default: the address each client used)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (options: CloudletOptions) => {
      const config: CloudletConfig = {
        ...d,
        name: options.name,
        region: options.region,
        availabilityZone: options.availabilityZone,
        publicUrl: options.publicUrl ?? null,
        admin: { ...d.admin, password: options.adminPassword },
        hosts: { count: options.hosts, vcpus: options.vcpus, ramMb: options.ramMb, diskGb: options.diskGb },
        allocationRatios: { vcpu: options.cpuAllocationRatio, ramMb: options.ramAllocationRatio, diskGb: options.diskAllocationRatio },
        reserved: { ...d.reserved, ramMb: options.reservedRamMb },
        transitionDelayMs: options.delayMs,
        webDownloadAllowedHosts: options.webDownloadAllow,
        defaultFlavors: options.defaultFlavors,
        computeMaxMicroversion: options.computeMaxMicroversion ?? null
      }
      // Loaded only when the command runs, so that `p2pstack <other command>` starts fast.
      const { writeCloudsYaml } = await import('../agent/clouds-yaml.ts')
      const { startCloudletProcess } = await import('../agent/cloudlet-process.ts')
      const { createLogger } = await import('../runtime/logger.ts')
      const logger = createLogger({ level: options.logLevel, name: `cloudlet:${options.name}` })
      const running = await startCloudletProcess({
        host: options.host,
        port: options.port,
        config,
        stateFile: options.state === undefined ? null : resolve(options.state),
        logger
      })
      const authUrl = `${config.publicUrl ?? running.url}/identity`
      if (options.writeCloudsYaml !== undefined) {
        writeCloudsYaml(resolve(options.writeCloudsYaml), {
          [options.cloudName]: { authUrl, username: config.admin.user, password: config.admin.password, projectName: config.admin.project, region: config.region }
        })
      }
      process.stdout.write([
        `p2pstack emulated cloudlet "${config.name}" listening on ${running.url}`,
        '',
        'Connect with:',
        `  export OS_AUTH_URL=${authUrl}`,
        `  export OS_USERNAME=${config.admin.user}`,
        `  export OS_PASSWORD=${config.admin.password}`,
        `  export OS_PROJECT_NAME=${config.admin.project}`,
        '  export OS_USER_DOMAIN_NAME=Default',
        '  export OS_PROJECT_DOMAIN_NAME=Default',
        `  export OS_REGION_NAME=${config.region}`,
        '  export OS_IDENTITY_API_VERSION=3',
        ...(options.writeCloudsYaml !== undefined ? ['', `or: export OS_CLOUD=${options.cloudName}   (clouds.yaml written to ${resolve(options.writeCloudsYaml)})`] : []),
        '',
        `State: ${options.state === undefined ? 'in memory (lost on exit)' : resolve(options.state)}. Ctrl-C stops it.`,
        ''
      ].join('\n'))
      await untilSignal()
      await running.stop()
    })
}
