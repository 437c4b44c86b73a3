import type { CellDeployment, ReleaseOrder } from '../../../api/index.js';
import type { OutputFormat } from '../../../term/output.js';
import { PlinthError } from '../../../errors/index.js';
import { Informer } from '../../../kube/informer.js';
import { inNamespace } from '../../../kube/resource.js';
import { RES } from '../../../release/keys.js';
import { rfc3339, summarizeReleaseOrder } from '../../../release/plan/history.js';
import type { Resolved } from '../../../release/steer/resolve.js';
import type { Session } from '../../../kube/client.js';
import { statusModel, type ReleaseStatusView } from '../../../release/steer/status-model.js';
import { renderStatusText } from './status-view.js';
import { stringify } from 'yaml';

/** Phases that end `--watch`. */
export const FINAL_PHASES: ReadonlySet<string> = new Set(['Completed', 'RolledBack', 'Failed', 'Superseded']);

/** How long a watch that follows a CellDeployment waits for it to name the order that superseded the one shown. */
const SUPERSEDE_GRACE_MS = 10_000;

export interface WatchOptions {
  output: OutputFormat;
  /** NAME as given, for suggested commands. */
  ref: string;
  nsFlag: string;
  /** Draw frames (TTY) rather than lines; default: stdout is a TTY and the output is a table. */
  live?: boolean;
  out?: NodeJS.WritableStream & { columns?: number };
}

/** Pure: the line printed per change without a TTY (times in UTC). */
export function changeLine(order: ReleaseOrder, cd: CellDeployment | undefined, now: Date): string {
  const s = cd?.status;
  const workload = s ? `; workload ${s.readyReplicas ?? 0}/${s.replicas ?? 0} ready, ${s.updatedReplicas ?? 0} updated` : '';
  return `${rfc3339(now)} ${summarizeReleaseOrder(order)}${workload}`;
}

/**
 * `plinth release status NAME --watch`: informers on the ReleaseOrder and its CellDeployment (field selectors on
 * their names); every change redraws the view on a TTY, or prints a line (a JSON/YAML document with -o json|yaml).
 * When NAME is a CellDeployment the watch follows it to a newer order. Ends when the order is Completed,
 * RolledBack, Failed (exit code 1) or Superseded, or on Ctrl-C (exit code 0).
 */
