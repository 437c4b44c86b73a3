import type { ReleaseOrder } from '../../../api/index.js';
import { formatOutput, renderTable, type Column, type OutputFormat } from '../../../term/output.js';
import type { HistoryEntryT } from '../../../release/plan/history.js';
import type { TargetKind } from '../../../release/steer/resolve.js';

/** The document `plinth release history -o json` prints (stable; documented in docs/cli.md). */
export interface ReleaseHistoryView {
  kind: 'ReleaseHistory';
  namespace: string;
  releaseOrder: string;
  resolvedFrom: TargetKind;
  target: { kind: string; name: string };
  phase: string;
  /** status.history as stored, oldest first; `batch` is the 0-based batch index as in the API. */
  items: HistoryEntryT[];
}

/** Pure: the history view of an order. */
export function historyModel(order: ReleaseOrder, resolvedFrom: TargetKind): ReleaseHistoryView {
  return {
    kind: 'ReleaseHistory',
    namespace: order.metadata.namespace ?? '',
    releaseOrder: order.metadata.name ?? '',
    resolvedFrom,
    target: { kind: order.spec.target.kind ?? 'CellDeployment', name: order.spec.target.name },
    phase: order.status?.phase ?? 'Pending',
    items: order.status?.history ?? [],
  };
}

const columns: Column<HistoryEntryT>[] = [
  { header: 'Time', value: (h) => h.at },
  { header: 'By', value: (h) => h.by },
  { header: 'Action', value: (h) => h.action },
  { header: 'Batch', value: (h) => (h.batch === undefined ? undefined : h.batch + 1) },
  { header: 'Message', value: (h) => h.message },
];

/** The history in the chosen format; tables show batches 1-based, like every table of `plinth release`. */
export function renderHistory(v: ReleaseHistoryView, output: OutputFormat): string {
  return formatOutput(output, v, () => `releaseorder.apps.plinth.dev/${v.releaseOrder}\n`, (wide) =>
    v.items.length === 0 ? `No history yet in release order ${v.namespace}/${v.releaseOrder}.\n` : renderTable(v.items, columns, wide),
  );
}
