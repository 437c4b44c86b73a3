import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { intOption } from '../context.js';
import { act } from '../run.js';

const OUTPUT_HELP = 'output format: table|wide|json|yaml|name';
const NAME_HELP = 'NAME is a CellDeployment (its current release order) or a ReleaseOrder: releaseorder/NAME, ro/NAME, cd/NAME, or a plain NAME (CellDeployment first).';

/** Quiet logs: the watch's informers log only errors unless --debug. */
function quietLogs(g: GlobalOptions): void {
  process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
}

type Verb = 'confirm' | 'pause' | 'resume' | 'rollback';

function actionCommand(release: Command, verb: Verb, description: string, extra?: (c: Command) => Command): void {
  let c = release
    .command(`${verb} <name>`)
    .description(description)
    .option('-o, --output <format>', OUTPUT_HELP, 'table');
  if (extra) c = extra(c);
  c.addHelpText('after', `\n${NAME_HELP}\nThe action is recorded in the order's status.history with who did it (SelfSubjectReview).`).action(
    (name: string, opts: { batch?: number }, cmd: Command) =>
      act(async (o: { batch?: number }, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../kube/client.js');
        const { runReleaseAction, renderActionResult } = await import('../../../release/steer/actions.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/release' });
        try {
          const r = await runReleaseAction(s, verb, name, { output: g.output, ...(o.batch !== undefined ? { batch: o.batch } : {}) });
          process.stdout.write(renderActionResult(r, g.output));
        } finally {
          s.close();
        }
      })(opts, cmd),
  );
}

const PLAN_HELP = 'NAME is a ReleasePlan (releaseplan/NAME, rplan/NAME or NAME) in the namespace (-n).';

/** `plinth release plan status | confirm | pause | resume | rollback | history NAME`: act on release plans. */
function registerPlanCommands(release: Command): void {
  const plan = release
    .command('plan')
    .description('see and steer release plans (ordered releases of several apps): status, confirm, pause, resume, rollback, history')
    .addHelpText('after', `\n${PLAN_HELP}`);
  const session = async (g: GlobalOptions): Promise<import('../../../kube/client.js').Session> => {
    quietLogs(g);
    const { openClient } = await import('../../../kube/client.js');
    return openClient(g, { userAgent: 'plinth-cli/release-plan' });
  };
  for (const [verb, what] of [
    ['status', 'show a release plan: phase, stages, apps and what to do next'],
    ['history', "show a release plan's history: every decision, when, and who took it"],
  ] as const) {
    plan
      .command(`${verb} <name>`)
      .description(what)
      .option('-o, --output <format>', OUTPUT_HELP, 'table')
      .addHelpText('after', `\n${PLAN_HELP}`)
      .action((name: string, opts: object, cmd: Command) =>
        act(async (_o: object, g) => {
          const s = await session(g);
          try {
            const view = await import('../release/plan.js');
            await (verb === 'status' ? view.showPlanStatus(s, name, g.output) : view.showPlanHistory(s, name, g.output));
          } finally {
            s.close();
          }
        })(opts, cmd),
      );
  }
  const verbs: [Verb, string][] = [
    ['confirm', 'confirm the stage that waits for confirmation (spec.confirmedStages); the apps\' own release orders follow'],
    ['pause', 'pause a plan: no app starts, the running apps\' releases are paused (spec.paused: true)'],
    ['resume', 'resume a paused plan and the app releases it paused (spec.paused: false)'],
    ['rollback', 'roll a plan back: the started apps return to their images from before, the last released first (spec.rollback: true)'],
  ];
  for (const [verb, what] of verbs) {
    plan
      .command(`${verb} <name>`)
      .description(what)
      .option('-o, --output <format>', OUTPUT_HELP, 'table')
      .addHelpText('after', `\n${PLAN_HELP}\nThe action is recorded in the plan's status.history with who did it (SelfSubjectReview).`)
      .action((name: string, opts: object, cmd: Command) =>
        act(async (_o: object, g) => {
          const s = await session(g);
          try {
            const { runPlanAction, renderPlanActionResult } = await import('../../../release/steer/plan-actions.js');
            process.stdout.write(renderPlanActionResult(await runPlanAction(s, verb, name), g.output));
          } finally {
            s.close();
          }
        })(opts, cmd),
      );
  }
}

/** `plinth release status | confirm | pause | resume | rollback | history NAME`: act on release orders. */
export function registerReleaseCommands(program: Command): void {
  const release = program
    .command('release')
    .description('see and steer releases of CellDeployments: status, confirm, pause, resume, rollback, history; plan: ordered releases of several apps')
    .addHelpText('after', `\n${NAME_HELP}\n-n NAMESPACE as in kubectl (default: the kubeconfig context's namespace, else "default").`);

  release
    .command('status <name>')
    .description('show a release: phase, revisions, batches, units, checks and what to do next')
    .option('-w, --watch', 'keep watching: a live view on a TTY, a line (or document) per change otherwise; ends when the release is finished', false)
    .option('-o, --output <format>', OUTPUT_HELP, 'table')
    .addHelpText('after', `\n${NAME_HELP}\nWith --watch the exit code is 1 when the release ends Failed, 0 otherwise (also on Ctrl-C).`)
    .action((name: string, opts: { watch: boolean }, cmd: Command) =>
      act(async (o: { watch: boolean }, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../kube/client.js');
        const { showStatus } = await import('../release/status.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/release' });
        try {
          return await showStatus(s, name, { output: g.output, watch: o.watch });
        } finally {
          s.close();
        }
      })(opts, cmd),
    );

  actionCommand(release, 'confirm', 'confirm the batch that waits for confirmation (or, with --batch K, every batch up to K)', (c) =>
    c.option('--batch <k>', 'confirm every batch up to batch K (1-based, as `status` shows them)', intOption('--batch', 1, 100000)),
  );
  actionCommand(release, 'pause', 'pause a release: no further pod starts changing (spec.paused: true)');
  actionCommand(release, 'resume', 'resume a paused release (spec.paused: false)');
  actionCommand(release, 'rollback', 'roll a release back: stop it and return every updated pod to the old revision, batch by batch (spec.rollback: true)');

  release
    .command('history <name>')
    .description("show a release order's history: every decision, when, and who took it")
    .option('-o, --output <format>', OUTPUT_HELP, 'table')
    .addHelpText('after', `\n${NAME_HELP}`)
    .action((name: string, opts: object, cmd: Command) =>
      act(async (_o: object, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../kube/client.js');
        const { showHistory } = await import('../release/status.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/release' });
        try {
          await showHistory(s, name, g.output);
        } finally {
          s.close();
        }
      })(opts, cmd),
    );

  registerPlanCommands(release);
}
