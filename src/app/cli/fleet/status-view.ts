import type { FleetDelivery } from '../../../api/index.js';
import { formatOutput, renderTable, type OutputFormat } from '../../../term/output.js';
import { short } from './delivery-view.js';

/** The JSON of `plinth fleet status NAME -o json` and `plinth fleet rollout status NAME -o json`: the delivery's spec and status, as stored. */
export interface DeliveryStatusDoc {
  kind: 'FleetDeliveryStatus';
  namespace: string;
  name: string;
  source: { name: string; path: string };
  paused: boolean;
  suspend: boolean;
  confirmedWaves: string[];
  status: FleetDelivery['status'] | null;
}

export function statusDoc(d: FleetDelivery): DeliveryStatusDoc {
  return {
    kind: 'FleetDeliveryStatus',
    namespace: d.metadata.namespace ?? '',
    name: d.metadata.name ?? '',
    source: { name: d.spec.sourceRef.name, path: d.spec.path ?? '' },
    paused: d.spec.paused === true,
    suspend: d.spec.suspend === true,
    confirmedWaves: d.spec.confirmedWaves ?? [],
    status: d.status ?? null,
  };
}

/** What to do next, for a person reading the status. */
export function nextStep(d: FleetDelivery): string | undefined {
  const ref = d.metadata.name ?? '';
  const phase = d.status?.phase ?? 'Pending';
  const waiting = d.status?.waves?.find((w) => w.phase === 'WaitingForConfirm');
  if (waiting) return `wave ${waiting.name} waits: \`plinth fleet rollout confirm ${ref}\``;
  if (phase === 'Paused') return `paused: \`plinth fleet rollout resume ${ref}\` once the failing clusters are fixed, or \`plinth fleet rollout rollback ${ref}\``;
  return undefined;
}

/** `plinth fleet status NAME`: source, revision, waves with phases, counts, failing clusters, conditions, last history. */
export function renderDeliveryStatus(d: FleetDelivery, output: OutputFormat, historyLines = 5): string {
  return formatOutput(output, statusDoc(d), () => `fleetdelivery.fleet.plinth.dev/${d.metadata.name ?? ''}\n`, () => text(d, historyLines));
}

function text(d: FleetDelivery, historyLines: number): string {
  const st = d.status ?? {};
  const c = st.clusters;
  const lines: string[] = [];
  lines.push(`FleetDelivery ${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`);
  lines.push(`  source:    GitSource ${d.spec.sourceRef.name}, path "${d.spec.path ?? ''}"`);
  lines.push(`  phase:     ${st.phase ?? 'Pending'}${d.spec.paused ? ' (spec.paused)' : ''}${d.spec.suspend ? ' (spec.suspend)' : ''}`);
  lines.push(`  revision:  ${short(st.revision) || '(none)'}  sequence ${st.sequence ?? 0}${st.previousRevision ? `  previous ${short(st.previousRevision)}` : ''}${st.rolledBackFrom ? `  rolled back from ${short(st.rolledBackFrom)}` : ''}`);
  if (c) lines.push(`  clusters:  ${c.placed} placed, ${c.applied} applied, ${c.healthy} healthy, ${c.failed} failed, ${c.disconnected} disconnected`);
  const next = nextStep(d);
  if (next) lines.push(`  next:      ${next}`);
  const out = [lines.join('\n'), ''];
  if (st.waves?.length) {
    out.push('Waves:');
    out.push(indent(renderTable(st.waves, [
      { header: '#', value: (w) => (st.waves ?? []).indexOf(w) + 1 },
      { header: 'Wave', value: (w) => w.name },
      { header: 'Phase', value: (w) => w.phase },
      { header: 'Clusters', value: (w) => w.clusters ?? 0 },
      { header: 'Confirmed', value: (w) => ((d.spec.confirmedWaves ?? []).includes(w.name) ? 'yes' : '') },
      { header: 'Started', value: (w) => w.startedAt },
      { header: 'Finished', value: (w) => w.finishedAt },
    ])));
  }
  if (st.failing?.length) {
    out.push('Failing clusters:');
    out.push(indent(renderTable(st.failing, [{ header: 'Cluster', value: (f) => f.cluster }, { header: 'Message', value: (f) => f.message }])));
  }
  if (st.conditions?.length) {
    out.push('Conditions:');
    out.push(indent(renderTable(st.conditions, [
      { header: 'Type', value: (x) => x.type },
      { header: 'Status', value: (x) => x.status },
      { header: 'Reason', value: (x) => x.reason },
      { header: 'Message', value: (x) => x.message },
    ])));
  }
  const h = (st.history ?? []).slice(-historyLines);
  if (h.length) {
    out.push(`History (last ${h.length} of ${st.history?.length ?? 0}):`);
    out.push(indent(renderTable(h, [
      { header: 'At', value: (e) => e.at },
      { header: 'By', value: (e) => e.by },
      { header: 'Action', value: (e) => e.action },
      { header: 'Wave', value: (e) => e.wave },
      { header: 'Message', value: (e) => e.message },
    ])));
  }
  return out.join('\n');
}

function indent(s: string): string {
  return s.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
}

/** One line per change for `rollout status -w` off a TTY. */
export function statusLine(d: FleetDelivery): string {
  const st = d.status ?? {};
  const c = st.clusters;
  const waves = (st.waves ?? []).map((w) => `${w.name}:${w.phase}`).join(' ');
  return `${d.metadata.name ?? ''} ${short(st.revision)} seq ${st.sequence ?? 0} ${st.phase ?? 'Pending'} [${waves}] ${c ? `${c.healthy}/${c.placed} healthy, ${c.failed} failed` : ''}`.trimEnd();
}
