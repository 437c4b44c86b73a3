import type { FleetDelivery } from '../../../api/index.js';
import { RES } from '../../../fleet/delivery/keys.js';
import { getDeliveryOrFail } from '../../../fleet/steer/record.js';
import type { Session } from '../../../kube/client.js';
import { sleep } from '../../../kube/clock.js';
import { inNamespace } from '../../../kube/resource.js';
import type { OutputFormat } from '../../../term/output.js';
import { renderDeliveries } from './delivery-view.js';
import { renderDeliveryStatus, statusLine } from './status-view.js';

/** `plinth fleet deliveries [-A]`. */
export async function showDeliveries(s: Session, output: OutputFormat, allNamespaces: boolean): Promise<void> {
  const list = await s.client.list<FleetDelivery>(allNamespaces ? RES.fleetDeliveries : inNamespace(RES.fleetDeliveries, s.namespace));
  const items = [...list.items].sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`));
  if (items.length === 0 && (output === 'table' || output === 'wide')) {
    process.stderr.write(allNamespaces ? 'No fleet deliveries found.\n' : `No fleet deliveries found in ${s.namespace} namespace.\n`);
    return;
  }
  process.stdout.write(renderDeliveries(items, output, allNamespaces));
}

/** Phases a watch ends on: 0 for a rollout that finished, 1 for one that stopped on failures. */
export function watchEnd(d: FleetDelivery): number | undefined {
  const phase = d.status?.phase;
  if (phase === 'Succeeded' || phase === 'RolledBack') return 0;
  if (phase === 'Failed') return 1;
  if (phase === 'Paused' && d.status?.conditions?.some((c) => c.type === 'Degraded' && c.status === 'True')) return 1;
  return undefined;
}

/**
 * `plinth fleet status NAME` and `plinth fleet rollout status NAME [-w]`: the delivery's detail. With --watch a
 * line (or document) per change until the rollout finishes (exit 0) or stops on failures (exit 1).
 */
export async function showDeliveryStatus(s: Session, name: string, opts: { output: OutputFormat; watch: boolean; historyLines?: number }): Promise<number> {
  let d = await getDeliveryOrFail(s.client, s.namespace, name);
  if (!opts.watch) {
    process.stdout.write(renderDeliveryStatus(d, opts.output, opts.historyLines));
    return 0;
  }
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  try {
    let last = '';
    for (;;) {
      const line = opts.output === 'json' || opts.output === 'yaml' ? renderDeliveryStatus(d, opts.output) : `${statusLine(d)}\n`;
      if (line !== last) process.stdout.write(line);
      last = line;
      const end = watchEnd(d);
      if (end !== undefined) return end;
      await sleep(1000, ac.signal).catch(() => undefined);
      if (ac.signal.aborted) return 0;
      d = await getDeliveryOrFail(s.client, s.namespace, name);
    }
  } finally {
    process.off('SIGINT', stop);
  }
}
