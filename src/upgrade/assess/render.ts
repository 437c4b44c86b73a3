/** Render a report as a table (terminal), markdown (tickets, PRs) or JSON (documented, stable). */
import { renderTable, type Column } from '../../term/output.js';
import type { Finding, Identity, InputError, Report } from './types.js';

export type AssessFormat = 'table' | 'json' | 'markdown';
export const ASSESS_FORMATS: readonly AssessFormat[] = ['table', 'json', 'markdown'];

/** Where a finding was found: file:line, the Helm release, or live (writers and callers are in the message and identity.client). */
export function whereOf(i: Identity): string {
  if (i.source === 'manifest') return `${i.file ?? '?'}:${i.line ?? '?'}`;
  if (i.source === 'helm' && i.release) {
    const tpl = i.file ? ` ${i.file}` : '';
    return `helm ${i.release.namespace}/${i.release.name}#${i.release.revision}${tpl}:${i.line ?? '?'}`;
  }
  return i.component ? `live ${i.component}` : 'live';
}

/** The object: Kind namespace/name (or what the metric names). */
export function objectOf(i: Identity): string {
  const nn = i.name ? (i.namespace ? `${i.namespace}/${i.name}` : i.name) : '';
  return [i.kind, nn].filter((s) => s).join(' ');
}

function errorWhere(e: InputError): string {
  if (e.file) return `${e.file}${e.line ? `:${e.line}` : ''}`;
  if (e.release) return `helm ${e.release.namespace}/${e.release.name}#${e.release.revision}${e.line ? `:${e.line}` : ''}`;
  return e.source;
}

const COLUMNS: readonly Column<Finding>[] = [
  { header: 'severity', value: (f) => f.severity },
  { header: 'where', value: (f) => whereOf(f.identity) },
  { header: 'object', value: (f) => objectOf(f.identity) },
  { header: 'finding', value: (f) => f.message },
];

function pathLines(r: Report): string[] {
  const p = r.path;
  const lines = [`path (${p.strategy}${p.from ? ` from ${p.from}` : ''} to ${p.to}): ${p.explanation}`];
  for (const s of p.steps) lines.push(`  → ${s.to}: ${s.blockers} blocker(s) to fix first${s.notes.length ? `; ${s.notes.length} behaviour change(s)` : ''}`);
  return lines;
}

function summaryLine(r: Report): string {
  const src = [`${r.sources.objects} object(s)`, r.sources.manifests ? `${r.sources.manifests} file(s)` : '', r.sources.helmReleases ? `${r.sources.helmReleases} Helm release(s)` : '', r.sources.live ? `live cluster ${r.sources.cluster ?? ''}`.trim() : '']
    .filter((s) => s)
    .join(', ');
  return `target ${r.target}${r.current ? `, current ${r.current}` : ''}: ${r.summary.blockers} blocker(s), ${r.summary.warnings} warning(s), ${r.summary.info} info — ${src}`;
}

export function renderTableReport(r: Report): string {
  const out: string[] = [];
  out.push(r.findings.length > 0 ? renderTable(r.findings, COLUMNS).trimEnd() : 'no findings');
  out.push('', summaryLine(r), ...pathLines(r));
  if (r.behaviourChanges.length > 0) {
    out.push('', 'behaviour changes on the way:');
    for (const b of r.behaviourChanges) out.push(`  ${b.minor} ${b.title}`);
  }
  if (r.errors.length > 0) {
    out.push('', 'input errors (a malformed document or an unreadable file was not assessed):');
    for (const e of r.errors) out.push(`  ${errorWhere(e)}: ${e.message}`);
  }
  return out.join('\n') + '\n';
}

const md = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdownReport(r: Report): string {
  const out: string[] = [`# Upgrade assessment: ${r.current ? `${r.current} → ` : ''}${r.target}`, '', summaryLine(r), ''];
  if (r.findings.length > 0) {
    out.push('| severity | where | object | finding | replacement |', '|---|---|---|---|---|');
    for (const f of r.findings) out.push(`| ${f.severity} | ${md(whereOf(f.identity))} | ${md(objectOf(f.identity))} | ${md(f.message)} | ${md(f.replacement ?? '')} |`);
  } else out.push('No findings.');
  const withChanges = r.findings.filter((f) => (f.fieldChanges?.length ?? 0) > 0);
  const seen = new Set<string>();
  const changes = withChanges.filter((f) => (seen.has(`${f.subject} ${f.identity.kind}`) ? false : (seen.add(`${f.subject} ${f.identity.kind}`), true)));
  if (changes.length > 0) {
    out.push('', '## Field changes');
    for (const f of changes) {
      out.push('', `### ${f.subject} ${f.identity.kind} → ${f.replacement ?? '(none)'}`);
      for (const c of f.fieldChanges!) out.push(`- \`${c.from}\` → \`${c.to || '(removed)'}\`: ${c.note}`);
    }
  }
  out.push('', '## Suggested path', '', r.path.explanation, '');
  for (const s of r.path.steps) out.push(`1. **${s.to}** — ${s.blockers} blocker(s) to fix first${s.notes.map((n) => `\n   - ${n}`).join('')}`);
  if (r.behaviourChanges.length > 0) {
    out.push('', '## Behaviour changes', '');
    for (const b of r.behaviourChanges) out.push(`- **${b.minor}** ${b.title}. ${b.action}. ([source](${b.source}))`);
  }
  if (r.errors.length > 0) {
    out.push('', '## Errors (not assessed)', '');
    for (const e of r.errors) out.push(`- ${md(errorWhere(e))}: ${md(e.message)}`);
  }
  return out.join('\n') + '\n';
}

export function renderReport(r: Report, format: AssessFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'markdown':
      return renderMarkdownReport(r);
    case 'table':
      return renderTableReport(r);
  }
}
