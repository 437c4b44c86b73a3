import type { LabelSelectorLike } from './selector.js';

/**
 * A label selector in the string form the API server parses (`?labelSelector=`, a scale subresource's
 * status.selector): matchLabels as `k=v` (by key), then matchExpressions as `k in (a,b)`, `k notin (a,b)`,
 * `k` or `!k` (values sorted), joined by commas, as metav1.FormatLabelSelector writes it. Empty selects everything.
 */
export function selectorString(selector: LabelSelectorLike | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.join(',');
}
