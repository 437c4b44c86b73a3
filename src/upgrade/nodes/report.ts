import { render, type Column, type OutputFormat } from '../../term/output.js';
import { countNodes, etaMs, type Control, type NodeState, type RunState } from './state.js';

/** `1m05s`, `12.3s`, `—` */
export function fmtDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

const COLUMNS: Column<NodeState>[] = [
  { header: 'node', value: (n) => n.name },
  { header: 'phase', value: (n) => n.phase },
  { header: 'from', value: (n) => n.from },
  { header: 'to', value: (n) => n.to },
  { header: 'drain', value: (n) => fmtDuration(n.timings.drain) },
  { header: 'upgrade', value: (n) => fmtDuration(n.timings.upgrade) },
  { header: 'ready', value: (n) => fmtDuration(n.timings.waitReady) },
  { header: 'health', value: (n) => fmtDuration(n.timings.health) },
  { header: 'total', value: (n) => fmtDuration(n.timings.total) },
  { header: 'evicted', value: (n) => n.evicted },
  { header: 'blocked-by', value: (n) => n.blockedBy?.join(','), wide: true },
  { header: 'attempts', value: (n) => n.upgradeAttempts, wide: true },
  { header: 'message', value: (n) => n.message },
];

/** The stable JSON form of a run (documented in docs/upgrade-nodes.md). */
export function reportJson(s: RunState, control: Control = ''): unknown {
  return {
    apiVersion: 'upgrade.plinth.dev/v1alpha1',
    kind: 'NodeUpgradeRun',
    name: s.name,
    phase: s.phase,
    control,
    settings: s.settings,
    window: s.window,
    evictionApi: s.evictionApi,
    holder: s.holder,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt,
    message: s.message,
    counts: countNodes(s),
    nodes: Object.values(s.nodes).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export function summaryLine(s: RunState): string {
  const c = countNodes(s);
  const elapsed = Date.parse(s.finishedAt ?? new Date().toISOString()) - Date.parse(s.createdAt);
  const parts = [`run ${s.name}: ${s.phase}`, `${c.done}/${c.total} upgraded`];
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.aborted) parts.push(`${c.aborted} aborted`);
  if (c.pending) parts.push(`${c.pending} not started`);
  parts.push(`in ${fmtDuration(elapsed)}`);
  return parts.join(', ') + (s.message ? ` (${s.message})` : '');
}

export function renderReport(s: RunState, format: OutputFormat, control: Control = ''): string {
  const nodes = Object.values(s.nodes).sort((a, b) => a.name.localeCompare(b.name));
  const body = render(format, { items: nodes, json: reportJson(s, control), columns: COLUMNS, name: (n) => `node/${n.name}` });
  return format === 'table' || format === 'wide' ? `${body}\n${summaryLine(s)}${control ? ` [${control} requested]` : ''}\n` : body;
}

/** The live line: done / in flight / failed / ETA, plus what blocks a node now. */
export function progressLine(s: RunState, blocked: string | undefined): string {
  const c = countNodes(s);
  const eta = etaMs(s, s.window);
  const head = `${c.done + c.skipped}/${c.total} done, ${c.inFlight} in flight, ${c.failed} failed, ETA ${eta === undefined ? '?' : fmtDuration(eta)}`;
  return blocked ? `${head} · ${blocked}` : head;
}
