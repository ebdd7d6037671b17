/**
 * The `p2pstack` command: reads argv, dispatches to a subcommand, sets the exit code. Each
 * subcommand lives in its own file and has --help.
 */
import { Command } from 'commander'
import { cloudletCommand } from './cloudlet-command.ts'
import { upCommand } from './up-command.ts'

const program = new Command()
  .name('p2pstack')
  .description('Many small OpenStack clouds (cloudlets) behaving as one OpenStack cloud, with no central controller.')
  .version('0.1.0')
  .showHelpAfterError()

program.addCommand(upCommand())
program.addCommand(cloudletCommand())

await program.parseAsync(process.argv)
