import type { CellDeployment, ReleaseOrder } from '../../../api/index.js';
import type { OutputFormat } from '../../../term/output.js';
import { rfc3339 } from '../../../kube/clock.js';
import { summarizeReleaseOrder } from '../../../release/plan/history.js';
import type { ReleaseStatusView } from '../../../release/steer/status-model.js';
import { renderStatusText } from './status-view.js';
import { stringify } from 'yaml';

/** Pure: the line printed per change without a TTY (times in UTC). */
export function changeLine(order: ReleaseOrder, cd: CellDeployment | undefined, now: Date): string {
  const s = cd?.status;
  const workload = s ? `; workload ${s.readyReplicas ?? 0}/${s.replicas ?? 0} ready, ${s.updatedReplicas ?? 0} updated` : '';
  return `${rfc3339(now)} ${summarizeReleaseOrder(order)}${workload}`;
}

export interface DrawOptions {
  output: OutputFormat;
  /** Redraw a frame (TTY) rather than print a line per change. */
  live: boolean;
  out: NodeJS.WritableStream;
  /** The command as typed, for the live frame's header. */
  command: string;
  model: (o: ReleaseOrder) => ReleaseStatusView;
}

/** How `--watch` shows one state of the order: what it prints, and only when that changed. */
export interface StatusDrawer {
  draw(o: ReleaseOrder, cd: CellDeployment | undefined, now: Date): void;
  /** A note between lines (not on a live frame nor in a JSON/YAML stream). */
  note(text: string): void;
}

/**
 * Per output: a JSON/YAML document per change (-o json|yaml), the order's name (-o name), a line per change
 * without a TTY, or a redrawn frame on a TTY. Repeats are not printed (a line's time does not count).
 */
export function statusDrawer(opts: DrawOptions): StatusDrawer {
  const { out } = opts;
  let lastPrinted = '';
  const printOnce = (key: string, text: string): void => {
    if (key !== lastPrinted) out.write(text);
    lastPrinted = key;
  };
  return {
    draw(o, cd, now) {
      if (opts.output === 'json' || opts.output === 'yaml') {
        const v = opts.model(o);
        const text = opts.output === 'json' ? JSON.stringify(v) + '\n' : `---\n${stringify(v)}`;
        printOnce(text, text);
      } else if (opts.output === 'name') {
        const text = `releaseorder.apps.plinth.dev/${o.metadata.name ?? ''}`;
        printOnce(text, text + '\n');
      } else if (!opts.live) {
        const text = changeLine(o, cd, now);
        printOnce(text.slice(text.indexOf(' ') + 1), text + '\n');
      } else {
        const header = `${opts.command} --watch · ${now.toLocaleTimeString()} · Ctrl-C to stop`;
        const body = renderStatusText(opts.model(o), now, opts.output === 'wide');
        out.write(`\x1b[H\x1b[2J${header}\n\n${body}`);
      }
    },
    note(text) {
      if (!opts.live && (opts.output === 'table' || opts.output === 'wide')) out.write(text + '\n');
    },
  };
}
