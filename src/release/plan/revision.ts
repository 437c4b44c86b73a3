import { createHash } from 'node:crypto';

/**
 * A pod template as the planners read it: the CRD's PodTemplate and client-node's V1PodTemplateSpec both fit.
 * The spec is treated as plain JSON data.
 */
export interface PodTemplateLike {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: object;
}

/**
 * Whether a label or annotation key is Plinth's own bookkeeping (`plinth.dev/...` or `<anything>.plinth.dev/...`,
 * e.g. `apps.plinth.dev/revision`). Such keys never define a revision and never force a pod to be recreated.
 */
export function isPlinthKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const prefix = key.slice(0, slash);
  return prefix === 'plinth.dev' || prefix.endsWith('.plinth.dev');
}

/**
 * JSON with object keys sorted at every level, so equal data always gives equal text.
 * Properties whose value is undefined are left out (as JSON.stringify does); Dates become ISO strings;
 * undefined inside arrays becomes null. Throws on values JSON cannot hold (functions, bigints, symbols, cycles).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value, new Set()));
}

function canonical(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${value} is not a JSON number`);
    return value;
  }
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') throw new Error(`canonicalJson: a ${typeof value} is not JSON data`);
  if (seen.has(value)) throw new Error('canonicalJson: the value contains a cycle');
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((v: unknown) => canonical(v, seen));
  } else {
    const obj: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) obj[key] = canonical(v, seen);
    }
    out = obj;
  }
  seen.delete(value);
  return out;
}

function withoutPlinthKeys(map: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (!isPlinthKey(k)) out[k] = v;
  return out;
}

/** The template as it defines a revision: Plinth's own label/annotation keys removed, empty maps dropped. */
function revisionView(template: PodTemplateLike): Record<string, unknown> {
  const { labels, annotations, ...otherMeta } = template.metadata ?? {};
  const metadata: Record<string, unknown> = { ...otherMeta };
  const l = withoutPlinthKeys(labels);
  const a = withoutPlinthKeys(annotations);
  if (Object.keys(l).length > 0) metadata['labels'] = l;
  if (Object.keys(a).length > 0) metadata['annotations'] = a;
  const view: Record<string, unknown> = { spec: template.spec ?? {} };
  if (Object.keys(metadata).length > 0) view['metadata'] = metadata;
  return view;
}

/**
 * A stable short name for a pod template: the first 10 hex characters of the sha256 of its canonical JSON
 * (keys sorted), after removing Plinth's own label/annotation keys (see {@link isPlinthKey}) and empty
 * label/annotation maps. Equal templates give equal hashes on every machine and Node version; the key order of
 * the input does not matter. The result is a valid label value.
 */
export function templateHash(template: PodTemplateLike): string {
  return createHash('sha256').update(canonicalJson(revisionView(template))).digest('hex').slice(0, 10);
}

/** A container whose image changes in place. */
export interface ImageChange {
  container: string;
  image: string;
}

/** The answer of {@link inPlaceChange}. */
export type InPlaceResult = { inPlace: true; images: ImageChange[] } | { inPlace: false; reason: string };

/**
 * Whether pods of `oldTemplate` can become pods of `newTemplate` by changing container images in place
 * (the kubelet restarts just those containers; the pod keeps its name, IP and node).
 *
 * In place only when the templates differ in nothing but `spec.containers[].image`. Anything else means recreate:
 *  - a label or annotation change other than Plinth's own keys (they may feed Service selectors or the app via the
 *    downward API, so pods are recreated rather than relabelled under a running process);
 *  - any init container change, image included (init containers run only when a pod starts);
 *  - containers added, removed, renamed or reordered, or any container field besides `image` (env, resources, ...);
 *  - any other pod spec field.
 * Identical templates (ignoring Plinth's keys) give `{ inPlace: true, images: [] }`: nothing to change.
 * `images` lists the changed containers in spec order. `reason` is one line naming the first difference found.
 */
export function inPlaceChange(oldTemplate: PodTemplateLike, newTemplate: PodTemplateLike): InPlaceResult {
  const metaReason = metadataDifference(oldTemplate, newTemplate);
  if (metaReason !== undefined) return { inPlace: false, reason: metaReason };
  const oldSpec = asRecord(oldTemplate.spec);
  const newSpec = asRecord(newTemplate.spec);
  for (const key of unionKeys(oldSpec, newSpec)) {
    if (key === 'containers') continue;
    if (!same(oldSpec[key], newSpec[key])) {
      const why = key === 'initContainers' ? ' (init containers run only when a pod starts)' : '';
      return { inPlace: false, reason: `spec.${key} changed${why}` };
    }
  }
  return containerImages(oldSpec['containers'], newSpec['containers']);
}

function containerImages(oldValue: unknown, newValue: unknown): InPlaceResult {
  if (!Array.isArray(oldValue) || !Array.isArray(newValue)) {
    return same(oldValue, newValue) ? { inPlace: true, images: [] } : { inPlace: false, reason: 'spec.containers changed' };
  }
  if (oldValue.length !== newValue.length) {
    return { inPlace: false, reason: `containers were added or removed (${oldValue.length} before, ${newValue.length} now)` };
  }
  const images: ImageChange[] = [];
  for (let i = 0; i < newValue.length; i++) {
    const before = asRecord(oldValue[i]);
    const after = asRecord(newValue[i]);
    const name = typeof after['name'] === 'string' ? after['name'] : `#${i}`;
    if (!same(before['name'], after['name'])) {
      return { inPlace: false, reason: `containers were renamed or reordered (container ${i} was ${JSON.stringify(before['name'])}, now ${JSON.stringify(after['name'])})` };
    }
    for (const key of unionKeys(before, after)) {
      if (key !== 'image' && !same(before[key], after[key])) {
        return { inPlace: false, reason: `container "${name}": ${key} changed` };
      }
    }
    if (!same(before['image'], after['image'])) {
      if (typeof after['image'] !== 'string' || after['image'] === '') {
        return { inPlace: false, reason: `container "${name}": image removed` };
      }
      images.push({ container: name, image: after['image'] });
    }
  }
  return { inPlace: true, images };
}

function metadataDifference(a: PodTemplateLike, b: PodTemplateLike): string | undefined {
  const { labels: la, annotations: aa, ...restA } = a.metadata ?? {};
  const { labels: lb, annotations: ab, ...restB } = b.metadata ?? {};
  const kinds: [string, Record<string, string>, Record<string, string>][] = [
    ['label', withoutPlinthKeys(la), withoutPlinthKeys(lb)],
    ['annotation', withoutPlinthKeys(aa), withoutPlinthKeys(ab)],
  ];
  for (const [kind, before, after] of kinds) {
    for (const key of unionKeys(before, after)) {
      if (before[key] === after[key]) continue;
      const what = before[key] === undefined ? 'added' : after[key] === undefined ? 'removed' : 'changed';
      return `template ${kind} "${key}" ${what}`;
    }
  }
  const restAr = restA as Record<string, unknown>;
  const restBr = restB as Record<string, unknown>;
  for (const key of unionKeys(restAr, restBr)) {
    if (!same(restAr[key], restBr[key])) return `template metadata.${key} changed`;
  }
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
