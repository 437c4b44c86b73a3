/**
 * Helm 3 release records stored as Secrets (type helm.sh/release.v1, labels owner=helm,name,version):
 * `data.release` is base64 (the Secret encoding) of base64 of gzip of the release JSON, whose `manifest`
 * is the rendered YAML. Decoding is pure; listing the records is in live/helm.ts.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

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

/** Decode a release record from the Secret's `data.release` value (as the API returns it). */
export function decodeHelmRelease(secretValue: string): HelmRelease {
  const inner = Buffer.from(secretValue, 'base64').toString('utf8');
  let bytes = Buffer.from(inner, 'base64');
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

/** Encode a release record the way Helm stores it in `data.release` (fixtures and tests). */
export function encodeHelmRelease(release: { name: string; namespace: string; version: number; manifest: string; status?: string }): string {
  const json = JSON.stringify({ name: release.name, namespace: release.namespace, version: release.version, manifest: release.manifest, info: { status: release.status ?? 'deployed' } });
  return Buffer.from(gzipSync(Buffer.from(json)).toString('base64')).toString('base64');
}
