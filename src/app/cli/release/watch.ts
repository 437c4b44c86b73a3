import type { CellDeployment, ReleaseOrder } from '../../../api/index.js';
import type { OutputFormat } from '../../../term/output.js';
import { PlinthError } from '../../../errors/index.js';
import { Informer } from '../../../kube/informer.js';
import { inNamespace } from '../../../kube/resource.js';
import { RES } from '../../../release/keys.js';
import { rfc3339 } from '../../../kube/clock.js';
import type { Resolved } from '../../../release/steer/resolve.js';
import type { Session } from '../../../kube/client.js';
import { statusModel } from '../../../release/steer/status-model.js';
import { statusDrawer } from './watch-draw.js';
import { watchEnd } from './watch-end.js';

export { FINAL_PHASES } from './watch-end.js';
export { changeLine } from './watch-draw.js';

export interface WatchOptions {
  output: OutputFormat;
  /** NAME as given, for suggested commands. */
  ref: string;
  nsFlag: string;
  /** Draw frames (TTY) rather than lines; default: stdout is a TTY and the output is a table. */
  live?: boolean;
  out?: NodeJS.WritableStream & { columns?: number };
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
  const follows = first.resolvedFrom === 'CellDeployment';
  let orderName = first.order.metadata.name ?? '';
  let order: ReleaseOrder | undefined = first.order;
  let cd: CellDeployment | undefined = first.cd;
  let supersededAt = 0;
  let finish: (code: number | Error) => void = () => undefined;
  const done = new Promise<number>((resolve, reject) => {
    finish = (code) => (code instanceof Error ? reject(code) : resolve(code));
  });
  const drawer = statusDrawer({
    output: opts.output,
    live,
    out,
    command: `plinth release status ${opts.ref}${opts.nsFlag}`,
    model: (o) => statusModel({ order: o, cd, resolvedFrom: first.resolvedFrom, ref: opts.ref, nsFlag: opts.nsFlag }),
  });

  let pending: NodeJS.Timeout | undefined;
  function schedule(): void {
    pending ??= setTimeout(() => {
      pending = undefined;
      step();
    }, 30);
  }

  const cdInf = cellDeploymentInformer(s, first.order.spec.target.name, (c) => {
    cd = c;
    schedule();
  });
  const watchOrder = (name: string): Informer =>
    orderInformer(s, name, {
      changed: (o) => {
        if (o.metadata.name !== orderName) return;
        order = o;
        schedule();
      },
      deleted: (inf) => {
        if (inf === roInf) finish(new PlinthError('RELEASE_NOT_FOUND', { what: 'ReleaseOrder', name, namespace: ns, fix: 'it was deleted while being watched' }));
      },
    });
  let roInf = watchOrder(orderName);

  /** Following a CellDeployment: it names a newer order than the one shown; watch that one. */
  function followNewerOrder(now: Date): boolean {
    const next = follows ? cd?.status?.releaseOrder : undefined;
    if (!next || next === orderName) return false;
    const old = roInf;
    orderName = next;
    order = undefined;
    supersededAt = 0;
    void old.stop();
    roInf = watchOrder(next);
    drawer.note(`${rfc3339(now)} following the CellDeployment's new release order ${next}`);
    return true;
  }

  function step(): void {
    if (!order) return;
    const now = new Date();
    if (followNewerOrder(now)) return;
    drawer.draw(order, cd, now);
    if (order.status?.phase === 'Superseded') supersededAt ||= Date.now();
    const end = watchEnd({ order, followsCellDeployment: follows, supersededAt, now: Date.now(), namespace: ns, ref: opts.ref, nsFlag: opts.nsFlag });
    if (!end.over) {
      if (end.recheckMs !== undefined) setTimeout(schedule, end.recheckMs).unref();
      return;
    }
    finish('error' in end ? end.error : end.code);
  }

  // Ages on the live view move on by themselves.
  const ticker = live ? setInterval(schedule, 1000) : undefined;
  const onSigint = (): void => finish(0);
  process.once('SIGINT', onSigint);
  if (live) out.write('\x1b[?25l');
  drawer.draw(first.order, cd, new Date());
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

const byName = (name: string): string => `metadata.name=${name}`;

/** An informer on the one CellDeployment (a field selector on its name), started. */
function cellDeploymentInformer(s: Session, name: string, changed: (cd: CellDeployment | undefined) => void): Informer {
  const inf = new Informer({ client: s.client, resource: inNamespace(RES.cellDeployments, s.namespace), fieldSelector: byName(name), name: `release-cli-cd-${name}` });
  inf.addHandler({
    onAdd: (c) => changed(c as unknown as CellDeployment),
    onUpdate: (_, c) => changed(c as unknown as CellDeployment),
    onDelete: () => changed(undefined),
  });
  inf.start();
  return inf;
}

/** An informer on the one ReleaseOrder, started. */
function orderInformer(s: Session, name: string, on: { changed: (o: ReleaseOrder) => void; deleted: (inf: Informer) => void }): Informer {
  const inf = new Informer({ client: s.client, resource: inNamespace(RES.releaseOrders, s.namespace), fieldSelector: byName(name), name: `release-cli-ro-${name}` });
  inf.addHandler({
    onAdd: (o) => on.changed(o as unknown as ReleaseOrder),
    onUpdate: (_, o) => on.changed(o as unknown as ReleaseOrder),
    onDelete: () => on.deleted(inf),
  });
  inf.start();
  return inf;
}
