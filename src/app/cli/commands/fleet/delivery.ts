import type { Command } from 'commander';
import type { GlobalOptions } from '../../context.js';
import { act } from '../../run.js';

const OUTPUT_HELP = 'output format: table|wide|json|yaml|name';

function quietLogs(g: GlobalOptions): void {
  process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
}

type Verb = 'confirm' | 'pause' | 'resume' | 'rollback';

function actionCommand(rollout: Command, verb: Verb, description: string, extra?: (c: Command) => Command): void {
  let c = rollout.command(`${verb} <name>`).description(description).option('-o, --output <format>', OUTPUT_HELP, 'table');
  if (extra) c = extra(c);
  c.addHelpText('after', "\nThe action is recorded in the delivery's status.history with who did it (SelfSubjectReview).").action((name: string, opts: { to?: string }, cmd: Command) =>
    act(async (o: { to?: string }, g) => {
      quietLogs(g);
      const { openClient } = await import('../../../../kube/client.js');
      const { runFleetAction, renderFleetActionResult } = await import('../../../../fleet/steer/actions.js');
      const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
      try {
        const r = await runFleetAction(s, verb, name, o.to !== undefined ? { to: o.to } : {});
        process.stdout.write(renderFleetActionResult(r, g.output));
      } finally {
        s.close();
      }
    })(opts, cmd),
  );
}

function statusCommand(parent: Command, name: string, description: string, watchable: boolean): void {
  let c = parent.command(`${name} <name>`).description(description).option('-o, --output <format>', OUTPUT_HELP, 'table');
  if (watchable) c = c.option('-w, --watch', 'keep watching, a line (or document) per change, until the rollout finishes (exit 0) or stops on failures (exit 1)', false);
  c.action((n: string, opts: { watch?: boolean }, cmd: Command) =>
    act(async (o: { watch?: boolean }, g) => {
      quietLogs(g);
      const { openClient } = await import('../../../../kube/client.js');
      const { showDeliveryStatus } = await import('../../fleet/delivery.js');
      const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
      try {
        return await showDeliveryStatus(s, n, { output: g.output, watch: o.watch === true });
      } finally {
        s.close();
      }
    })(opts, cmd),
  );
}

/** `plinth fleet` verbs of this area: deliveries, status NAME, rollout status|confirm|pause|resume|rollback NAME. */
export function registerFleetDeliveryCommands(fleet: Command): void {
  fleet
    .command('deliveries')
    .description('list FleetDeliveries: source, phase, revision, current wave, cluster counts')
    .option('-A, --all-namespaces', 'list the deliveries of every namespace', false)
    .option('-o, --output <format>', OUTPUT_HELP, 'table')
    .action((opts: { allNamespaces: boolean }, cmd: Command) =>
      act(async (o: { allNamespaces: boolean }, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../../kube/client.js');
        const { showDeliveries } = await import('../../fleet/delivery.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          await showDeliveries(s, g.output, o.allNamespaces);
        } finally {
          s.close();
        }
      })(opts, cmd),
    );
  statusCommand(fleet, 'status', 'show a FleetDelivery: source, revision, waves with phases, counts, failing clusters, conditions, last history', false);
  const rollout = fleet.command('rollout').description("see and steer a delivery's rollout: status, confirm, pause, resume, rollback");
  statusCommand(rollout, 'status', "show a delivery's rollout (with -w: follow it until it finishes)", true);
  actionCommand(rollout, 'confirm', 'confirm the wave that waits for confirmation (adds it to spec.confirmedWaves)');
  actionCommand(rollout, 'pause', 'pause a rollout: no wave starts and no further cluster moves (spec.paused: true)');
  actionCommand(rollout, 'resume', 'resume a paused rollout (spec.paused: false)');
  actionCommand(rollout, 'rollback', 'return every cluster that moved to the previous revision (or --to REVISION), with a new sequence', (c) =>
    c.option('--to <revision>', 'a revision the delivery ran before (see `plinth fleet status`)'),
  );
}
