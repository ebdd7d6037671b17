/**
 * The `p2pstack` command: reads argv, dispatches to a subcommand, sets the exit code. Each
 * subcommand lives in its own file and has --help.
 */
import { Command } from 'commander'
import { agentCommand } from './agent-command.ts'
import { cloudletCommand } from './cloudlet-command.ts'
import { idpCommand } from './idp-command.ts'
import { imagestoreCommand } from './imagestore-command.ts'
import { simCommand } from './sim-command.ts'
import { upCommand } from './up-command.ts'

const program = new Command()
  .name('p2pstack')
  .description('Many small OpenStack clouds (cloudlets) behaving as one OpenStack cloud, with no central controller.')
  .version('0.1.0')
  .showHelpAfterError()

program.addCommand(upCommand())
program.addCommand(cloudletCommand())
program.addCommand(agentCommand())
program.addCommand(idpCommand())
program.addCommand(imagestoreCommand())
program.addCommand(simCommand())

try {
  await program.parseAsync(process.argv)
} catch (error) {
  const e = error as NodeJS.ErrnoException
  const message = e.code === 'EADDRINUSE'
    ? `the address is already in use (${e.message}); choose another with --port`
    : e.message
  process.stderr.write(`p2pstack: ${message}\n`)
  process.exitCode = 1
}