export async function watchStatus(s: Session, first: Resolved, opts: WatchOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const live = opts.live ?? (process.stdout.isTTY === true && (opts.output === 'table' || opts.output === 'wide'));
  const ns = s.namespace;
  const cdName = first.order.spec.target.name;
  let orderName = first.order.metadata.name ?? '';
  let order: ReleaseOrder | undefined = first.order;
  let cd: CellDeployment | undefined = first.cd;
  let supersededAt = 0;
  let lastPrinted = '';
  let finish: (code: number | Error) => void = () => undefined;
  const done = new Promise<number>((resolve, reject) => {
    finish = (code) => (code instanceof Error ? reject(code) : resolve(code));
  });

  const field = (name: string): string => `metadata.name=${name}`;
  const cdInf = new Informer({
    client: s.client,
    resource: inNamespace(RES.cellDeployments, ns),
    fieldSelector: field(cdName),
    name: `release-cli-cd-${cdName}`,
  });
  let roInf = orderInformer(orderName);

  function orderInformer(name: string): Informer {
    const inf = new Informer({ client: s.client, resource: inNamespace(RES.releaseOrders, ns), fieldSelector: field(name), name: `release-cli-ro-${name}` });
    inf.addHandler({
      onAdd: (o) => changed(o as unknown as ReleaseOrder),
      onUpdate: (_, o) => changed(o as unknown as ReleaseOrder),
      onDelete: () => {
        if (inf === roInf) finish(new PlinthError('RELEASE_NOT_FOUND', { what: 'ReleaseOrder', name, namespace: ns, fix: 'it was deleted while being watched' }));
      },
    });
    inf.start();
    return inf;
  }
  const changed = (o: ReleaseOrder): void => {
    if (o.metadata.name !== orderName) return;
    order = o;
    schedule();
  };
  cdInf.addHandler({
    onAdd: (c) => ((cd = c as unknown as CellDeployment), schedule()),
    onUpdate: (_, c) => ((cd = c as unknown as CellDeployment), schedule()),
    onDelete: () => ((cd = undefined), schedule()),
  });
  cdInf.start();

  let pending: NodeJS.Timeout | undefined;
  function schedule(): void {
    pending ??= setTimeout(() => {
      pending = undefined;
      step();
    }, 30);
  }

  function step(): void {
    if (!order) return;
    const now = new Date();
    // Following a CellDeployment: switch to its newer order.
    const next = first.resolvedFrom === 'CellDeployment' ? cd?.status?.releaseOrder : undefined;
    if (next && next !== orderName) {
      const old = roInf;
      orderName = next;
      order = undefined;
      supersededAt = 0;
      void old.stop();
      roInf = orderInformer(next);
      if (!live && (opts.output === 'table' || opts.output === 'wide')) emitLine(`${rfc3339(now)} following the CellDeployment's new release order ${next}`);
      return;
    }
    draw(order, now);
    const phase = order.status?.phase ?? 'Pending';
    if (!FINAL_PHASES.has(phase)) return;
    if (phase === 'Superseded' && first.resolvedFrom === 'CellDeployment') {
      supersededAt ||= Date.now();
      if (Date.now() - supersededAt < SUPERSEDE_GRACE_MS) {
        setTimeout(schedule, 1000).unref();
        return;
      }
    }
    if (phase === 'Failed') {
      finish(new PlinthError('RELEASE_FAILED', { namespace: ns, order: orderName, detail: failDetail(order), fix: `roll back with \`plinth release rollback ${opts.ref}${opts.nsFlag}\`` }));
    } else {
      finish(0);
    }
  }

  function model(o: ReleaseOrder): ReleaseStatusView {
    return statusModel({ order: o, cd, resolvedFrom: first.resolvedFrom, ref: opts.ref, nsFlag: opts.nsFlag });
  }

  function emitLine(line: string): void {
    out.write(line + '\n');
  }

  function draw(o: ReleaseOrder, now: Date): void {
    if (opts.output === 'json' || opts.output === 'yaml') {
      const v = model(o);
      const text = opts.output === 'json' ? JSON.stringify(v) + '\n' : `---\n${stringify(v)}`;
      if (text !== lastPrinted) out.write(text);
      lastPrinted = text;
      return;
    }
    if (opts.output === 'name') {
      const text = `releaseorder.apps.plinth.dev/${o.metadata.name ?? ''}`;
      if (text !== lastPrinted) emitLine(text);
      lastPrinted = text;
      return;
    }
    if (!live) {
      const text = changeLine(o, cd, now);
      const key = text.slice(text.indexOf(' ') + 1);
      if (key !== lastPrinted) emitLine(text);
      lastPrinted = key;
      return;
    }
    const header = `plinth release status ${opts.ref}${opts.nsFlag} --watch · ${now.toLocaleTimeString()} · Ctrl-C to stop`;
    const body = renderStatusText(model(o), now, opts.output === 'wide');
    out.write(`\x1b[H\x1b[2J${header}\n\n${body}`);
  }

  // Ages on the live view move on by themselves.
  const ticker = live ? setInterval(schedule, 1000) : undefined;
  const onSigint = (): void => finish(0);
  process.once('SIGINT', onSigint);
  if (live) out.write('\x1b[?25l');
  draw(first.order, new Date());
  schedule();
  try {
    return await done;
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (ticker) clearInterval(ticker);
    if (pending) clearTimeout(pending);
    if (live) out.write('\x1b[?25h');
    await Promise.all([cdInf.stop(), roInf.stop()]);
  }
}

function failDetail(order: ReleaseOrder): string {
  const check = [...(order.status?.checks ?? [])].reverse().find((c) => c.result === 'Failed');
  if (check) return `: ${check.name}${check.message ? `: ${check.message}` : ''}`;
  const said = [...(order.status?.history ?? [])].reverse().find((h) => h.message);
  return said?.message ? `: ${said.message}` : '';
}
