import type { OutputFormat } from '../../../term/output.js';
import { historyModel, renderHistory } from './history-view.js';
import { resolveTarget } from '../../../release/steer/resolve.js';
import type { Session } from '../../../kube/client.js';
import { statusModel } from '../../../release/steer/status-model.js';
import { renderStatus } from './status-view.js';
import { watchStatus } from './watch.js';

/** ` -n NS` when commands suggested to the user need it. */
export function nsFlagOf(s: Pick<Session, 'namespace' | 'defaultNamespace'>): string {
  return s.namespace !== s.defaultNamespace ? ` -n ${s.namespace}` : '';
}

/** `plinth release status NAME [--watch]`; returns the exit code. */
export async function showStatus(s: Session, name: string, opts: { output: OutputFormat; watch: boolean }): Promise<number> {
  const resolved = await resolveTarget(s.client, s.namespace, name);
  if (resolved.note) process.stderr.write(resolved.note + '\n');
  const ref = name.trim();
  if (opts.watch) return watchStatus(s, resolved, { output: opts.output, ref, nsFlag: nsFlagOf(s) });
  const view = statusModel({ order: resolved.order, cd: resolved.cd, resolvedFrom: resolved.resolvedFrom, ref, nsFlag: nsFlagOf(s) });
  process.stdout.write(renderStatus(view, opts.output, new Date()));
  return 0;
}

/** `plinth release history NAME`. */
export async function showHistory(s: Session, name: string, output: OutputFormat): Promise<void> {
  const resolved = await resolveTarget(s.client, s.namespace, name);
  if (resolved.note) process.stderr.write(resolved.note + '\n');
  process.stdout.write(renderHistory(historyModel(resolved.order, resolved.resolvedFrom), output));
}
