// Label selector strings (`tier=edge,region in (a,b),!legacy`) as kubectl reads them, into a LabelSelector.
import { PlinthError } from '../../errors/index.js';
import type { LabelSelectorLike } from '../../kube/selector.js';

/** Parse a selector string: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, comma-separated. */
export function parseLabelSelector(text: string): LabelSelectorLike {
  const out: Required<LabelSelectorLike> = { matchLabels: {}, matchExpressions: [] };
  for (const part of splitTop(text)) {
    const p = part.trim();
    if (p === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
      out.matchExpressions.push({ key: m[1] ?? '', operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([^\s!=(),]+)\s*!=\s*([^\s!=(),]*)$/.exec(p))) {
      out.matchExpressions.push({ key: m[1] ?? '', operator: 'NotIn', values: [m[2] ?? ''] });
    } else if ((m = /^([^\s!=(),]+)\s*==?\s*([^\s!=(),]*)$/.exec(p))) {
      out.matchLabels[m[1] ?? ''] = m[2] ?? '';
    } else if ((m = /^!\s*([^\s!=(),]+)$/.exec(p))) {
      out.matchExpressions.push({ key: m[1] ?? '', operator: 'DoesNotExist' });
    } else if ((m = /^([^\s!=(),]+)$/.exec(p))) {
      out.matchExpressions.push({ key: m[1] ?? '', operator: 'Exists' });
    } else {
      throw new PlinthError('INVALID_ARGUMENT', { what: 'label selector', detail: `"${p}" in "${text}"`, fix: 'write it as kubectl does, e.g. tier=edge,region in (east,west),!legacy' });
    }
  }
  return out;
}

/** Split on commas outside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** Parse `--labels tier=edge,region=x` into a map (values may be empty; keys may not). */
export function parseLabelList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    if (part.trim() === '') continue;
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim();
    const value = i < 0 ? '' : part.slice(i + 1).trim();
    if (!validLabel(key, value)) {
      throw new PlinthError('INVALID_ARGUMENT', { what: '--labels', detail: `"${part}"`, fix: 'give key=value pairs separated by commas, e.g. tier=edge,region=east (Kubernetes label syntax)' });
    }
    out[key] = value;
  }
  return out;
}

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether a key and value are a valid Kubernetes label. */
export function validLabel(key: string, value: string): boolean {
  const i = key.lastIndexOf('/');
  const prefix = i < 0 ? undefined : key.slice(0, i);
  const name = i < 0 ? key : key.slice(i + 1);
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) return false;
  if (!NAME.test(name)) return false;
  return value === '' || NAME.test(value);
}
