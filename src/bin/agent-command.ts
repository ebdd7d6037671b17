/**
 * `p2pstack agent --config FILE`: one agent, configured by a YAML file, until Ctrl-C or SIGTERM;
 * it then leaves the overlay gracefully. With `cloudlet` and `identity` sections it is the
 * whole agent (the OpenStack APIs over all cloudlets, service-agent.ts); without `identity`
 * only its overlay part (Cyclon and placement over the authenticated peer interface). A bad
 * config file stops it at once with every problem, each naming its field.
 */
import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { createLogger } from '../runtime/logger.ts'
import { untilSignal } from './signals.ts'

interface AgentOptions {
  config: string
  logLevel: string
}

export function agentCommand (): Command {
  return new Command('agent')
    .description('Run one p2pstack agent: it joins the overlay of agents (Cyclon peer sampling) through its introducer or seeds, as its config file says.')
    .requiredOption('--config <file>', 'the agent\'s YAML configuration (id, listen, security, overlay)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (options: AgentOptions, command: Command) => {
      // Loaded here, not at the top: every other subcommand starts without the overlay's code.
      const { loadAgentConfig } = await import('../agent/agent-config.ts')
      const config = loadAgentConfig(resolve(options.config))
      const logger = createLogger({ level: options.logLevel, name: `agent:${config.id}` })
      const software = `p2pstack/${command.parent?.version() ?? 'unknown'}`
      let running: { id: string, url: string, address: string, stop(): Promise<void> }
      if (config.identity !== null) {
        const { startServiceAgent } = await import('../agent/service-agent.ts')
        const agent = await startServiceAgent({ config, logger, software })
        running = agent
        process.stdout.write(`OpenStack APIs of all cloudlets at ${agent.publicUrl} (auth_url ${agent.publicUrl}/identity).\n`)
      } else {
        const { startOverlayAgent } = await import('../agent/overlay-agent.ts')
        running = await startOverlayAgent({ config, logger, software })
      }
      process.stdout.write([
        `p2pstack agent "${running.id}" listening on ${running.url}, reachable by peers at ${running.address}`,
        `Status: GET ${running.url}/p2p/v1/status. Ctrl-C leaves the overlay and stops it.`,
        ''
      ].join('\n'))
      await untilSignal()
      await running.stop()
    })
}
