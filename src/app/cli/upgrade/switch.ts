import { progress, type Progress } from '../../../term/progress.js';
import { PlinthError } from '../../../errors/index.js';
import type { OutputFormat } from '../../../term/output.js';
import { bindMigrate } from '../../../upgrade/migrate/switch/migrate-binding.js';
import { loadPlan } from '../../../upgrade/migrate/switch/plan.js';
import { renderReport } from '../../../upgrade/migrate/switch/report.js';
import type { PhaseEvent } from '../../../upgrade/migrate/switch/runner.js';
import type { Operation } from '../../../upgrade/migrate/switch/state.js';
import { runRollback, runSwitch } from '../../../upgrade/migrate/switch/switch.js';

/** Live view on stderr: one spinner per phase on a TTY, timestamped lines otherwise. */
function liveView(): (e: PhaseEvent) => void {
  let p: Progress | undefined;
  return (e) => {
    if (e.type === 'start') {
      p = progress();
      p.update(`${e.phase.name}: ${e.phase.title}`);
    } else if (e.type === 'note') {
      p?.update(`${e.phase.name}: ${e.message}`);
    } else {
      const line = `${e.phase.name.padEnd(8)} ${((e.phase.durationMs ?? 0) / 1000).toFixed(1)}s  ${e.phase.detail ?? ''}`;
      if (e.phase.status === 'done') p?.done(line);
      else p?.fail(line);
      p = undefined;
    }
  };
}

/** `plinth upgrade switch|rollback --plan FILE`: run, print the report (table or JSON), fail with the rollback command. */
export async function switchCli(op: Operation, planFile: string, output: OutputFormat): Promise<void> {
  if (output !== 'table' && output !== 'wide' && output !== 'json') {
    throw new PlinthError('INVALID_ARGUMENT', { what: '--output', detail: `"${output}" is not supported here`, fix: 'use table, wide or json' });
  }
  const plan = await loadPlan(planFile);
  const migrate = bindMigrate(plan.etcd);
  const run = op === 'switch' ? runSwitch : runRollback;
  const { report, error } = await run({ plan, migrate, onEvent: liveView() });
  process.stdout.write(output === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderReport(report, output === 'wide'));
  if (error) throw error;
}
