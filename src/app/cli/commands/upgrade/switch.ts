import type { Command } from 'commander';
import { act } from '../../run.js';

/** `plinth upgrade switch --plan PLAN` and `plinth upgrade rollback --plan PLAN` (docs/upgrade-switch.md). */
export function registerSwitch(upgrade: Command): void {
  upgrade
    .command('switch')
    .description('switch-style upgrade on the same machines: export the old cluster, stop its control plane, start the new one, import, verify')
    .requiredOption('--plan <file>', 'the switch plan (YAML, see docs/upgrade-switch.md)')
    .option('-o, --output <format>', 'output format: table|wide|json', 'table')
    .addHelpText(
      'after',
      '\nPhases (timed, like the seeds\' table): init, backup, clean, install, import, verify.\n' +
        'A failure stops in a recorded state (<workDir>/switch-state.json) and prints the rollback command;\n' +
        'running switch again resumes from the failed phase.\n' +
        'Exit codes: 0 done, 1 failed or refused (the message says which phase and what to do).',
    )
    .action(
      act(async (opts: { plan: string }, g) => {
        const { switchCli } = await import('../../upgrade/switch.js');
        await switchCli('switch', opts.plan, g.output);
      }),
    );
  upgrade
    .command('rollback')
    .description('roll a switch back: stop the new control plane, start the old one on its untouched data, verify nothing changed')
    .requiredOption('--plan <file>', 'the switch plan the switch ran with')
    .option('-o, --output <format>', 'output format: table|wide|json', 'table')
    .addHelpText('after', '\nPhases: init, clean (stop new), install (start old), verify. Exit codes: 0 done, 1 failed.')
    .action(
      act(async (opts: { plan: string }, g) => {
        const { switchCli } = await import('../../upgrade/switch.js');
        await switchCli('rollback', opts.plan, g.output);
      }),
    );
}
