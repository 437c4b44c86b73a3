import { formatOutput, renderTable, type Column, type OutputFormat } from '../../../term/output.js';
import { age, ago } from '../../../term/age.js';
import type { BatchView, ReleaseStatusView, UnitView } from '../../../release/steer/status-model.js';

type CheckView = ReleaseStatusView['checks'][number];

/** Label/value lines, labels padded to one width. */
function fields(rows: readonly (readonly [string, string | undefined])[]): string {
  const shown = rows.filter((r): r is readonly [string, string] => r[1] !== undefined);
  const w = Math.max(...shown.map(([k]) => k.length)) + 2;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(w)}${v}`).join('\n') + '\n';
}

function batchColumns(now: Date): Column<BatchView>[] {
  return [
    { header: 'Batch', value: (b) => b.number },
    { header: 'Phase', value: (b) => b.phase },
    { header: 'Units', value: (b) => b.units.join(',') },
    { header: 'Pods', value: (b) => b.pods.length },
    { header: 'Started', value: (b) => ago(b.startedAt, now) },
    { header: 'Finished', value: (b) => ago(b.finishedAt, now) },
    { header: 'Pod-Names', value: (b) => b.pods.join(','), wide: true },
  ];
}

const unitColumns: Column<UnitView>[] = [
  { header: 'Unit', value: (u) => u.name },
  { header: 'Replicas', value: (u) => u.replicas },
  { header: 'Ready', value: (u) => u.readyReplicas },
  { header: 'Updated', value: (u) => u.updatedReplicas },
];

function checkColumns(now: Date): Column<CheckView>[] {
  return [
    { header: 'Check', value: (c) => c.name },
    { header: 'Kind', value: (c) => c.kind },
    { header: 'Batch', value: (c) => (c.batch === undefined ? undefined : c.batch + 1) },
    { header: 'Result', value: (c) => c.result },
    { header: 'Age', value: (c) => age(c.at, now) },
    { header: 'Message', value: (c) => c.message },
  ];
}

/** Pure: the human view of `plinth release status` (also the frame of `--watch` on a TTY). */
export function renderStatusText(v: ReleaseStatusView, now: Date, wide = false): string {
  const how = v.resolvedFrom === 'CellDeployment' ? 'current release of' : 'release of';
  const cd = v.cellDeployment;
  const follows = cd?.releaseOrder && cd.releaseOrder !== v.releaseOrder ? `; the CellDeployment now follows ${cd.releaseOrder}` : '';
  const batch = v.currentBatch ? `${v.currentBatch.number} of ${v.batchCount}` : v.batchCount > 0 ? `- of ${v.batchCount}` : 'not planned yet';
  const flags = [v.spec.paused ? 'paused (spec.paused)' : '', v.spec.rollback ? 'rollback requested (spec.rollback)' : '', cd?.paused ? 'CellDeployment paused' : '']
    .filter(Boolean)
    .join(', ');
  const last = v.lastHistory
    ? `${v.lastHistory.action}${v.lastHistory.batch !== undefined ? ` (batch ${v.lastHistory.batch + 1})` : ''} by ${v.lastHistory.by} ${ago(v.lastHistory.at, now) ?? ''}${v.lastHistory.message ? `: ${v.lastHistory.message}` : ''}`
    : undefined;
  let out = fields([
    ['Release order', `${v.releaseOrder} (${how} celldeployment/${v.target.name}, namespace ${v.namespace}${follows})`],
    ['Phase', v.phase],
    ['Revision', `${v.fromRevision || '(none)'} → ${v.toRevision}`],
    ['Batch', `${batch}${v.batchCount > 0 ? `, confirmed up to batch ${v.spec.confirmedBatches + 1}` : ''}`],
    ['Pods', v.batchCount > 0 ? `${v.pods.done} of ${v.pods.total} done` : undefined],
    ['Flags', flags || undefined],
    [
      'Workload',
      cd ? `${cd.readyReplicas}/${cd.replicas} ready, ${cd.updatedReplicas} updated${cd.phase ? `, ${cd.phase}` : ''}` : `CellDeployment ${v.target.name} not found`,
    ],
  ]);
  if (v.batches.length > 0) out += '\n' + renderTable(v.batches, batchColumns(now), wide);
  if (v.units.length > 0) out += '\n' + renderTable(v.units, unitColumns, wide);
  if (v.checks.length > 0) out += '\n' + renderTable(v.checks, checkColumns(now), wide);
  out += '\n' + fields([
    ['Last', last],
    ['Next', v.next.message],
  ]);
  return out;
}

/** The status in the chosen format. */
export function renderStatus(v: ReleaseStatusView, output: OutputFormat, now: Date): string {
  return formatOutput(output, v, () => `releaseorder.apps.plinth.dev/${v.releaseOrder}\n`, (wide) => renderStatusText(v, now, wide));
}
