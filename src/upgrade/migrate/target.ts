/**
 * What the import target can take: the version an exported object is applied through on the target,
 * converted when the source's version is not served there; objects without a served replacement
 * (PodSecurityPolicy) are skipped with the reason.
 */
import type { ApiResourceInfo } from '../../kube/discovery.js';
import type { KubeObject } from '../../kube/resource.js';
import { removedApi } from '../assess/kb/apis.js';

export type Obj = KubeObject & Record<string, unknown>;
export type Conversion = { object: Obj; info: ApiResourceInfo; converted: boolean } | { skip: string };

/** apiVersion/kind → resource, for every group version the target serves. */
export class TargetApis {
  private readonly byGvk = new Map<string, ApiResourceInfo>();

  constructor(byGroupVersion: Map<string, ApiResourceInfo[]>) {
    for (const [gv, list] of byGroupVersion) for (const r of list) this.byGvk.set(`${gv}|${r.kind}`, r);
  }

  lookup(apiVersion: string, kind: string): ApiResourceInfo | undefined {
    return this.byGvk.get(`${apiVersion}|${kind}`);
  }
}

/** The converter `convertObject(obj, targetMinor)`; see convert/. */
export type Converter = (obj: Obj, targetMinor: number) => { object: Obj } | { skip: string };

/** Convert `obj` for the target, or say why it cannot take it. */
export function forTarget(obj: Obj, targetMinor: number, apis: TargetApis, convert: Converter): Conversion {
  const apiVersion = obj.apiVersion ?? '';
  const kind = obj.kind ?? '';
  const direct = apis.lookup(apiVersion, kind);
  if (direct) return { object: obj, info: direct, converted: false };
  const removed = removedApi(apiVersion, kind);
  if (removed && removed.replacement === null) {
    return { skip: `${apiVersion} ${kind} is not served by 1.${targetMinor} and has no replacement${removed.advice ? `: ${removed.advice}` : ''}` };
  }
  const out = convert(obj, targetMinor);
  if ('skip' in out) return out;
  const info = apis.lookup(out.object.apiVersion ?? '', out.object.kind ?? '');
  if (!info) {
    const to = `${out.object.apiVersion ?? '?'} ${out.object.kind ?? '?'}`;
    return { skip: to === `${apiVersion} ${kind}` ? `the target does not serve ${to} (is its CustomResourceDefinition in the export?)` : `the target serves neither ${apiVersion} ${kind} nor ${to}` };
  }
  return { object: out.object, info, converted: true };
}
