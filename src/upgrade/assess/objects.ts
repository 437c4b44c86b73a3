/** The findings for one object read from a manifest or a Helm release (the same rules for both). */
import { apiFinding, pdbEmptySelectorFinding, podFlagFindings } from './rules.js';
import type { ScannedObject } from './scan/manifests.js';
import type { Finding, Identity } from './types.js';

export function objectFindings(o: ScannedObject, target: number, identity: Identity): Finding[] {
  const out: Finding[] = [];
  const api = apiFinding(o.apiVersion, o.kind, target, identity);
  if (api) out.push(api);
  if (o.kind === 'PodDisruptionBudget') {
    const pdb = pdbEmptySelectorFinding(o.body, identity);
    if (pdb) out.push(pdb);
  }
  if (o.kind === 'Pod' && o.apiVersion === 'v1') {
    const labels = (o.body.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    out.push(...podFlagFindings(o.body.spec, labels?.component, target, identity));
  }
  return out;
}

/** The identity of a manifest object. */
export function manifestIdentity(file: string, o: ScannedObject): Identity {
  return {
    source: 'manifest',
    file,
    line: o.line,
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
  };
}
