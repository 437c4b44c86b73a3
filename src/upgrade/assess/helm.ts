/**
 * Helm 3 release records. Helm keeps one record per release revision, through one of two storage drivers:
 * - `secret` (the default): Secrets of type helm.sh/release.v1; `data.release` is base64 (the Secret
 *   encoding) of base64 of gzip of the release JSON;
 * - `configmap` (HELM_DRIVER=configmap): ConfigMaps; `data.release` is base64 of gzip of the release JSON
 *   (ConfigMap data is a plain string, so there is no extra layer).
 * Both label the record owner=helm, name=RELEASE, version=REVISION, status=STATUS. The release JSON's
 * `manifest` is the rendered YAML. Decoding and choosing records is pure; listing them is in live/collect.ts.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export type HelmStorage = 'Secret' | 'ConfigMap';

export interface HelmRelease {
  readonly name: string;
  readonly namespace: string;
  readonly revision: number;
  readonly status: string;
  readonly chart: string;
  readonly manifest: string;
}

interface ReleaseJson {
  name?: string;
  namespace?: string;
  version?: number;
  manifest?: string;
  info?: { status?: string };
  chart?: { metadata?: { name?: string; version?: string } };
}

/** Decode Helm's own encoding: base64 of (usually gzipped) release JSON. */
function decodePayload(payload: string): HelmRelease {
  let bytes = Buffer.from(payload, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const r = JSON.parse(bytes.toString('utf8')) as ReleaseJson;
  return {
    name: r.name ?? '',
    namespace: r.namespace ?? '',
    revision: r.version ?? 0,
    status: r.info?.status ?? 'unknown',
    chart: r.chart?.metadata ? `${r.chart.metadata.name ?? '?'}-${r.chart.metadata.version ?? '?'}` : '',
    manifest: r.manifest ?? '',
  };
}

/** Decode a release record from a Secret's `data.release` value (as the API returns it). */
export function decodeHelmRelease(secretValue: string): HelmRelease {
  return decodePayload(Buffer.from(secretValue, 'base64').toString('utf8'));
}

/** Decode a release record from the `data.release` value of a Secret or a ConfigMap. */
export function decodeHelmRecord(storage: HelmStorage, value: string): HelmRelease {
  return storage === 'Secret' ? decodeHelmRelease(value) : decodePayload(value);
}

/** Encode a release record the way Helm stores it in `data.release` of a Secret (default) or a ConfigMap (fixtures and tests). */
export function encodeHelmRelease(
  release: { name: string; namespace: string; version: number; manifest: string; status?: string },
  storage: HelmStorage = 'Secret',
): string {
  const json = JSON.stringify({ name: release.name, namespace: release.namespace, version: release.version, manifest: release.manifest, info: { status: release.status ?? 'deployed' } });
  const payload = gzipSync(Buffer.from(json)).toString('base64');
  return storage === 'Secret' ? Buffer.from(payload).toString('base64') : payload;
}

/** A stored record as its labels describe it (before decoding). */
export interface HelmRecordRef {
  readonly storage: HelmStorage;
  /** The namespace and name of the Secret or ConfigMap. */
  readonly namespace: string;
  readonly name: string;
  /** Labels `name`, `version`, `status`. */
  readonly release: string;
  readonly revision: number;
  readonly status: string | undefined;
}

/** `Secret legacy/sh.helm.release.v1.shop.v2` */
export function recordWhere(r: Pick<HelmRecordRef, 'storage' | 'namespace' | 'name'>): string {
  return `${r.storage} ${r.namespace}/${r.name}`;
}

/**
 * The record that matters for each release (per storage kind and namespace): the newest revision whose status
 * is `deployed` — the one `helm upgrade` diffs against and the one running in the cluster — or, when no
 * revision is deployed (first install failed, a rollback is pending), the newest revision. Superseded, failed
 * and pending revisions above or below it are skipped. Sorted by namespace, release, storage.
 */
export function currentHelmRecords<T extends HelmRecordRef>(records: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const r of records) {
    const key = `${r.storage}\0${r.namespace}\0${r.release}`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  const chosen: T[] = [];
  for (const g of groups.values()) {
    const newest = (list: T[]): T | undefined => list.reduce<T | undefined>((best, r) => (!best || r.revision > best.revision ? r : best), undefined);
    const pick = newest(g.filter((r) => r.status === 'deployed')) ?? newest(g);
    if (pick) chosen.push(pick);
  }
  return chosen.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.release.localeCompare(b.release) || a.storage.localeCompare(b.storage));
}
