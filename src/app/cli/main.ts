#!/usr/bin/env node
// The `plinth` CLI (also installed as the kubectl plugin `kubectl-plinth`).
// Each command group registers its flags here; its code is imported only when it runs.
import { basename } from 'node:path';
import { Command } from 'commander';
import { registerAgentCommand } from './commands/agent.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerFleetCommands } from './commands/fleet.js';
import { registerLocalCommands } from './commands/local.js';
import { registerManagerCommand } from './commands/manager.js';
import { registerReleaseCommands } from './commands/release.js';
import { registerUpgradeCommands } from './commands/upgrade.js';
import { plinthVersion } from './version.js';

const asPlugin = basename(process.argv[1] ?? '').startsWith('kubectl-plinth');

const program = new Command(asPlugin ? 'kubectl plinth' : 'plinth')
  .description('Plinth: lossless change across fleets of Kubernetes clusters')
  .version(plinthVersion(), '--version', 'print the Plinth version')
  .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG, then the local cluster, then ~/.kube/config)')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('-n, --namespace <namespace>', 'the namespace to act in')
  .option('--debug', 'print stack traces and debug logs on errors', false)
  .showHelpAfterError('(run with --help for usage)')
  .configureHelp({ sortSubcommands: true });

registerAgentCommand(program);
registerConsoleCommand(program);
registerFleetCommands(program);
registerLocalCommands(program);
registerManagerCommand(program);
registerReleaseCommands(program);
registerUpgradeCommands(program);

await program.parseAsync(process.argv);
